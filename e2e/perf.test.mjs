// Performance figures, measured in headless Chromium on the release build and printed
// (never asserted: timings depend on the machine): time to interactive from a cold load,
// and, while the clock runs at 60x with 1,000 and with 5,000 pods, the frame intervals and
// the main thread's work per frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, openPage, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** Median and 95th percentile of a list of numbers. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

/** Frame intervals (ms) over `ms` of wall time, read with requestAnimationFrame. */
async function frameIntervals(page, ms) {
  return page.evaluate((duration) => new Promise((done) => {
    const deltas = [];
    let last = performance.now();
    const start = last;
    function frame(now) {
      deltas.push(now - last);
      last = now;
      if (now - start < duration) requestAnimationFrame(frame); else done(deltas);
    }
    requestAnimationFrame(frame);
  }), ms);
}

/**
 * The main thread's busy time in ms (all tasks; scripts, style and layout among them),
 * from Chromium's own counters.
 */
async function mainThreadWork(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name) => 1000 * (metrics.find((m) => m.name === name)?.value ?? 0);
  return { task: value('TaskDuration'), script: value('ScriptDuration'), layout: value('LayoutDuration') + value('RecalcStyleDuration') };
}

/**
 * Runs in the page before its own scripts: notes long tasks (over 50 ms of main-thread
 * work), the frame that first draws a node on the map and the moment the console takes
 * input; `window.__perf.interactive` settles with the time to interactive, as Lighthouse
 * counts it (once the map is drawn and the console takes input, the end of the last long
 * task before `quiet` ms pass without one), and the long tasks until then.
 */
