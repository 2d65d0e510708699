// End-to-end: the containers lab, on the real kernel through `kubeplay serve` (CI runs as
// root) and simulated in the page when the page has no token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

async function open(query, ready = '[data-testid="lab-backend"]:not([data-kind="probing"])') {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.server.url}${query}`);
  await page.waitForSelector(ready);
  return { page, errors, context };
}

async function realLab() {
  const health = await (await fetch(new URL('/api/health', env.server.url), { headers: { 'X-Kubeplay-Token': env.server.token } })).json();
  return health.lab.real;
}

async function run(page, demo) {
  await page.click(`[data-testid="lab-demo"][data-demo="${demo}"]`);
  await page.click('[data-testid="lab-run"]');
  return page.waitForSelector(`[data-testid="lab-demo-view"][data-demo="${demo}"] [data-testid="lab-report"]`);
}

test('the lab runs on the real kernel when opened from the address kubeplay serve printed', async () => {
  const real = await realLab();
  if (!real) assert.equal(process.env.KUBEPLAY_REQUIRE_ROOT_TESTS, undefined, 'as root the lab must be real');
  const { page, errors, context } = await open(`?token=${env.server.token}&lab=namespaces`);
  assert.ok(!page.url().includes('token='), 'the token leaves the address bar at once');
  assert.equal(await page.getAttribute('[data-testid="lab-backend"]', 'data-kind'), real ? 'real' : 'simulated');
  await page.click('[data-testid="lab-run"]');
  await page.waitForSelector('[data-testid="lab-report"]');
  const rows = await page.locator('[data-testid="ns-row"]').evaluateAll((els) => els.map((e) => [e.dataset.kind, e.className]));
  assert.equal(rows.length, 7);
  assert.ok(rows.every(([, cls]) => cls === 'own'), `every namespace is the run's own: ${JSON.stringify(rows)}`);
  assert.equal(await page.getAttribute('[data-testid="lab-report"]', 'data-simulated'), String(!real));
  const outputs = await page.locator('[data-testid="lab-output"]').allTextContents();
  assert.ok(outputs.some((o) => o.includes('my PID is 1')), outputs.join('\n'));
  await page.screenshot({ path: `${SHOTS}/lab-namespaces.png` });

  // A smaller memory limit, and the OOM killer.
  await page.click('[data-testid="lab-demo"][data-demo="cgroups"]');
  await page.$eval('[data-testid="lab-limit"]', (el) => { el.value = '16'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  assert.equal(await page.textContent('[data-testid="lab-limit-value"]'), '16 MiB');
  await run(page, 'cgroups');
  assert.match(await page.textContent('[data-testid="cgroup-events"]'), /OOM kills: [1-9]/);
  assert.match(await page.textContent('[data-testid="lab-output"]'), /allocating 32 MiB under a 16 MiB limit/);

  // The learner's own command in the sandbox; on the real kernel its output shows while it runs.
  await page.click('[data-testid="lab-demo"][data-demo="shell"]');
  await page.fill('[data-testid="lab-command"]', 'echo hello from $(hostname); id -u; sleep 2; echo done');
  await page.click('[data-testid="lab-run"]');
  if (real) {
    await page.waitForSelector('[data-testid="lab-live-output"]:has-text("hello from container")');
    assert.equal(await page.locator('[data-testid="lab-report"]').count(), 0, 'the first lines show before the run ends');
    await page.waitForSelector('[data-testid="lab-usage"]');
    assert.match(await page.textContent('[data-testid="lab-usage"]'), /^now: memory [\d.]+ (KiB|MiB) · [2-9] processes · CPU [\d.]+ s$/);
    await page.screenshot({ path: `${SHOTS}/lab-live.png` });
  }
  await page.waitForSelector('[data-testid="lab-demo-view"][data-demo="shell"] [data-testid="lab-report"]');
  assert.match(await page.textContent('[data-testid="lab-output"]'), /hello from container\n0\ndone\n/);

  // Overlay: the whiteout and the copied-up file are drawn in the container layer.
  await run(page, 'overlay');
  const kinds = await page.locator('[data-testid="layer"]').first().locator('[data-testid="layer-entry"]').evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(kinds.sort(), ['copied-up', 'new', 'whiteout']);
  await page.screenshot({ path: `${SHOTS}/lab-overlay.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the token stays with the tab when a link leaves it out (a lesson, the lab)', async () => {
  const real = await realLab();
  const { page, errors, context } = await open(`?token=${env.server.token}`, '[data-testid="node"]');
  assert.ok(!page.url().includes('token='), 'the token leaves the address bar as the page starts');
  await page.goto(`${env.server.url}?lesson=control-plane&lab=namespaces`);
  await page.waitForSelector('[data-testid="lab-backend"]:not([data-kind="probing"])');
  assert.equal(await page.getAttribute('[data-testid="lab-backend"]', 'data-kind'), real ? 'real' : 'simulated');
  assert.ok(!(await page.textContent('[data-testid="lab-backend"]')).includes('open the address'), 'the page still has its token');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without the token the lab runs on the page model, says so, and the limit still decides', async () => {
  const { page, errors, context } = await open('?lab=cgroups');
  assert.equal(await page.getAttribute('[data-testid="lab-backend"]', 'data-kind'), 'simulated');
  assert.match(await page.textContent('[data-testid="lab-backend"]'), /Simulated.*kubeplay serve/);
  await page.click('[data-testid="lab-run"]');
  await page.waitForSelector('[data-testid="lab-report"][data-simulated="true"]');
  assert.match(await page.textContent('[data-testid="cgroup-events"]'), /OOM kills: 1/);
  await page.selectOption('[data-testid="lab-controller"]', 'cpu');
  for (const [limit, throttled] of [['100', false], ['10', true]]) {
    await page.$eval('[data-testid="lab-limit"]', (el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }, limit);
    await page.click('[data-testid="lab-run"]');
    await page.waitForSelector(`[data-testid="lab-output"]`);
    await page.waitForFunction((l) => document.querySelector('[data-testid="lab-limit-value"]')?.textContent.startsWith(l), limit);
    const events = await page.textContent('[data-testid="cgroup-events"]');
    assert.equal(/throttled periods: 0$/.test(events), !throttled, `cpu ${limit} %: ${events}`);
  }
  await page.screenshot({ path: `${SHOTS}/lab-simulated.png` });
  // A run is recorded as the console's lab command, where lesson checks look.
  await page.click('[data-testid="mode-cluster"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a slide embeds one demo of the lab', async () => {
  const { page, errors, context } = await open('?view=containers&demo=overlay&embed');
  assert.equal(await page.getAttribute('[data-testid="lab-demo-view"]', 'data-demo'), 'overlay');
  await page.click('[data-testid="lab-run"]');
  await page.waitForSelector('[data-testid="lab-drawing"][data-kind="overlay"]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the containers lesson ticks when the lab view runs a demo', async () => {
  const { page, errors, context } = await open('?lesson=containers&step=1', '[data-testid="check"]');
  await page.click('[data-testid="mode-containers"]');
  await page.waitForSelector('[data-testid="lab-backend"]:not([data-kind="probing"])');
  await run(page, 'chroot');
  // The lesson stays beside the lab, and its checks tick.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="check"]')].every((c) => c.dataset.passed === 'true'));
  await page.screenshot({ path: `${SHOTS}/lab-lesson.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chroot step names every program its jail is drawn with', async () => {
  for (const query of ['?lab=chroot', `?token=${env.server.token}&lab=chroot`]) {
    const { page, errors, context } = await open(query);
    await page.click('[data-testid="lab-run"]');
    await page.waitForSelector('[data-testid="lab-drawing"][data-kind="jail"]');
    const files = await page.locator('[data-testid="lab-drawing"][data-kind="jail"] li code').allTextContents();
    const programs = files.filter((f) => /^\/bin\/[^/]+$/.test(f)).map((f) => f.slice('/bin/'.length));
    assert.ok(programs.includes('bash') && programs.length >= 3, files.join(' '));
    const named = await page.locator('[data-testid="lab-explanation"] code').allTextContents();
    assert.deepEqual(programs.filter((p) => !named.includes(p)), [], `the text names ${named.join(', ')}`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
