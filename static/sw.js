// kubeplay's service worker: after a first visit the playground opens without a network.
// Everything is fetched from the network first (so a new build shows at once) and kept;
// when the network is gone, the kept copy answers.
const CACHE = 'kubeplay-v1';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('./', { cache: 'no-cache' });
    const html = await page.clone().text();
    await cache.put('./', page);
    // The hashed script, wasm and stylesheet the page names, and the built-in course.
    const urls = [...html.matchAll(/["']((?:\.\/|\/)?[\w./-]+\.(?:js|wasm|css))["']/g)].map((m) => m[1]);
    urls.push('lessons/index.yaml');
    try {
      const course = await (await fetch('lessons/index.yaml')).text();
      for (const m of course.matchAll(/^\s*- id: ([\w-]+)/gm)) urls.push(`lessons/${m[1]}/lesson.yaml`);
    } catch (_) { /* offline during install: the course is cached as it is visited */ }
    // The page names its script and wasm more than once (a preload and the loader): each
    // is fetched once.
    await Promise.allSettled([...new Set(urls)].map((u) => cache.add(u)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const fresh = await fetch(request);
      // A page fetched with the server's token carries it: never keep that copy.
      if (fresh.ok && !url.searchParams.has('token')) await cache.put(request, fresh.clone());
      return fresh;
    } catch (offline) {
      const kept = await cache.match(request, { ignoreSearch: true });
      if (kept) return kept;
      throw offline;
    }
  })());
});