function watchStart(quiet) {
  const perf = (window.__perf = { longTasks: [], mapDrawn: null, consoleReady: null });
  const note = (entries) => {
    for (const e of entries) perf.longTasks.push([e.startTime, e.startTime + e.duration]);
  };
  const tasks = new PerformanceObserver((list) => note(list.getEntries()));
  tasks.observe({ type: 'longtask', buffered: true });
  const observer = new MutationObserver(() => {
    if (perf.mapDrawn === null && document.querySelector('[data-testid="node"]')) {
      perf.mapDrawn = -1;
      requestAnimationFrame(() => { perf.mapDrawn = performance.now(); });
    }
    if (perf.consoleReady === null && document.querySelector('[data-testid="console-input"]:not([disabled])')) perf.consoleReady = performance.now();
    if (perf.mapDrawn !== null && perf.consoleReady !== null) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  perf.interactive = new Promise((settle) => {
    const check = () => {
      // Long tasks observed but not yet delivered count too.
      note(tasks.takeRecords());
      if (perf.mapDrawn > 0 && perf.consoleReady !== null) {
        const last = Math.max(perf.mapDrawn, perf.consoleReady, ...perf.longTasks.map(([, end]) => end));
        if (performance.now() - last >= quiet) return settle({ tti: last, longTasks: [...perf.longTasks] });
      }
      setTimeout(check, 250);
    };
    check();
  });
}

/** How long the main thread must stay free of long tasks for the page to count as interactive. */
const QUIET_MS = 5000;

test('performance: time to interactive and frame times at 60x (printed)', async () => {
  // A cold load: a fresh context has no cache and no service worker yet.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(watchStart, QUIET_MS);
  // Until the page is interactive it is read over the DevTools protocol alone: Playwright's
  // own selector script, evaluated in the page at its first query, is a long task of its own
  // (about 70 ms) that no learner's browser runs.
  const cdp = await context.newCDPSession(page);
  await page.goto(env.server.url);
  const expression = 'Promise.race([window.__perf.interactive, new Promise((settle) => setTimeout(() => settle(null), 30000))])';
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  assert.equal(exceptionDetails, undefined, 'the page\'s start-up watch ran');
  assert.ok(result.value, 'the page became interactive within 30 s');
  const { tti, longTasks } = result.value;
  const start = await page.evaluate(() => {
    const mark = (name) => performance.getEntriesByName(`kubeplay:${name}`)[0]?.startTime;
    const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
    const p = window.__perf;
    return {
      wasm: wasm?.responseEnd, start: mark('start'), cluster: mark('cluster-built'), storage: mark('storage-read'),
      render: mark('first-render'), drawn: p.mapDrawn, console: p.consoleReady,
    };
  });
  const ms = (v) => `${v === undefined ? '?' : v.toFixed(0)} ms`;
  console.log(`perf: time to interactive (cold load, localhost): ${ms(tti)} (target 300 ms): the map drawn at ${ms(start.drawn)} and the console taking input at ${ms(start.console)}, then no long task for ${QUIET_MS / 1000} s (long tasks until then: ${longTasks.map(([from, to]) => `${from.toFixed(0)}-${to.toFixed(0)} ms`).join(', ') || 'none'})`);
  console.log(`perf: start-up phases: wasm downloaded ${ms(start.wasm)}, compiled and started ${ms(start.start)}, cluster built ${ms(start.cluster)}, stored work read ${ms(start.storage)}, first render ${ms(start.render)}, map drawn ${ms(start.drawn)}`);

  // Ten workers take about 1,000 pods (110 pods each); 5,000 leave most waiting for a node,
  // which the map draws too.
  for (let i = 0; i < 7; i++) await page.locator('[data-testid="add-node"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 11);
  const input = page.locator('[data-testid="console-input"]');
  await page.locator('[data-testid="speed"]').selectOption('60');
  await cdp.send('Performance.enable');
  const figures = [];
  for (const replicas of [1000, 5000]) {
    await input.fill(`kubectl scale deployment load --replicas=${replicas} 2>/dev/null || kubectl create deployment load --image=nginx --replicas=${replicas}`);
    await input.press('Enter');
    // Wait until the map shows them all, or print how far it got in a minute.
    const reached = await page.waitForFunction((n) => document.querySelectorAll('[data-testid="pod"]').length >= n, replicas, { timeout: 60_000 }).then(() => true, () => false);
    const before = await mainThreadWork(cdp);
    const s = summary(await frameIntervals(page, 4000));
    const after = await mainThreadWork(cdp);
    const perFrame = (key) => (after[key] - before[key]) / s.n;
    const pods = await page.locator('[data-testid="pod"]').count();
    figures.push({ pods, reached, work: perFrame('task'), ...s });
    const note = reached ? '' : ` (only ${pods} of ${replicas} on the map after a minute)`;
    console.log(`perf: at 60x with ${pods} pods${note}: main-thread work ${perFrame('task').toFixed(1)} ms per frame on average (scripts ${perFrame('script').toFixed(1)} ms, style and layout ${perFrame('layout').toFixed(1)} ms; target under 16 ms at 1,000 pods); frame interval median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms over ${s.n} frames (a display refresh is 16.7 ms)`);
  }
  await page.screenshot({ path: `${SHOTS}/perf-many-pods.png` });
  assert.equal(figures.length, 2);
  assert.ok(figures[0].reached, 'the thousand pods reach the map');
  assert.ok(figures.every((f) => f.work > 0), 'Chromium counted the main thread\'s work');
  assert.deepEqual(errors, []);
  await context.close();
});

test("the fonts index.html looks up while the page's scripts load are every font the first view draws its text in, and it leaves nothing behind", async () => {
  const { page, errors, context } = await openPage(env);
  const { listed, drawn, extra } = await page.evaluate(() => {
    // Each family as Chromium computes it (the stylesheet's custom properties, read through a probe).
    const families = Object.fromEntries(['mono', 'sans'].map((name) => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.fontFamily = `var(--${name})`;
      const family = getComputedStyle(probe).fontFamily;
      probe.remove();
      return [name, family];
    }));
    // As index.html lists them: family, then weight/size (the weight 400 left out).
    const listed = Object.entries(window.kubeplayFonts ?? {}).flatMap(([family, list]) => list.split(' ').map((f) => `${family} ${f.includes('/') ? f : `400/${f}`}`));
    const shown = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (walker.currentNode.textContent.trim()) shown.add(walker.currentNode.parentElement);
    for (const field of document.querySelectorAll('input, textarea, select')) shown.add(field);
    const drawn = new Set();
    for (const el of shown) {
      // The logo's sign is looked up through the page's own classes.
      if (!el.checkVisibility() || el.closest('.logo')) continue;
      const s = getComputedStyle(el);
      const family = Object.keys(families).find((f) => s.fontFamily === families[f]) ?? s.fontFamily;
      drawn.add(`${family} ${s.fontWeight}/${parseFloat(s.fontSize)}${s.fontStyle === 'normal' ? '' : ` ${s.fontStyle}`}`);
    }
    return { listed, drawn: [...drawn].sort(), extra: [...document.documentElement.children].map((e) => e.tagName) };
  });
  assert.ok(drawn.length > 10, `the first view's fonts were read: ${drawn.join(', ')}`);
  assert.deepEqual(drawn.filter((f) => !listed.includes(f)), [], 'every font of the first view is in index.html\'s kubeplayFonts (a font missing there is looked up in the first frame)');
  assert.deepEqual(extra, ['HEAD', 'BODY'], 'nothing of the look-up stays in the page');
  assert.deepEqual(errors, []);
  await context.close();
});
