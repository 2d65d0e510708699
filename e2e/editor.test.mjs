// End-to-end: the editor (completion, problems, tabs), going back in time, and the map's
// Service lines with request dots and revision colours, clicked through in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOTS, openPage as openHarnessPage, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const openPage = () => openHarnessPage(env);

/** Types a console line and presses Enter. */
async function run(page, line) {
  await page.locator('[data-testid="console-input"]').fill(line);
  await page.locator('[data-testid="console-input"]').press('Enter');
}

test('the editor completes field names, marks a problem at its line, and applies an example', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="editor-examples"]').selectOption('deployment.yaml');
  const editor = page.locator('[data-testid="editor"]');
  assert.match(await editor.inputValue(), /kind: Deployment/);
  await editor.click();
  await page.keyboard.press('Control+End');
  // Typing a key offers the fields that fit there; Enter takes the highlighted one.
  await page.keyboard.type('  minR');
  await page.waitForSelector('[data-testid="completion"] li >> text=minReadySeconds');
  await page.keyboard.press('Enter');
  assert.match(await editor.inputValue(), /\n {2}minReadySeconds: $/);
  await page.keyboard.type('soon');
  // The wrong value is marked at its line (28) as you type, and listed.
  const marked = page.locator('.gutter .num.error');
  await marked.waitFor();
  assert.equal(await marked.textContent(), '28');
  assert.match(await page.locator('[data-testid="editor-problems"]').innerText(), /line 28[\s\S]*spec\.minReadySeconds/);
  await page.screenshot({ path: `${SHOTS}/editor-problem.png` });
  // Undo takes the word back; then a number applies.
  await page.keyboard.press('Control+z');
  assert.match(await editor.inputValue(), /minReadySeconds: $/);
  await page.keyboard.type('5');
  await page.locator('.gutter .num.error').waitFor({ state: 'detached' });
  await page.locator('[data-testid="apply"]').click();
  await page.waitForSelector('[data-testid="apply-report"] >> text=deployment.apps/web created');
  await page.waitForSelector('[data-testid="pod"][data-revision="1"]');
  // The tab is a file the console reads.
  await run(page, 'grep minReady deployment.yaml');
  await page.waitForSelector('[data-testid="console-output"] >> text=minReadySeconds: 5');
  // Both tabs are there after a reload.
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  const tabs = await page.locator('[data-testid="file-tab"]').evaluateAll((els) => els.map((e) => e.dataset.name));
  assert.deepEqual(tabs, ['editor.yaml', 'deployment.yaml']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('rewinding brings back the pods of an earlier moment, by name', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('60');
  await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 2);
  const names = () => page.locator('[data-testid="pod"][data-name^="web-"]').evaluateAll((els) => els.map((e) => e.dataset.name).sort());
  const before = await names();
  await page.locator('[data-testid="rewind"]').click();
  await page.locator('[data-testid="checkpoint-save"]').click();
  await page.waitForSelector('[data-testid="checkpoint"]');
  await page.locator('[data-testid="rewind"]').click();
  await run(page, 'kubectl scale deployment web --replicas=5');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"]').length === 5);
  await page.locator('[data-testid="rewind"]').click();
  await page.locator('[data-testid="checkpoint"] button').first().click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"]').length === 2);
  assert.deepEqual(await names(), before, 'the same two pods as at the checkpoint');
  assert.equal(await page.locator('[data-testid="play-pause"]').getAttribute('aria-label'), 'Play', 'paused at that moment');
  await page.screenshot({ path: `${SHOTS}/rewound.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a Service draws lines to its ready pods and dots while a load runs; a new revision has a new colour', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await run(page, 'kubectl create deployment web --image=nginx --replicas=3');
  await run(page, 'kubectl expose deployment web --port=80');
  await page.waitForSelector('[data-testid="service"][data-name="web"][data-ready="3"]', { timeout: 15_000 });
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link').length === 3);
  await run(page, "load http://$(kubectl get svc web -o jsonpath='{.spec.clusterIP}') 30/s");
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link.busy').length === 3, null, { timeout: 10_000 });
  assert.ok(await page.locator('.req-dot').count() >= 3, 'dots travel to every pod');
  await page.screenshot({ path: `${SHOTS}/service-traffic.png` });
  // When the load stops, the dots stop too.
  await run(page, 'load stop');
  await page.waitForFunction(() => document.querySelectorAll('.req-dot').length === 0, null, { timeout: 10_000 });
  await run(page, 'kubectl set image deployment/web nginx=nginx:1.26');
  await page.waitForSelector('[data-testid="pod"][data-revision="2"]', { timeout: 10_000 });
  const colour = (rev) => page.locator(`[data-testid="pod"][data-revision="${rev}"]`).first().evaluate((e) => getComputedStyle(e).getPropertyValue('--rev').trim());
  assert.notEqual(await colour('1'), await colour('2'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the keyboard gets out of the console: Tab completes, Escape then Tab and Shift-Tab move on', async () => {
  const { page, errors, context } = await openPage();
  const input = page.locator('[data-testid="console-input"]');
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  await input.fill('kubectl get namesp');
  await input.press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-testid="console-input"]').value === 'kubectl get namespaces ');
  assert.equal(await focused(), 'console-input', 'Tab completes and stays');
  await input.press('Escape');
  await input.press('Tab');
  assert.notEqual(await focused(), 'console-input', 'Escape, then Tab, moves on');
  await input.focus();
  await input.press('Shift+Tab');
  assert.notEqual(await focused(), 'console-input', 'Shift-Tab moves back');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the editor and the console show a ring while the keys go to them', async () => {
  const { page, errors, context } = await openPage();
  const ring = (selector) => page.locator(selector).evaluate((e) => {
    const s = getComputedStyle(e);
    return s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 2;
  });
  await page.locator('[data-testid="apply"]').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'editor', 'Tab reaches the editor');
  assert.equal(await ring('.code-area'), true, 'the editor shows the focus');
  assert.equal(await ring('.console-line'), false);
  await page.locator('[data-testid="console-input"]').focus();
  assert.equal(await ring('.console-line'), true, 'the console line shows the focus');
  assert.equal(await ring('.code-area'), false);
  await page.screenshot({ path: `${SHOTS}/console-focus.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Rewind and Share panels close with Escape and give the focus back to their button', async () => {
  const { page, errors, context } = await openPage();
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  for (const [button, inside] of [['rewind', 'rewind-slider'], ['share', 'share-link']]) {
    await page.locator(`[data-testid="${button}"]`).focus();
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="${inside}"]`).focus();
    await page.keyboard.press('Escape');
    await page.locator(`[data-testid="${inside}"]`).waitFor({ state: 'detached', timeout: 2_000 });
    assert.equal(await focused(), button, `the focus is back on ${button}`);
    assert.equal(await page.locator(`[data-testid="${button}"]`).getAttribute('aria-expanded'), 'false');
  }
  assert.deepEqual(errors, []);
  await context.close();
});
