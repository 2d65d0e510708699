// End-to-end: the page at the sizes trainers use (a 1280x720 projector, a 960x540 slide or
// window), seen as a desktop browser shows it, scroll bars and all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useServerAndBrowser } from './harness.mjs';
import { assertLastOutputShown, howShown } from './view.mjs';

const env = useServerAndBrowser({ scrollbars: true });

/** Opens `path` in a window of `width` x `height`, once the map shows its nodes. */
async function open(path, width, height) {
  const context = await env.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, env.server.url).href);
  await page.waitForSelector('[data-testid="node"]');
  return { page, errors, context };
}

test("in a 960x540 window the full page shows an open lesson's step whole: its title, every paragraph, its checks and the console's last output", async () => {
  const { page, errors, context } = await open('/?lesson=first-deployment', 960, 540);
  await page.locator('[data-testid="check"]').first().waitFor();
  const paragraphs = await page.locator('.step-text > p').count();
  assert.ok(paragraphs >= 2, `the first step has ${paragraphs} paragraphs`);
  const wanted = { 'step title': '[data-testid="step-title"]', 'first check': '[data-testid="check"]', 'Next button': '[data-testid="next-step"]', 'console input': '[data-testid="console-input"]' };
  for (let i = 1; i <= paragraphs; i++) wanted[`paragraph ${i}`] = `.step-text > p:nth-of-type(${i})`;
  const seen = await page.evaluate(howShown, wanted);
  await page.screenshot({ path: `${SHOTS}/lesson-full-960x540.png` });
  assert.deepEqual(seen, Object.fromEntries(Object.keys(wanted).map((name) => [name, 'whole'])));
  await assertLastOutputShown(page);
  await page.screenshot({ path: `${SHOTS}/lesson-full-960x540-command.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test("help's 54 columns show whole in the console, without scrolling sideways, in ?present at 1280x720 and in a 960x540 slide or window", async () => {
  for (const [path, width, height] of [['/?present&lesson=first-deployment', 1280, 720], ['/?embed&lesson=first-deployment', 960, 540], ['/?lesson=first-deployment', 960, 540], ['/?lesson=first-deployment', 1280, 720]]) {
    const { page, errors, context } = await open(path, width, height);
    await page.locator('[data-testid="console-input"]').fill('help');
    await page.locator('[data-testid="console-input"]').press('Enter');
    await page.locator('[data-testid="console-output"] >> text=clear empties the screen.').waitFor();
    const output = await page.locator('[data-testid="console-output"]').evaluate((o) => ({ scrollWidth: o.scrollWidth, clientWidth: o.clientWidth }));
    await page.screenshot({ path: `${SHOTS}/help-${width}x${height}${path.replace(/\W+/g, '-').replace(/-lesson-first-deployment/, '')}.png` });
    assert.ok(output.scrollWidth <= output.clientWidth, `${path} at ${width}x${height}: the output is ${output.scrollWidth} px wide in ${output.clientWidth} px`);
    assert.equal(await page.locator('[data-testid="console-more"]').count(), 0, `${path}: no cue that columns hide at the right`);
    // The map beside it keeps its node cards two to a row on the projector.
    if (width === 1280) {
      const tops = await page.locator('[data-testid="node"]').evaluateAll((nodes) => nodes.slice(0, 2).map((n) => Math.round(n.getBoundingClientRect().top)));
      assert.equal(tops[0], tops[1], `${path}: the first two node cards share a row (${tops})`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

/** Creates a Deployment of `replicas` nginx pods behind a Service at 10x speed, from the
 * console, and waits until its pods are ready. */
async function deployWeb(page, replicas = 3) {
  await page.locator('[data-testid="speed"]').selectOption('10');
  const input = page.locator('[data-testid="console-input"]');
  for (const line of [`kubectl create deployment web --image=nginx --replicas=${replicas} --port=80`, 'kubectl expose deployment web --port=80']) {
    await input.fill(line);
    await input.press('Enter');
  }
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === n, replicas, { timeout: 20_000 });
  await page.locator('.service-links .link').first().waitFor();
}

test('the map scrolls only downwards when its pods fill it: the lines from a Service never make it scroll sideways past its scroll bar', async () => {
  for (const [path, width, height] of [['/?present', 1280, 720], ['/', 960, 540]]) {
    const { page, errors, context } = await open(path, width, height);
    await deployWeb(page, 8);
    // The lines follow the map within a second.
    await page.waitForTimeout(1500);
    const map = await page.locator('[data-testid="cluster-map"]').evaluate((m) => ({ scrollWidth: m.scrollWidth, clientWidth: m.clientWidth, scrollHeight: m.scrollHeight, clientHeight: m.clientHeight }));
    await page.screenshot({ path: `${SHOTS}/map-scroll-${width}x${height}.png` });
    assert.ok(map.scrollHeight > map.clientHeight, `${path} at ${width}x${height}: the map is full enough to scroll down (${map.scrollHeight} in ${map.clientHeight})`);
    assert.ok(map.scrollWidth <= map.clientWidth, `${path} at ${width}x${height}: the map is ${map.scrollWidth} px wide in ${map.clientWidth} px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("in a 960x540 slide the inspector shows a pod's whole name", async () => {
  const { page, errors, context } = await open('/?embed&speed=10&autoplay', 960, 540);
  await deployWeb(page);
  const pod = page.locator('[data-testid="pod"][data-name^="web-"]').first();
  const name = await pod.getAttribute('data-name');
  await pod.click();
  const title = page.locator('[data-testid="inspector"] header h3');
  await title.waitFor();
  assert.ok((await title.textContent()).endsWith(name), `the inspector is on ${name}`);
  const seen = await title.evaluate((h) => ({ scrollWidth: h.scrollWidth, clientWidth: h.clientWidth, height: h.getBoundingClientRect().height, line: parseFloat(getComputedStyle(h).lineHeight) || 20 }));
  await page.screenshot({ path: `${SHOTS}/inspector-960x540.png` });
  assert.ok(seen.scrollWidth <= seen.clientWidth, `the name is ${seen.scrollWidth} px wide in ${seen.clientWidth} px`);
  assert.ok(seen.height < 1.5 * seen.line + 4, `the name fits one line (${seen.height} px high)`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("in ?present on a 1280x720 projector the step's title is larger than its text, and the text still shows whole", async () => {
  const { page, errors, context } = await open('/?present&lesson=first-deployment', 1280, 720);
  await page.locator('[data-testid="check"]').first().waitFor();
  const size = (selector) => page.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const [title, text] = [await size('[data-testid="step-title"]'), await size('.step-text p')];
  await page.screenshot({ path: `${SHOTS}/present-step-title.png` });
  assert.ok(title > text, `the step's title is ${title}px, its text ${text}px`);
  const paragraphs = await page.locator('.step-text > p').count();
  const wanted = { 'step title': '[data-testid="step-title"]', 'first check': '[data-testid="check"]', 'Next button': '[data-testid="next-step"]' };
  for (let i = 1; i <= paragraphs; i++) wanted[`paragraph ${i}`] = `.step-text > p:nth-of-type(${i})`;
  assert.deepEqual(await page.evaluate(howShown, wanted), Object.fromEntries(Object.keys(wanted).map((name) => [name, 'whole'])));
  assert.deepEqual(errors, []);
  await context.close();
});

test("in ?present on a 1280x720 projector the map shows a Deployment's pods on every node without scrolling, beside the wider console", async () => {
  const { page, errors, context } = await open('/?present', 1280, 720);
  await deployWeb(page);
  await page.waitForTimeout(1000);
  const pods = await page.locator('[data-testid="pod"][data-name^="web-"]').evaluateAll((chips) => chips.map((c) => c.dataset.name));
  const seen = await page.evaluate(howShown, Object.fromEntries(pods.map((name) => [name, `[data-testid="pod"][data-name="${name}"]`])));
  const map = await page.locator('[data-testid="cluster-map"]').evaluate((m) => ({ scrollHeight: m.scrollHeight, clientHeight: m.clientHeight }));
  await page.screenshot({ path: `${SHOTS}/present-map-1280x720.png` });
  assert.deepEqual(seen, Object.fromEntries(pods.map((name) => [name, 'whole'])));
  assert.ok(map.scrollHeight <= map.clientHeight, `the map's ${map.scrollHeight} px show in ${map.clientHeight} px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a console alone in a 960x540 slide (?view=console) keeps its head, which says what it is and how to start", async () => {
  const context = await env.browser.newContext({ viewport: { width: 960, height: 540 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/?embed&view=console', env.server.url).href);
  await page.locator('[data-testid="console-input"]').waitFor();
  await page.screenshot({ path: `${SHOTS}/view-console-960x540.png` });
  assert.deepEqual(await page.evaluate(howShown, { head: '.console > .panel-head h2', hint: '.console > .panel-head .hint' }), { head: 'whole', hint: 'whole' });
  assert.match(await page.locator('.console > .panel-head .hint').innerText(), /help/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("in ?present the containers lab's headings are larger than the text they head", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/?present&lab', env.server.url).href);
  await page.locator('[data-testid="lab-explanation"] p').first().waitFor();
  const size = (selector) => page.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const text = await size('[data-testid="lab-explanation"] p');
  await page.screenshot({ path: `${SHOTS}/present-lab-1280x720.png` });
  for (const heading of ['.lab-demo h2', '.lab-steps h2']) {
    const px = await size(heading);
    assert.ok(px > text, `${heading} is ${px}px, the text ${text}px`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("a node card's capacity bars are all as long, so their fills compare at a glance", async () => {
  for (const [path, width, height] of [['/', 1280, 720], ['/?embed&view=map', 960, 540]]) {
    const { page, errors, context } = await open(path, width, height);
    const cards = await page.locator('[data-testid="node"]').evaluateAll((nodes) => nodes.map((n) => ({
      name: n.dataset.name,
      bars: [...n.querySelectorAll('.capacity .bar')].map((b) => { const r = b.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; }),
    })));
    await page.screenshot({ path: `${SHOTS}/capacity-bars-${width}x${height}.png` });
    for (const { name, bars } of cards) {
      assert.equal(bars.length, 3, `${name}: cpu, memory and pods`);
      assert.ok(bars.every(([l, r]) => Math.abs(l - bars[0][0]) <= 1 && Math.abs(r - bars[0][1]) <= 1), `${path} ${name}: the bars span ${JSON.stringify(bars)}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("in ?present the editor's manifest is as large as the console's output, its line numbers and highlighting stay on their lines, and completion opens under the caret", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('/?present', env.server.url).href);
  await page.locator('[data-testid="tab-editor"]').click();
  await page.locator('[data-testid="editor-examples"]').selectOption('deployment.yaml');
  const editor = page.locator('[data-testid="editor"]');
  const size = await editor.evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
  assert.ok(size >= 16, `the manifest is ${size}px`);
  // The 10th line's number, its highlighted copy and the textarea's 10th line share one top.
  const tops = await editor.evaluate((t) => {
    const code = t.closest('.code');
    const line = parseFloat(getComputedStyle(t).lineHeight);
    const top = t.getBoundingClientRect().top + parseFloat(getComputedStyle(t).paddingTop) + 9 * line - t.scrollTop;
    return { textarea: Math.round(top), number: Math.round(code.querySelectorAll('.gutter .num')[9].getBoundingClientRect().top), highlighted: Math.round(code.querySelectorAll('.hl-line')[9].getBoundingClientRect().top) };
  });
  assert.ok(Math.abs(tops.number - tops.textarea) <= 1 && Math.abs(tops.highlighted - tops.textarea) <= 1, JSON.stringify(tops));
  // Completion on the last line opens just under it (or just above it), beside the typed word.
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('  minR');
  const popup = page.locator('[data-testid="completion"]');
  await popup.locator('li >> text=minReadySeconds').waitFor();
  // The problems list that the half-typed line brings shortens the text and scrolls it: the
  // list follows within a few frames (read until it has, for at most two seconds).
  const placed = async () => {
    const at = await editor.evaluate((t) => {
      const style = getComputedStyle(t);
      const line = parseFloat(style.lineHeight);
      const lines = t.value.slice(0, t.selectionStart).split('\n').length;
      const r = t.getBoundingClientRect();
      return { below: r.top + parseFloat(style.paddingTop) + lines * line - t.scrollTop, above: r.top + parseFloat(style.paddingTop) + (lines - 1) * line - t.scrollTop };
    });
    const box = await popup.boundingBox();
    const ok = Math.abs(box.y - at.below) <= 2 || Math.abs(box.y + box.height - at.above) <= 2;
    return { ok, text: `the list spans ${Math.round(box.y)}-${Math.round(box.y + box.height)}, the caret's line ${Math.round(at.above)}-${Math.round(at.below)}` };
  };
  let seen = await placed();
  for (let tries = 0; !seen.ok && tries < 20; tries++) {
    await page.waitForTimeout(100);
    seen = await placed();
  }
  await page.screenshot({ path: `${SHOTS}/present-editor.png` });
  assert.ok(seen.ok, seen.text);
  assert.deepEqual(errors, []);
  await context.close();
});

test("in a 960x540 slide or window a Deployment's pods show on the map without scrolling it: the control plane's card comes after the workers'", async () => {
  for (const path of ['/?embed&speed=10&autoplay', '/']) {
    const { page, errors, context } = await open(path, 960, 540);
    await deployWeb(page);
    await page.waitForTimeout(1000);
    const first = await page.locator('[data-testid="node"][data-name="node-1"] [data-testid="pod"][data-name^="web-"]').first().getAttribute('data-name');
    const seen = await page.evaluate(howShown, { 'the first worker': '[data-testid="node"][data-name="node-1"] header', [first]: `[data-testid="pod"][data-name="${first}"]` });
    await page.screenshot({ path: `${SHOTS}/map-pods-960x540${path.replace(/\W+/g, '-')}.png` });
    assert.deepEqual(seen, { 'the first worker': 'whole', [first]: 'whole' }, path);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

/** Asserts that the learner's pods (every chip outside kube-system) and the three workers'
 * names show whole on the map, without scrolling it either way, and that each card's bars
 * are as long (and at least 16 px; with `bars` false, a worker's card may leave its bars out).
 * `where` names the case in the messages. */
async function assertWorkersShown(page, where, { bars: barsShown = true } = {}) {
  const pods = await page.locator('[data-testid="pod"]:not([data-namespace="kube-system"])').evaluateAll((chips) => chips.map((c) => c.dataset.name));
  const wanted = Object.fromEntries(pods.map((name) => [name, `[data-testid="pod"][data-name="${name}"]`]));
  for (const node of ['node-1', 'node-2', 'node-3']) wanted[node] = `[data-testid="node"][data-name="${node}"] header`;
  const seen = await page.evaluate(howShown, wanted);
  assert.deepEqual(seen, Object.fromEntries(Object.keys(wanted).map((name) => [name, 'whole'])), where);
  const bars = await page.locator('[data-testid="node"]').evaluateAll((nodes) => nodes.map((n) => [n.dataset.name, [...n.querySelectorAll('.capacity .bar')].map((b) => Math.round(b.getBoundingClientRect().width))]));
  for (const [name, widths] of bars) {
    if (!barsShown && name !== 'control-plane' && widths.every((w) => w === 0)) continue;
    assert.equal(widths.length, 3, `${name}: cpu, memory and pods`);
    assert.ok(widths.every((w) => w >= 16 && Math.abs(w - widths[0]) <= 1), `${where} ${name}: the bars are ${widths} px long`);
  }
  const map = await page.locator('[data-testid="cluster-map"]').evaluate((m) => ({ scrollWidth: m.scrollWidth, clientWidth: m.clientWidth }));
  assert.ok(map.scrollWidth <= map.clientWidth, `${where}: the map is ${map.scrollWidth} px wide in ${map.clientWidth} px`);
}

test("in a 960x540 window or slide beside an open lesson, a Deployment's pods on all three workers show on the map without scrolling it, and each card's bars are as long", async () => {
  for (const path of ['/?lesson=first-deployment', '/?embed&speed=10&autoplay&lesson=first-deployment']) {
    const { page, errors, context } = await open(path, 960, 540);
    await deployWeb(page);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${SHOTS}/map-workers-960x540${path.replace(/\W+/g, '-')}.png` });
    await assertWorkersShown(page, path);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("in a short window 801 to 919 px wide (860x540, 900x600) beside an open lesson, a Deployment's pods on all three workers show on the map without scrolling it, each card's bars as long", async () => {
  for (const [path, width, height] of [['/?lesson=first-deployment', 860, 540], ['/?lesson=first-deployment', 900, 600], ['/?embed&speed=10&autoplay&lesson=first-deployment', 860, 540]]) {
    const { page, errors, context } = await open(path, width, height);
    await deployWeb(page);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${SHOTS}/map-workers-${width}x${height}${path.replace(/\W+/g, '-')}.png` });
    await assertWorkersShown(page, `${path} at ${width}x${height}`);
    // The figures the card has no room for are in the row's tooltip.
    assert.match(await page.locator('[data-testid="node"][data-name="node-1"] [data-testid="node-capacity"] > div').first().getAttribute('title'), /^cpu: \d+m \/ \d+m\. CPU requested/);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

/** A Deployment of ten pods pinned to node-2 by their nodeName, applied from the editor. */
const PINNED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: busy
spec:
  replicas: 10
  selector:
    matchLabels:
      app: busy
  template:
    metadata:
      labels:
        app: busy
    spec:
      nodeName: node-2
      containers:
      - name: app
        image: nginx
`;

/** Applies PINNED from the editor, waits until its ten pods run on node-2, and goes back to the lesson. */
async function pinTenBusyPods(page) {
  await page.locator('[data-testid="tab-editor"]').click();
  await page.locator('[data-testid="editor"]').fill(PINNED);
  await page.locator('[data-testid="apply"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"][data-name="node-2"] [data-testid="pod"][data-name^="busy-"][data-ready="true"]').length === 10, null, { timeout: 20_000 });
  await page.locator('[data-testid="tab-lesson"]').click();
}

test("a crowded map (ten pods pinned to one worker beside a Deployment of ten: 30 pods) keeps every worker's card and every pod of the learner in view, in a 960x540 window and on a 1280x720 projector: its chips are one line, a Deployment's pods' names without their hash", async () => {
  for (const [path, width, height] of [['/?lesson=first-deployment', 960, 540], ['/?present&lesson=first-deployment', 1280, 720], ['/?lesson=first-deployment', 1280, 720]]) {
    const { page, errors, context } = await open(path, width, height);
    await deployWeb(page, 10);
    await pinTenBusyPods(page);
    await page.waitForTimeout(1000);
    assert.equal(await page.locator('[data-testid="pod"]').count(), 30);
    await page.screenshot({ path: `${SHOTS}/map-crowded-${width}x${height}${path.replace(/\W+/g, '-')}.png` });
    await assertWorkersShown(page, `${path} at ${width}x${height}`);
    // A chip is one line, and shows busy-…abcde for busy-5788f6444b-abcde.
    const chip = page.locator('[data-testid="pod"][data-name^="busy-"]').first();
    const [name, box, line] = await chip.evaluate((c) => [c.dataset.name, c.getBoundingClientRect().toJSON(), parseFloat(getComputedStyle(c.querySelector('.pod-name')).lineHeight)]);
    assert.ok(box.height < 1.5 * line + 6, `${name}'s chip is ${box.height} px high, a line ${line} px`);
    const hash = await chip.locator('.pod-hash').evaluate((h) => ({ text: h.textContent, width: h.getBoundingClientRect().width, ch: parseFloat(getComputedStyle(h).fontSize) }));
    assert.ok(name.includes(`-${hash.text}`) && hash.width <= hash.ch, `the hash ${hash.text} of ${name} shows in ${hash.width} px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("a crowded map in a short window 801 to 919 px wide (801x540 to 919x600, 810x500, page and embed) beside an open lesson keeps every worker's card and every pod of the learner in view without scrolling the map; so does a Deployment's pods at 810x500 and 801x600", async () => {
  const lesson = '/?lesson=first-deployment';
  const embed = '/?embed&speed=10&autoplay&lesson=first-deployment';
  const cases = [[lesson, 801, 540, 10], [lesson, 860, 540, 10], [embed, 860, 540, 10], [lesson, 900, 600, 10], [lesson, 919, 600, 10], [lesson, 810, 500, 10], [lesson, 810, 500, 3], [lesson, 801, 600, 3]];
  for (const [path, width, height, replicas] of cases) {
    const where = `${path} at ${width}x${height} with ${replicas === 10 ? '30 pods' : 'a Deployment of 3'}`;
    const { page, errors, context } = await open(path, width, height);
    await deployWeb(page, replicas);
    if (replicas === 10) await pinTenBusyPods(page);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${SHOTS}/map-${replicas === 10 ? 'crowded' : 'workers'}-${width}x${height}${path.replace(/\W+/g, '-')}.png` });
    await assertWorkersShown(page, where, { bars: false });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

/** The pod chip with the focus, and the node card it is on. */
const focusedPod = (page) => page.evaluate(() => ({ pod: document.activeElement.dataset.name, node: document.activeElement.closest('[data-testid="node"]')?.dataset.name }));

test('the arrow keys move between pod chips as they show on the map: along a row, to the chip above or below, and on to the card beyond', async () => {
  // A short window: one card a row, the control plane's card last.
  {
    const { page, errors, context } = await open('/', 960, 540);
    await deployWeb(page);
    const chips = (node) => page.locator(`[data-testid="node"][data-name="${node}"] [data-testid="pod"]`).evaluateAll((cs) => cs.map((c) => c.dataset.name));
    const [one, two, plane] = [await chips('node-1'), await chips('node-2'), await chips('control-plane')];
    await page.locator(`[data-testid="pod"][data-name="${one[1]}"]`).focus();
    await page.keyboard.press('Home');
    assert.deepEqual(await focusedPod(page), { pod: one[0], node: 'node-1' }, "Home goes to the first worker's first pod, at the top of the map");
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await focusedPod(page), { pod: one[0], node: 'node-1' }, 'Left from the first pod stays there');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await focusedPod(page), { pod: one[1], node: 'node-1' }, 'Right goes to the pod beside it');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await focusedPod(page), { pod: two[0], node: 'node-2' }, 'Down from the top row of the first card goes to the card below');
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await focusedPod(page), { pod: one[0], node: 'node-1' }, 'and Up comes back');
    await page.keyboard.press('End');
    assert.deepEqual(await focusedPod(page), { pod: plane[plane.length - 1], node: 'control-plane' }, "End goes to the last pod shown, on the control plane's card at the bottom");
    await page.screenshot({ path: `${SHOTS}/map-keys-960x540.png` });
    assert.deepEqual(errors, []);
    await context.close();
  }
  // A projector: two cards a row, the control plane's first.
  {
    const { page, errors, context } = await open('/', 1280, 720);
    await deployWeb(page);
    const chips = (node) => page.locator(`[data-testid="node"][data-name="${node}"] [data-testid="pod"]`).evaluateAll((cs) => cs.map((c) => c.dataset.name));
    const [one, two] = [await chips('node-1'), await chips('node-2')];
    await page.locator(`[data-testid="pod"][data-name="${one[one.length - 1]}"]`).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal((await focusedPod(page)).node, 'node-3', 'Down from the last row of node-1 goes to node-3, the card under it');
    await page.locator(`[data-testid="pod"][data-name="${one[one.length - 1]}"]`).focus();
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await focusedPod(page), { pod: two[0], node: 'node-2' }, "Right from node-1's last pod goes on to the next card's first");
    // On the control plane's card, rows of several chips: Down goes to the nearest chip on the row under.
    await page.locator('[data-testid="pod"][data-name^="etcd-"]').focus();
    const below = await page.evaluate(() => {
      const at = document.activeElement.getBoundingClientRect();
      const card = [...document.activeElement.closest('ul').children].map((c) => [c.dataset.name, c.getBoundingClientRect()]);
      const next = Math.min(...card.map(([, r]) => r.top).filter((t) => t > at.top + 4));
      const middle = (r) => (r.left + r.right) / 2;
      return card.filter(([, r]) => Math.abs(r.top - next) <= 4).sort(([, a], [, b]) => Math.abs(middle(a) - middle(at)) - Math.abs(middle(b) - middle(at)))[0][0];
    });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await focusedPod(page), { pod: below, node: 'control-plane' }, 'Down from etcd goes to the chip under it');
    await page.screenshot({ path: `${SHOTS}/map-keys-1280x720.png` });
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test("in ?present a problem found in the line being typed does not hide that line: the editor's text scrolls to keep it above the list of problems", async () => {
  const { page, errors, context } = await open('/?present', 1280, 720);
  await page.locator('[data-testid="tab-editor"]').click();
  await page.locator('[data-testid="editor-examples"]').selectOption('deployment.yaml');
  const editor = page.locator('[data-testid="editor"]');
  await editor.click();
  await page.keyboard.press('Control+Home');
  // Down to the last line the text shows whole before any problem.
  const shown = await editor.evaluate((t) => Math.floor((t.clientHeight - 24) / parseFloat(getComputedStyle(t).lineHeight)));
  for (let i = 1; i < shown; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.type(' [');
  await page.locator('[data-testid="editor-problems"] li').first().waitFor();
  await page.waitForTimeout(300);
  const at = await editor.evaluate((t) => {
    const style = getComputedStyle(t);
    const line = parseFloat(style.lineHeight);
    const lines = t.value.slice(0, t.selectionStart).split('\n').length;
    const r = t.getBoundingClientRect();
    const top = r.top + parseFloat(style.paddingTop) + (lines - 1) * line - t.scrollTop;
    const list = document.querySelector('[data-testid="editor-problems"]').getBoundingClientRect();
    const highlighted = t.closest('.code').querySelectorAll('.hl-line')[lines - 1].getBoundingClientRect();
    return { line: lines, top: Math.round(top), bottom: Math.round(top + line), box: [Math.round(r.top), Math.round(r.top + t.clientHeight)], list: Math.round(list.top), highlighted: Math.round(highlighted.top) };
  });
  await page.screenshot({ path: `${SHOTS}/present-editor-problem.png` });
  assert.ok(at.line >= shown, `the caret is on line ${at.line}`);
  assert.ok(at.top >= at.box[0] && at.bottom <= at.box[1] && at.bottom <= at.list, `line ${at.line} spans ${at.top}-${at.bottom}, the text shows ${at.box[0]}-${at.box[1]}, the problems start at ${at.list}`);
  assert.ok(Math.abs(at.highlighted - at.top) <= 1, `its highlighted copy is at ${at.highlighted}, the line at ${at.top}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the inspector's chain of owners wraps before an arrow, never after one: each arrow stays beside the name it points to", async () => {
  const { page, errors, context } = await open('/?embed&speed=10&autoplay', 960, 540);
  await deployWeb(page);
  await page.locator('[data-testid="pod"][data-name^="web-"]').first().click();
  const owners = page.locator('[data-testid="inspector-owners"]');
  await owners.waitFor();
  assert.match(await owners.innerText(), /^Deployment web\s*→\s*ReplicaSet web-[a-z0-9]+\s*→\s*Pod web-/);
  // However narrow the sheet: try the chain at every width from 140 px to 520 px.
  const stranded = await owners.evaluate((nav) => {
    const found = [];
    for (let width = 140; width <= 520; width += 2) {
      nav.style.width = `${width}px`;
      for (const arrow of nav.querySelectorAll('.arrow')) {
        const a = arrow.getBoundingClientRect();
        const name = arrow.nextElementSibling.getBoundingClientRect();
        if (Math.abs((a.top + a.bottom) / 2 - (name.top + name.bottom) / 2) > a.height / 2 && a.bottom <= name.top + 2) found.push(`${width} px, before ${arrow.nextElementSibling.textContent}`);
      }
    }
    nav.style.width = '';
    return found;
  });
  await page.screenshot({ path: `${SHOTS}/inspector-owners-960x540.png` });
  assert.deepEqual(stranded, [], 'widths where an arrow ends a line and its name starts the next');
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a 1440x900 laptop an open lesson's step shows its commands whole, and the console its prompt", async () => {
  const { page, errors, context } = await open('/?lesson=first-deployment', 1440, 900);
  await page.locator('[data-testid="check"]').first().waitFor();
  const commands = await page.locator('[data-testid="lesson-command"]').count();
  assert.ok(commands >= 2, `the first step has ${commands} commands`);
  const wanted = { 'step title': '[data-testid="step-title"]', 'Next button': '[data-testid="next-step"]', 'console input': '[data-testid="console-input"]' };
  for (let i = 1; i <= commands; i++) wanted[`command ${i}`] = `.commands > [data-testid="lesson-command"]:nth-of-type(${i})`;
  const seen = await page.evaluate(howShown, wanted);
  await page.screenshot({ path: `${SHOTS}/lesson-1440x900.png` });
  assert.deepEqual(seen, Object.fromEntries(Object.keys(wanted).map((name) => [name, 'whole'])));
  await assertLastOutputShown(page);
  assert.deepEqual(errors, []);
  await context.close();
});
