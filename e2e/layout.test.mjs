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
