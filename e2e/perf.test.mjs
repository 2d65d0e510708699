// Performance figures, measured in headless Chromium on the release build and printed
// (never asserted: timings depend on the machine): time to interactive from a cold load,
// and frame intervals while the clock runs at 60x with 1,000 and with 5,000 pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, useServerAndBrowser } from './harness.mjs';

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

test('performance: time to interactive and frame times at 60x (printed)', async () => {
  // A cold load: a fresh context has no cache and no service worker yet.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid="node"]');
  await page.waitForSelector('[data-testid="console-input"]:not([disabled])');
  const tti = await page.evaluate(() => performance.now());
  console.log(`perf: time to interactive (cold load, localhost): ${tti.toFixed(0)} ms (target 300 ms)`);

  // Ten workers take about 1,000 pods (110 pods each); 5,000 leave most waiting for a node,
  // which the map draws too.
  for (let i = 0; i < 7; i++) await page.locator('[data-testid="add-node"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="node"]').length === 11);
  const input = page.locator('[data-testid="console-input"]');
  await page.locator('[data-testid="speed"]').selectOption('60');
  const figures = [];
  for (const replicas of [1000, 5000]) {
    await input.fill(`kubectl scale deployment load --replicas=${replicas} 2>/dev/null || kubectl create deployment load --image=nginx --replicas=${replicas}`);
    await input.press('Enter');
    // Wait until the map shows them all, or print how far it got in a minute.
    const reached = await page.waitForFunction((n) => document.querySelectorAll('[data-testid="pod"]').length >= n, replicas, { timeout: 60_000 }).then(() => true, () => false);
    const s = summary(await frameIntervals(page, 4000));
    const pods = await page.locator('[data-testid="pod"]').count();
    figures.push({ pods, reached, ...s });
    const note = reached ? '' : ` (only ${pods} of ${replicas} on the map after a minute)`;
    console.log(`perf: frame interval at 60x with ${pods} pods: median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms over ${s.n} frames${note} (a display refresh is 16.7 ms; target: median under 16 ms of work per frame at 1,000 pods)`);
  }
  await page.screenshot({ path: `${SHOTS}/perf-many-pods.png` });
  assert.equal(figures.length, 2);
  assert.ok(figures[0].reached, 'the thousand pods reach the map');
  assert.deepEqual(errors, []);
  await context.close();
});
