// End-to-end: the built-in lessons, fetched as data by the release build, followed by
// clicking their commands; checks tick as the simulated cluster changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHOTS, putKeptItems, useServerAndBrowser, waitForKept } from './harness.mjs';
import { assertLastOutputShown, howShown } from './view.mjs';

const env = useServerAndBrowser();

async function open(path, context) {
  const ctx = context ?? await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, env.server.url).href);
  await page.waitForSelector('[data-testid="node"]');
  return { page, errors, context: ctx };
}

/** Clicks the step's n-th command into the console and runs it. */
async function runCommand(page, n) {
  await page.locator('[data-testid="lesson-command"]').nth(n).click();
  const input = page.locator('[data-testid="console-input"]');
  assert.notEqual(await input.inputValue(), '', 'the command is in the console');
  await input.press('Enter');
}

/** Creates a Deployment from the console at 10x speed and waits until its pods are ready. */
async function deployAndWait(page, name, replicas) {
  await page.locator('[data-testid="speed"]').selectOption('10');
  const input = page.locator('[data-testid="console-input"]');
  await input.fill(`kubectl create deployment ${name} --image=nginx --replicas=${replicas}`);
  await input.press('Enter');
  await page.waitForFunction(([n, r]) => document.querySelectorAll(`[data-testid="pod"][data-name^="${n}-"][data-ready="true"]`).length === r, [name, replicas], { timeout: 15_000 });
}

async function waitForChecks(page) {
  await page.waitForFunction(() => {
    const checks = [...document.querySelectorAll('[data-testid="check"]')];
    return checks.length > 0 && checks.every((c) => c.dataset.passed === 'true');
  }, null, { timeout: 20_000 });
}

test('the course overview lists the built-in lessons', async () => {
  const { page, errors, context } = await open('/');
  await page.locator('[data-testid="tab-lesson"]').click();
  // The course is fetched when its tab is first shown.
  await page.locator('[data-testid="course-lesson"]').first().waitFor();
  const titles = await page.locator('[data-testid="course-lesson"]').allInnerTexts();
  assert.deepEqual(titles.slice(0, 2), ['What a container is made of', 'A tour of the control plane'], titles.join(', '));
  assert.ok(titles.length >= 9, titles.join(', '));
  await page.screenshot({ path: `${SHOTS}/course.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a lesson step is done by clicking its commands, and progress survives a reload', async () => {
  const { page, errors, context } = await open('/?lesson=first-deployment&step=1');
  await page.locator('[data-testid="speed"]').selectOption('10');
  assert.equal(await page.locator('[data-testid="step-title"]').innerText(), 'Create a Deployment');
  const checks = page.locator('[data-testid="check"]');
  assert.deepEqual(await checks.evaluateAll((els) => els.map((e) => e.dataset.passed)), ['false', 'false']);
  await runCommand(page, 0);
  await waitForChecks(page);
  await page.screenshot({ path: `${SHOTS}/lesson-step-done.png` });
  await page.locator('[data-testid="next-step"]').click();
  assert.equal(await page.locator('[data-testid="step-title"]').innerText(), 'What the Deployment made');
  await runCommand(page, 0);
  await waitForChecks(page);
  // Reload: the lesson opens at the same step with the first step still done.
  await page.goto(new URL('/?lesson=first-deployment', env.server.url).href);
  await page.waitForSelector('[data-testid="lesson"][data-step="2"]');
  assert.equal(await page.locator('.step-dots li.done').count(), 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a step with a shell pipeline and a NodePort curl ticks when nginx answers', async () => {
  const { page, errors, context } = await open('/?lesson=first-deployment&step=3');
  await page.locator('[data-testid="speed"]').selectOption('10');
  // A fresh page: reset the step, which runs the earlier steps' solutions.
  await page.locator('[data-testid="reset-step"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="my-nginx-"][data-ready="true"]').length === 3, null, { timeout: 20_000 });
  await runCommand(page, 0);
  await page.waitForSelector('[data-testid="console-output"] >> text=service/my-nginx exposed');
  await runCommand(page, 2);
  await page.waitForSelector('[data-testid="console-output"] >> text=Welcome to nginx!');
  await waitForChecks(page);
  await page.screenshot({ path: `${SHOTS}/lesson-curl.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown lesson says so instead of a blank panel', async () => {
  const { page, context } = await open('/?lesson=no-such-lesson');
  const error = page.locator('[data-testid="lesson-error"]');
  await error.waitFor();
  assert.match(await error.innerText(), /could not be opened: lessons\/no-such-lesson\/lesson\.yaml: HTTP 404/);
  await context.close();
});

test('an embedded map in an iframe shows the cluster, paused and without the page chrome', async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const src = new URL('/?embed&view=map&speed=10&theme=dark', env.server.url).href;
  await page.setContent(`<h1>Slide 7: Deployments</h1><iframe id="kp" src="${src}" width="800" height="480"></iframe>`);
  const frame = page.frameLocator('#kp');
  await frame.locator('[data-testid="single-view"][data-view="map"]').waitFor();
  // An embed keeps nothing, so it waits for no storage: in a frame of an about:blank page
  // (as here, or a deck's srcdoc slide) the browser never answers the database's open.
  // The page marks when its cluster is built and when what it keeps has been read: an embed
  // goes from one to the other at once, where waiting for the database took its 5 s
  // timeout (the wasm's compile and the cluster's build, slow on a loaded machine, are before).
  const waited = await page.frames()[1].evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return at('kubeplay:storage-read') - at('kubeplay:cluster-built');
  });
  assert.ok(waited < 1000, `the embed waited ${Math.round(waited)} ms for storage it does not use`);
  assert.equal(await frame.locator('[data-testid="node"]').count(), 4);
  assert.equal(await frame.locator('[data-testid="editor"]').count(), 0, 'only the map');
  assert.equal(await frame.locator('[data-testid="play-pause"]').innerText(), '▶ Play', 'an embedded page starts paused');
  assert.equal(await frame.locator('[data-testid="speed"]').inputValue(), '10');
  const theme = await frame.locator('html').getAttribute('data-theme');
  assert.equal(theme, 'dark');
  await page.screenshot({ path: `${SHOTS}/embed-map.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an embed asked to keep its work in a frame that may keep nothing shows at once and says so', async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A frame of an about:blank page (as a deck's srcdoc slide) is refused both IndexedDB
  // (its open is never answered) and localStorage.
  const src = new URL('/?embed&persist&view=map', env.server.url).href;
  await page.setContent(`<iframe id="kp" src="${src}" width="800" height="480"></iframe>`);
  const frame = page.frameLocator('#kp');
  await frame.locator('[data-testid="node"]').first().waitFor();
  const waited = await page.frames()[1].evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
    return at('kubeplay:storage-read') - at('kubeplay:cluster-built');
  });
  assert.ok(waited < 1000, `the embed waited ${Math.round(waited)} ms for storage it cannot have`);
  const note = frame.locator('[data-testid="not-kept"]');
  assert.equal(await note.innerText(), 'not saved here');
  assert.match(await note.getAttribute('title'), /lost when the page closes or reloads/);
  await page.screenshot({ path: `${SHOTS}/embed-not-kept.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('where the browser keeps nothing, Save to a file still holds the work of the visit', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const src = new URL('/?embed&persist', env.server.url).href;
  await page.setContent(`<iframe id="kp" src="${src}" width="1240" height="760"></iframe>`);
  const frame = page.frameLocator('#kp');
  await frame.locator('[data-testid="not-kept"]').waitFor();
  const input = frame.locator('[data-testid="console-input"]');
  await input.fill('kubectl create deployment saved --image=nginx');
  await input.press('Enter');
  await frame.locator('[data-testid="pod"][data-name^="saved-"]').first().waitFor();
  await page.waitForTimeout(2_500); // the page keeps its cluster every 2 s
  await frame.locator('[data-testid="share"]').click();
  const [download] = await Promise.all([page.waitForEvent('download'), frame.locator('[data-testid="save-file"]').click()]);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const kept = Object.entries(file.items);
  assert.ok(kept.some(([key, value]) => key.startsWith('kubeplay.cluster.v1') && value.includes('create deployment saved')), `the cluster is in the file: ${Object.keys(file.items)}`);
  assert.ok(kept.some(([key, value]) => key.startsWith('kubeplay.console-history.v1') && value.includes('create deployment saved')), 'the console history too');
  // Opening a file cannot work here, and says why.
  await frame.locator('[data-testid="open-file"]').setInputFiles({ name: 'state.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  assert.match(await frame.locator('[data-testid="file-error"]').innerText(), /does not let the page keep anything here/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Share gives the iframe code for the open lesson, and presenter keys drive the clock and the steps', async () => {
  const { page, errors, context } = await open('/?lesson=control-plane&step=1&present');
  await page.locator('[data-testid="share"]').click();
  await page.locator('[data-testid="embed-view"]').selectOption('lesson');
  const code = await page.locator('[data-testid="embed-code"]').inputValue();
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed&amp;view=lesson&amp;lesson=control-plane&amp;step=1" width="960" height="540"/);
  await page.screenshot({ path: `${SHOTS}/share.png` });
  await page.locator('[data-testid="share"]').click();
  // Presenter keys: space pauses, the right arrow steps, n opens the next lesson step.
  await page.locator('[data-testid="clock"]').click();
  await page.keyboard.press(' ');
  assert.equal(await page.locator('[data-testid="play-pause"]').innerText(), '▶ Play');
  const before = await page.locator('[data-testid="clock"]').innerText();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((t) => document.querySelector('[data-testid="clock"]').innerText !== t, before);
  await page.keyboard.press('n');
  await page.waitForSelector('[data-testid="lesson"][data-step="2"]');
  // The right arrow on a tab or a pod moves the focus there and does not step the clock too.
  const still = await page.locator('[data-testid="clock"]').innerText();
  await page.locator('[data-testid="tab-editor"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.locator('[data-testid="tab-events"][aria-selected="true"]').waitFor();
  await page.locator('[data-testid="pod"]').first().focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('[data-testid="clock"]').innerText(), still, 'the clock did not step');
  await page.screenshot({ path: `${SHOTS}/present.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a share link replays the same cluster in a fresh browser, and a damaged one is explained', async () => {
  const { page, errors, context } = await open('/');
  await deployAndWait(page, 'web', 3);
  await page.locator('[data-testid="play-pause"]').click();
  const names = async (p) => (await p.locator('[data-testid="pod"][data-name^="web-"]').evaluateAll((els) => els.map((e) => e.dataset.name))).sort();
  const original = await names(page);
  await page.locator('[data-testid="share"]').click();
  await page.locator('[data-testid="share-link"]').click();
  const url = await page.locator('[data-testid="share-url"]').inputValue();
  assert.match(url, /#s=[A-Za-z0-9_-]+$/);
  await context.close();

  const fresh = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await fresh.newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.goto(url);
  await other.locator('[data-testid="notice"] >> text=shared cluster').waitFor();
  await other.waitForFunction((n) => document.querySelectorAll('[data-testid="pod"][data-name^="web-"]').length === n, original.length);
  assert.deepEqual(await names(other), original, 'the same pods, with the same names');
  await other.screenshot({ path: `${SHOTS}/shared.png` });
  await other.goto(url.replace(/#s=.*/, '#s=AAAA-broken'));
  await other.reload();
  const notice = other.locator('[data-testid="notice"]');
  await notice.waitFor();
  assert.match(await notice.innerText(), /could not be opened: the shared cluster in this link is damaged/);
  assert.equal(await other.locator('[data-testid="node"]').count(), 4, 'a fresh cluster instead of a blank page');
  assert.deepEqual(errors, []);
  await fresh.close();
});

test('after a first visit the page opens offline', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(new URL('/?lesson=control-plane', env.server.url).href);
  await page.waitForSelector('[data-testid="lesson"]');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await context.setOffline(true);
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  await page.waitForSelector('[data-testid="lesson"]');
  assert.equal(await page.locator('[data-testid="step-title"]').innerText(), 'The nodes');
  await context.close();
});

test('the cluster survives a reload, and New cluster starts again', async () => {
  const { page, errors, context } = await open('/');
  await deployAndWait(page, 'keep', 2);
  const before = (await page.locator('[data-testid="pod"][data-name^="keep-"]').evaluateAll((els) => els.map((e) => e.dataset.name))).sort();
  await waitForKept(page, 'kubeplay.cluster.v1', 'keep');
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="keep-"]').length === 2, null, { timeout: 10_000 });
  const after = (await page.locator('[data-testid="pod"][data-name^="keep-"]').evaluateAll((els) => els.map((e) => e.dataset.name))).sort();
  assert.deepEqual(after, before, 'the same pods after the reload');
  // Clearing localStorage alone loses nothing: the work is in IndexedDB.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="keep-"]').length === 2, null, { timeout: 10_000 });
  await page.locator('[data-testid="new-cluster"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="keep-"]').length === 0);
  assert.equal(await page.locator('[data-testid="node"]').count(), 4);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a kept cluster that cannot be replayed is explained as kept work, not as a link', async () => {
  const { page, errors, context } = await open('/');
  await deployAndWait(page, 'keep', 1);
  await waitForKept(page, 'kubeplay.cluster.v1', 'keep');
  await page.close();
  // Another page of the site damages what was kept (as a browser extension or an older
  // kubeplay might), in IndexedDB and in the copy a leaving page writes to localStorage.
  const other = await context.newPage();
  await other.goto(new URL('/lessons/index.yaml', env.server.url).href);
  const keep = async (value) => other.evaluate(async (v) => {
    const db = await new Promise((resolve) => { const q = indexedDB.open('kubeplay'); q.onsuccess = () => resolve(q.result); });
    await new Promise((resolve) => { const tx = db.transaction('kept', 'readwrite'); tx.objectStore('kept').put(v, 'kubeplay.cluster.v1'); tx.oncomplete = resolve; });
    db.close();
    localStorage.removeItem('kubeplay.cluster.v1');
  }, value);
  for (const [value, says] of [['{"v":1,"seed', /^The cluster kept in this browser could not be restored: its record is damaged \(it is not a kubeplay action log\)\. This is a fresh cluster; your editor files and console history are kept\.$/],
    ['{"v":99}', /could not be restored: it was kept by another version of kubeplay \(format 99; this page reads format \d+\)/]]) {
    await keep(value);
    const { page: again } = await open('/', context);
    const notice = again.locator('[data-testid="notice"] span');
    await notice.waitFor();
    const text = await notice.innerText();
    assert.match(text, says);
    assert.doesNotMatch(text, /link/, 'the learner opened no link');
    await again.close();
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('kept records that cannot be read are reset in one notice that lists them, keeping what can be read', async () => {
  const { page, errors, context } = await open('/?lesson=control-plane');
  await page.close();
  // Another page of the site damages what the page keeps: the editor's files cut off in the
  // second file, checkpoints and console history that are not text, progress in no format.
  const other = await context.newPage();
  await other.goto(new URL('/lessons/index.yaml', env.server.url).href);
  await other.evaluate(putKeptItems, {
    'kubeplay.editor.v2': '{"active":1,"files":[{"name":"kept.yaml","text":"# the learner\'s text\\nkind: Pod\\n"},{"name":"cut.yaml","text":"# cut off he',
    'kubeplay.checkpoints.v1': 42,
    'kubeplay.console-history.v1': { not: 'text' },
    'kubeplay.lesson.control-plane.v1': 'step two, checks ✓✓',
  });
  await other.evaluate(() => localStorage.clear());
  const { page: again } = await open('/?lesson=control-plane', context);
  await again.locator('[data-testid="step-title"]').first().waitFor();
  const notice = again.locator('[data-testid="notice"] span');
  await again.waitForFunction(() => /lesson control-plane/.test(document.querySelector('[data-testid="notice"] span')?.textContent ?? ''));
  assert.equal(await again.locator('[data-testid="notice"]').count(), 1, 'one notice');
  const text = await notice.innerText();
  assert.match(text, /^Some of what this browser kept could not be read, so the page reset it: .+\. Everything else is kept\.$/);
  for (const part of ["some of the editor's files", 'the checkpoints', 'the console history', 'your progress in the lesson control-plane']) {
    assert.ok(text.includes(part), `the notice names ${part}: ${text}`);
  }
  // The editor keeps the whole file it could read, with its text.
  await again.locator('[data-testid="tab-editor"]').click();
  assert.deepEqual(await again.locator('[data-testid="file-tab"]').evaluateAll((tabs) => tabs.map((t) => t.dataset.name)), ['kept.yaml']);
  assert.equal(await again.locator('[data-testid="editor"]').inputValue(), "# the learner's text\nkind: Pod\n");
  assert.deepEqual(errors, []);
  await context.close();
});

test('work typed just before a reload is kept: the page saves as it goes away', async () => {
  const { page, errors, context } = await open('/');
  const input = page.locator('[data-testid="console-input"]');
  await input.fill('kubectl create deployment quick --image=nginx --replicas=2');
  await input.press('Enter');
  await page.locator('[data-testid="console-output"] >> text=deployment.apps/quick created').waitFor();
  // Well within the two seconds between the page's regular saves.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="quick-"]').length === 2, null, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a lesson opens in another language, and a lesson from a URL opens too', async () => {
  const { page, errors, context } = await open('/?lesson=control-plane&lang=de');
  await page.locator('[data-testid="step-title"] >> text=Die Nodes').waitFor();
  assert.match(await page.locator('[data-testid="check"]').first().innerText(), /^○\nDu hast die Nodes aufgelistet\n/);
  await page.goto(new URL('/?lessonUrl=lessons/labels/', env.server.url).href);
  await page.locator('[data-testid="step-title"] >> text=A Deployment and a stray pod').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/** How much of the lesson panel the step's text gets, and whether each check's mark sits
 * beside its text and the step's buttons are in view. */
async function lessonRoom(page) {
  await page.locator('[data-testid="check"]').first().waitFor();
  return page.evaluate(() => {
    const lesson = document.querySelector('[data-testid="lesson"]').getBoundingClientRect();
    const text = document.querySelector('.lesson-scroll').getBoundingClientRect();
    const marks = [...document.querySelectorAll('[data-testid="check"]')].map((c) => {
      const [tick, what] = c.children;
      return Math.abs(tick.getBoundingClientRect().top - what.getBoundingClientRect().top);
    });
    const next = document.querySelector('[data-testid="next-step"]').getBoundingClientRect();
    // How much of the step's own text (below its title) shows without scrolling.
    const shown = text.bottom - document.querySelector('.step-text').getBoundingClientRect().top;
    return { share: text.height / lesson.height, textShown: Math.round(shown), marks, nextInView: next.bottom <= lesson.bottom + 1 && next.height > 0 };
  });
}

test('on a projector and in a slide, the checks leave the step its text', async () => {
  for (const [path, width, height] of [['/?present&lesson=first-deployment', 1280, 720], ['/?embed&lesson=first-deployment', 960, 540]]) {
    const context = await env.browser.newContext({ viewport: { width, height } });
    const { page, errors } = await open(path, context);
    const room = await lessonRoom(page);
    await page.screenshot({ path: `${SHOTS}/lesson-room-${width}.png` });
    assert.ok(room.share >= 0.45, `${path} at ${width}x${height}: the step's text gets ${Math.round(room.share * 100)} % of the panel`);
    assert.ok(room.textShown >= 36, `${path} at ${width}x${height}: two lines of the step's text show (${room.textShown} px)`);
    assert.ok(room.marks.every((dy) => dy < 4), `${path}: each check's mark beside its text (${room.marks})`);
    assert.ok(room.nextInView, `${path}: the Next button is in view`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("a presenter's or a slide's mode stays when a lesson is opened and left", async () => {
  const { page, errors, context } = await open('/?present&theme=dark&speed=10');
  await page.locator('[data-testid="tab-lesson"]').click();
  await page.locator('[data-testid="course-lesson"] >> text=A first Deployment and Service').click();
  await page.locator('[data-testid="step-title"] >> text=Create a Deployment').waitFor();
  const url = new URL(page.url());
  assert.deepEqual([...url.searchParams.keys()], ['present', 'theme', 'speed', 'lesson'], url.search);
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-present')), true, 'still presenting');
  // The way back leads to the course, on the Lessons tab.
  await page.locator('.lesson-title .back').click();
  await page.locator('[data-testid="course"]').waitFor();
  assert.equal(await page.locator('[data-testid="tab-lesson"]').getAttribute('aria-selected'), 'true');
  assert.equal(new URL(page.url()).search, '?present&theme=dark&speed=10&course');
  // An embedded lesson's way back stays embedded.
  await page.goto(new URL('/?embed&view=lesson&lesson=labels&step=2', env.server.url).href);
  await page.locator('.lesson-title .back').click();
  await page.locator('[data-testid="course"]').waitFor();
  assert.equal(new URL(page.url()).search, '?embed&view=lesson&course');
  assert.equal(await page.locator('[data-testid="single-view"]').count(), 1, 'still the single view');
  assert.deepEqual(errors, []);
  await context.close();
});

/** In the page: the words of each element matching `selector` that the layout split over
 * two lines (each word's characters measured with a Range, whatever markup holds them). */
function splitWords(selector) {
  const split = [];
  for (const el of document.querySelectorAll(selector)) {
    const nodes = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let text = '';
    while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
    const at = (offset) => {
      let i = nodes.length - 1;
      while (i > 0 && nodes[i][1] > offset) i--;
      return [nodes[i][0], offset - nodes[i][1]];
    };
    for (const m of text.matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(...at(m.index));
      range.setEnd(...at(m.index + m[0].length - 1));
      range.setEnd(range.endContainer, range.endOffset + 1);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) split.push(m[0]);
    }
  }
  return split;
}

test('a command that wraps breaks between its words, never inside --replicas=3', async () => {
  const { page, errors, context } = await open('/?lesson=first-deployment&step=1', await env.browser.newContext({ viewport: { width: 1280, height: 720 } }));
  await page.locator('[data-testid="lesson-command"]').first().waitFor();
  const command = await page.locator('[data-testid="lesson-command"]').first().innerText();
  assert.equal(command, 'kubectl create deployment my-nginx --image=nginx --replicas=3 --port=80');
  const lines = await page.locator('[data-testid="lesson-command"] code').first().evaluate((c) => {
    const range = document.createRange();
    range.selectNodeContents(c);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
  });
  assert.ok(lines >= 2, 'the command wraps at this width');
  assert.deepEqual(await page.evaluate(splitWords, '[data-testid="lesson-command"] code'), []);
  // The console echoes it the same way.
  await runCommand(page, 0);
  await page.locator('[data-testid="console-output"] >> text=deployment.apps/my-nginx created').waitFor();
  assert.deepEqual(await page.evaluate(splitWords, '[data-testid="console-output"] .prompt'), []);
  assert.match(await page.locator('[data-testid="console-output"] .prompt').first().innerText(), /^~\$ kubectl create deployment my-nginx --image=nginx --replicas=3 --port=80$/);
  await page.screenshot({ path: `${SHOTS}/command-words.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an embedded lesson has its console: a command clicked in the slide runs and ticks its check', async () => {
  const context = await env.browser.newContext({ viewport: { width: 960, height: 540 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/?embed&view=lesson&lesson=first-deployment&speed=10&autoplay', env.server.url).href);
  await page.locator('[data-testid="lesson-command"]').first().waitFor();
  await runCommand(page, 0);
  await page.locator('[data-testid="console-output"] >> text=deployment.apps/my-nginx created').waitFor();
  await page.waitForSelector('[data-testid="check"][data-passed="true"]', { timeout: 10_000 });
  await page.screenshot({ path: `${SHOTS}/embed-lesson-console.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('in a 960x540 slide an open lesson reads at a glance: the step\'s text and checks, the console and the map', async () => {
  const context = await env.browser.newContext({ viewport: { width: 960, height: 540 } });
  const { page, errors } = await open('/?embed&lesson=first-deployment', context);
  await page.locator('[data-testid="check"]').first().waitFor();
  const seen = await page.evaluate(howShown, {
    'first paragraph': '.step-text p',
    'first check': '[data-testid="check"]',
    'Next button': '[data-testid="next-step"]',
    'console input': '[data-testid="console-input"]',
    'a node card': '[data-testid="node"][data-name="node-1"]',
  });
  await page.screenshot({ path: `${SHOTS}/embed-lesson-960x540.png` });
  assert.deepEqual(seen, { 'first paragraph': 'whole', 'first check': 'whole', 'Next button': 'whole', 'console input': 'whole', 'a node card': 'whole' });
  await assertLastOutputShown(page);
  await page.screenshot({ path: `${SHOTS}/embed-lesson-960x540-command.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('in a 960x540 slide the control-plane strip shows that it scrolls: the row fades at its right edge, and the last component scrolled to is clear of the fade', async () => {
  const context = await env.browser.newContext({ viewport: { width: 960, height: 540 } });
  const { page, errors } = await open('/?embed&lesson=first-deployment', context);
  const row = page.locator('.control-plane-strip ul');
  await row.locator('li').last().waitFor();
  const before = await row.evaluate((ul) => ({ overflows: ul.scrollWidth > ul.clientWidth, mask: getComputedStyle(ul).maskImage || getComputedStyle(ul).webkitMaskImage || 'none' }));
  assert.ok(before.overflows, 'the components do not fit one row at 960x540, so the row scrolls');
  assert.match(before.mask, /gradient/, `the row's right edge fades (mask ${before.mask})`);
  await page.screenshot({ path: `${SHOTS}/embed-strip-960x540.png` });
  const gap = await row.evaluate((ul) => {
    ul.scrollLeft = ul.scrollWidth;
    const last = ul.querySelector('li:last-child').getBoundingClientRect();
    return ul.getBoundingClientRect().right - last.right;
  });
  assert.ok(gap >= 20, `the last component ends ${gap}px before the row's edge, clear of the 28px fade`);
  await page.screenshot({ path: `${SHOTS}/embed-strip-960x540-scrolled.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a 1280x720 projector the full page shows an open lesson\'s step whole: its paragraphs, its first check and the console\'s prompt', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, errors } = await open('/?lesson=first-deployment', context);
  await page.locator('[data-testid="check"]').first().waitFor();
  const paragraphs = await page.locator('.step-text > p').count();
  assert.ok(paragraphs >= 2, `the first step has ${paragraphs} paragraphs`);
  const wanted = { 'first check': '[data-testid="check"]', 'Next button': '[data-testid="next-step"]', 'console input': '[data-testid="console-input"]' };
  for (let i = 1; i <= paragraphs; i++) wanted[`paragraph ${i}`] = `.step-text > p:nth-of-type(${i})`;
  const seen = await page.evaluate(howShown, wanted);
  await page.screenshot({ path: `${SHOTS}/lesson-1280x720.png` });
  assert.deepEqual(seen, Object.fromEntries(Object.keys(wanted).map((name) => [name, 'whole'])));
  await assertLastOutputShown(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('in present mode the command being typed and the lesson\'s commands are as large as the output', async () => {
  const { page, errors, context } = await open('/?present&lesson=first-deployment', await env.browser.newContext({ viewport: { width: 1280, height: 720 } }));
  await page.locator('[data-testid="lesson-command"]').first().waitFor();
  await runCommand(page, 0);
  await page.locator('[data-testid="console-output"] .out').first().waitFor();
  await page.locator('[data-testid="console-input"]').fill('kubectl get pods -o wide');
  const size = (selector) => page.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const output = await size('[data-testid="console-output"] .out');
  assert.ok(output >= 16, `output ${output}px`);
  assert.ok(await size('[data-testid="console-input"]') >= output, 'the line being typed');
  assert.ok(await size('[data-testid="console-output"] .prompt') >= output, 'the commands run');
  assert.ok(await size('[data-testid="lesson-command"] code') >= 16, "the lesson's commands");
  assert.ok(await size('.step-text') >= 18, "the lesson's text");
  await page.screenshot({ path: `${SHOTS}/present-console.png` });
  assert.deepEqual(errors, []);
  await context.close();
});
