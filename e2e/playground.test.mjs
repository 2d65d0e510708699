// End-to-end: the release build served by `kubeplay serve`, driven in Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHOTS, keptItem, openPage as openHarnessPage, putKeptItems, useServerAndBrowser, waitForKept } from './harness.mjs';

const env = useServerAndBrowser();

const openPage = () => openHarnessPage(env);

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
`;

test('the page shows the simulated cluster', async () => {
  const { page, errors, context } = await openPage();
  const nodes = await page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.dataset.name));
  assert.deepEqual(nodes, ['control-plane', 'node-1', 'node-2', 'node-3']);
  assert.equal(await page.locator('[data-testid="pod"][data-phase="Running"]').count(), 10);
  await page.screenshot({ path: `${SHOTS}/cluster.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('applying a Pod manifest shows the pod with its phase', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await page.locator('[data-testid="editor"]').fill(POD);
  await page.locator('[data-testid="apply"]').click();
  await page.waitForSelector('[data-testid="apply-report"] >> text=pod/web created');
  const pod = page.locator('[data-testid="pod"][data-name="web"]');
  await pod.waitFor();
  assert.match(await pod.getAttribute('data-phase'), /^(Pending|Running)$/);
  await page.waitForSelector('[data-testid="pod"][data-name="web"][data-phase="Running"][data-ready="true"]', { timeout: 10_000 });
  await page.screenshot({ path: `${SHOTS}/pod-running.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the editor text survives a reload and a bad manifest is explained', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="editor"]').fill(POD.replace('nginx:1.25', 'nginx:1.25\n    ports:\n    - containerPort: eighty'));
  await page.locator('[data-testid="apply"]').click();
  const report = page.locator('[data-testid="apply-report"]');
  await report.locator('text=containerPort').first().waitFor();
  assert.match(await report.innerText(), /--> editor\.yaml:10:22: spec\.containers\[0\]\.ports\[0\]\.containerPort: expected i32, got the string "eighty"/);
  await page.screenshot({ path: `${SHOTS}/manifest-error.png` });
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  assert.match(await page.locator('[data-testid="editor"]').inputValue(), /containerPort: eighty/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page keeps its work in IndexedDB and takes over what an older page kept in localStorage', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="editor"]').fill(POD.replace('name: web', 'name: kept-in-indexeddb'));
  await waitForKept(page, 'kubeplay.editor.v2', 'kept-in-indexeddb');
  assert.equal(await page.evaluate(() => localStorage.getItem('kubeplay.editor.v2')), null, 'not in localStorage');
  // An older page kept its editor text and console history in localStorage.
  await page.evaluate(() => {
    localStorage.setItem('kubeplay.editor.v2', JSON.stringify({ files: [{ name: 'editor.yaml', text: '# from localStorage' }], active: 0 }));
    localStorage.setItem('kubeplay.console-history.v1', 'kubectl get pods');
  });
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  assert.equal(await page.locator('[data-testid="editor"]').inputValue(), '# from localStorage');
  assert.equal(await page.evaluate(keptItem, 'kubeplay.console-history.v1'), 'kubectl get pods');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('kubeplay.'))), [], 'moved out of localStorage');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a Deployment from 2018 rolls out its pods, with a note about its API version', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await page.locator('[data-testid="editor"]').fill(`apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: todo
spec:
  replicas: 3
  template:
    metadata:
      labels: {app: todo}
    spec:
      containers:
      - name: web
        image: johscheuer/todo-app-web:v6
`);
  await page.locator('[data-testid="apply"]').click();
  await page.waitForSelector('[data-testid="apply-report"] >> text=deployment.apps/todo created');
  assert.match(await page.locator('[data-testid="apply-report"]').innerText(), /apps\/v1beta1 Deployment was removed in Kubernetes v1\.16/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="todo-"][data-ready="true"]').length === 3, null, { timeout: 15_000 });
  const nodes = await page.locator('[data-testid="pod"][data-name^="todo-"]').evaluateAll((els) => els.map((e) => e.closest('[data-testid="node"]').dataset.name));
  assert.equal(new Set(nodes).size, 3, 'the scheduler spreads the replicas over the workers');
  await page.screenshot({ path: `${SHOTS}/deployment.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('kubectl set image in the console rolls the Deployment to the new image', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  const input = page.locator('[data-testid="console-input"]');
  await input.fill('kubectl create deployment web --image=nginx:1.25 --replicas=3');
  await input.press('Enter');
  await page.waitForSelector('[data-testid="console-output"] >> text=deployment.apps/web created');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 3, null, { timeout: 15_000 });
  const before = await page.locator('[data-testid="pod"][data-name^="web-"]').evaluateAll((els) => els.map((e) => e.dataset.name));
  const oldPrefix = before[0].split('-').slice(0, 2).join('-');
  await input.fill('kubectl set image deployment/web nginx=nginx:1.26');
  await input.press('Enter');
  await page.waitForSelector('[data-testid="console-output"] >> text=deployment.apps/web image updated');
  // The new ReplicaSet's pods replace the old ones: three ready pods, none from the old ReplicaSet.
  await page.waitForFunction((old) => {
    const pods = [...document.querySelectorAll('[data-testid="pod"][data-name^="web-"]')];
    return pods.length === 3 && pods.every((p) => p.dataset.ready === 'true' && !p.dataset.name.startsWith(old + '-'));
  }, oldPrefix, { timeout: 30_000 });
  await input.fill('kubectl get rs');
  await input.press('Enter');
  await page.waitForSelector('[data-testid="console-output"] >> text=DESIRED');
  const out = await page.locator('[data-testid="console-output"]').innerText();
  assert.match(out, new RegExp(`${oldPrefix}\\s+0\\s+0\\s+0`), out);
  // Several kinds print one table each with a blank line between them, which keeps its height.
  await input.fill('kubectl get deploy,svc');
  await input.press('Enter');
  await page.waitForSelector('[data-testid="console-output"] >> text=service/kubernetes');
  const blank = await page.locator('[data-testid="console-output"] .out').evaluateAll((els) => {
    const i = els.findLastIndex((e) => e.textContent.startsWith('deployment.apps/web '));
    const gap = els[i + 1];
    return gap && gap.textContent === '' ? gap.getBoundingClientRect().height : -1;
  });
  assert.ok(blank > 10, `the blank line between the tables is ${blank}px high`);
  await page.screenshot({ path: `${SHOTS}/console.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the backend API answers only with the token', async () => {
  const anonymous = await fetch(new URL('/api/health', env.server.url));
  assert.equal(anonymous.status, 401);
  const authorized = await fetch(new URL('/api/health', env.server.url), { headers: { 'X-Kubeplay-Token': env.server.token } });
  assert.equal(authorized.status, 200);
  assert.equal((await authorized.json()).status, 'ok');
});

test('clicking a pod opens the inspector with its owners, description, YAML and placement', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await page.locator('[data-testid="console-input"]').fill('kubectl create deployment web --image=nginx --replicas=2');
  await page.locator('[data-testid="console-input"]').press('Enter');
  const chip = page.locator('[data-testid="pod"][data-namespace="default"][data-ready="true"]').first();
  await chip.waitFor({ timeout: 15_000 });
  const name = await chip.getAttribute('data-name');
  await chip.click();
  const inspector = page.locator('[data-testid="inspector"]');
  await inspector.waitFor();
  assert.equal(await inspector.getAttribute('data-name'), name);
  const owners = inspector.locator('[data-testid="inspector-owners"]');
  await owners.waitFor();
  assert.match(await owners.innerText(), /^Deployment web\s*→\s*ReplicaSet web-[a-z0-9]+\s*→\s*Pod web-/);
  const describe = inspector.locator('[data-testid="inspector-describe"]');
  assert.match(await describe.innerText(), new RegExp(`^Name:\\s+${name}\\n[\\s\\S]*Controlled By:\\s+ReplicaSet/web-[\\s\\S]*Successfully assigned default/${name}`));
  await page.screenshot({ path: `${SHOTS}/inspector.png` });
  await inspector.getByRole('tab', { name: 'Scheduling' }).click();
  const scheduling = inspector.locator('[data-testid="inspector-scheduling"]');
  assert.match(await scheduling.innerText(), /Bound to node-\d: it passed every filter and scored highest\./);
  assert.match(await scheduling.innerText(), /control-plane\s+node\(s\) had untolerated taint/);
  await inspector.getByRole('tab', { name: 'YAML' }).click();
  assert.match(await inspector.locator('[data-testid="inspector-yaml"]').innerText(), new RegExp(`^apiVersion: v1\\nkind: Pod\\nmetadata:[\\s\\S]*  name: ${name}\\n`));
  // The owner chain is a way up: open the Deployment, then close the sheet.
  await owners.getByRole('button', { name: 'Deployment web' }).click();
  await page.waitForSelector('[data-testid="inspector"][data-kind="Deployment"][data-name="web"]');
  await inspector.getByRole('tab', { name: 'Details' }).click();
  assert.match(await inspector.locator('[data-testid="inspector-describe"]').innerText(), /Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/);
  await page.locator('[data-testid="inspector-close"]').click();
  assert.equal(await page.locator('[data-testid="inspector"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the inspector works from the keyboard: Enter opens it with the focus inside, Escape closes it and gives the focus back', async () => {
  const { page, errors, context } = await openPage();
  const active = () => page.evaluate(() => {
    const e = document.activeElement;
    return { name: e.dataset.name ?? null, inInspector: !!e.closest('[data-testid="inspector"]'), label: e.getAttribute('aria-label') };
  });
  const pod = page.locator('[data-testid="pod"][data-name^="etcd-"]');
  const name = await pod.getAttribute('data-name');
  await pod.focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="inspector"]').waitFor();
  assert.equal((await active()).inInspector, true, 'the focus moved into the inspector');
  // The next stops are the inspector's own, not the pods behind it.
  await page.keyboard.press('Tab');
  assert.deepEqual(await active(), { name: null, inInspector: true, label: 'Close the inspector' });
  await page.keyboard.press('Tab');
  assert.equal((await active()).inInspector, true);
  await page.screenshot({ path: `${SHOTS}/inspector-keyboard.png` });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"]'));
  assert.deepEqual(await active(), { name, inInspector: false, label: null }, 'the focus is back on the pod');
  // The close button from the keyboard gives the focus back too.
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="inspector"]').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"]'));
  assert.equal((await active()).name, name);
  assert.deepEqual(errors, []);
  await context.close();
});

test('closing the inspector gives the focus back to a pod that was scheduled while it was open', async () => {
  const { page, errors, context } = await openPage();
  // Two of them, so the one opened is not its node's Tab stop once it lands there.
  const pod = (name) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  nodeSelector: {disk: ssd}\n  containers:\n  - name: web\n    image: nginx\n`;
  await page.locator('[data-testid="editor"]').fill(`${pod('picky-a')}---\n${pod('picky-b')}`);
  await page.locator('[data-testid="apply"]').click();
  const waiting = page.locator('.unscheduled [data-testid="pod"][data-name="picky-b"]');
  await waiting.waitFor();
  await waiting.focus();
  await page.keyboard.press('Enter');
  const inspector = page.locator('[data-testid="inspector"]');
  await inspector.waitFor();
  await runLine(page, 'kubectl label node node-2 disk=ssd');
  await page.locator('[data-testid="node"][data-name="node-2"] [data-testid="pod"][data-name="picky-b"]').waitFor();
  await inspector.locator('[data-testid="inspector-close"]').focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"]'));
  const back = await page.evaluate(() => ({ name: document.activeElement.dataset.name, node: document.activeElement.closest('[data-testid="node"]')?.dataset.name }));
  assert.deepEqual(back, { name: 'picky-b', node: 'node-2' }, 'the focus is on the pod, now on its node');
  assert.deepEqual(errors, []);
  await context.close();
});

test("tab lists follow the keyboard's tabs pattern: one Tab stop, arrows move and select", async () => {
  const { page, errors, context } = await openPage();
  const panelTabs = page.locator('.panel.tabbed > nav[role="tablist"] > [role="tab"]');
  const state = () => panelTabs.evaluateAll((tabs) => ({
    selected: tabs.filter((t) => t.getAttribute('aria-selected') === 'true').map((t) => t.textContent),
    stops: tabs.filter((t) => t.tabIndex === 0).map((t) => t.textContent),
    focused: document.activeElement.textContent,
  }));
  await page.locator('[data-testid="tab-editor"]').click();
  assert.deepEqual(await state(), { selected: ['Editor'], stops: ['Editor'], focused: 'Editor' });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await state(), { selected: ['Events'], stops: ['Events'], focused: 'Events' });
  await page.locator('[data-testid="events"]').waitFor();
  await page.keyboard.press('End');
  assert.deepEqual(await state(), { selected: ['Charts'], stops: ['Charts'], focused: 'Charts' });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await state(), { selected: ['Lessons'], stops: ['Lessons'], focused: 'Lessons' }, 'Right from the last goes round to the first');
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual((await state()).selected, ['Charts'], 'and Left back round');
  // The editor's file tabs too.
  await page.locator('[data-testid="tab-editor"]').click();
  await page.locator('[data-testid="file-new"]').click();
  const files = page.locator('[data-testid="file-tab"]');
  await files.nth(1).waitFor();
  const fileState = () => files.evaluateAll((tabs) => tabs.map((t) => [t.dataset.name, t.getAttribute('aria-selected'), t.tabIndex]));
  const [first, second] = (await fileState()).map(([name]) => name);
  await files.nth(1).focus();
  await page.keyboard.press('Home');
  assert.deepEqual(await fileState(), [[first, 'true', 0], [second, 'false', -1]]);
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await fileState(), [[first, 'false', -1], [second, 'true', 0]]);
  // The inspector's tabs too.
  await page.locator('[data-testid="pod"][data-name^="etcd-"]').click();
  const inspector = page.locator('[data-testid="inspector"]');
  await inspector.getByRole('tab', { name: 'Details' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await inspector.getByRole('tab', { name: 'YAML' }).getAttribute('aria-selected'), 'true');
  await inspector.locator('[data-testid="inspector-yaml"]').waitFor();
  await page.keyboard.press('ArrowRight');
  assert.equal(await inspector.getByRole('tab', { name: 'Scheduling' }).getAttribute('aria-selected'), 'true');
  assert.deepEqual(await inspector.locator('[role="tab"]').evaluateAll((tabs) => tabs.filter((t) => t.tabIndex === 0).map((t) => t.textContent)), ['Scheduling']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('killing a pod from the inspector runs kubectl in the console, the strip shows who acted, and the pod is replaced', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="console-input"]').fill('kubectl create deployment shop --image=nginx --replicas=2');
  await page.locator('[data-testid="console-input"]').press('Enter');
  // The deployment controller, then the ReplicaSet controller and the scheduler light up.
  await page.waitForSelector('[data-testid="component"][data-name="replicaset-controller"][data-state="lit"]', { timeout: 10_000 });
  await page.waitForSelector('[data-testid="component"][data-name="default-scheduler"][data-state="lit"]', { timeout: 10_000 });
  await page.locator('[data-testid="speed"]').selectOption('10');
  const ready = '[data-testid="pod"][data-namespace="default"][data-ready="true"]';
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, ready, { timeout: 15_000 });
  const victim = await page.locator(ready).first().getAttribute('data-name');
  await page.locator(`[data-testid="pod"][data-name="${victim}"]`).click();
  await page.locator('[data-testid="action-delete-pod"]').click();
  const consoleOut = page.locator('[data-testid="console-output"]');
  await consoleOut.locator(`text=pod "${victim}" deleted`).waitFor();
  assert.match(await consoleOut.innerText(), new RegExp(`kubectl delete pod ${victim} -n default`));
  await page.screenshot({ path: `${SHOTS}/inspector-kill.png` });
  // A replacement with a new name becomes ready; the victim goes once its grace period is over.
  await page.waitForFunction(([sel, gone]) => {
    const names = [...document.querySelectorAll(sel)].map((e) => e.dataset.name);
    return names.length === 2 && !names.includes(gone);
  }, [ready, victim], { timeout: 30_000 });
  const lastAction = await page.locator('[data-testid="last-action"]').innerText();
  assert.match(lastAction, /^[a-z0-9 -]+: \S/, 'who acted, then what it did');
  const chips = await page.locator('[data-testid="component"]').allInnerTexts();
  assert.ok(chips.includes(lastAction.split(': ')[0]), `the line names who acted as its chip does: ${lastAction} / ${chips}`);
  assert.doesNotMatch(lastAction, /\b(\w+) \1\b/, `the reason is not repeated by the message: ${lastAction}`);
  // The inspector, still on the victim, says plainly that it is gone and what replaced it.
  await page.locator('[data-testid="inspector-gone"]').waitFor();
  assert.equal(await page.locator('[data-testid="inspector-gone"]').innerText(), `Pod ${victim} is no longer in the cluster: it was deleted. If a ReplicaSet owned it, a new pod has taken its place: pick that one on the map.`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Drain from the node inspector waits for the evicted pods and ends with the node drained', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await runLine(page, 'kubectl create deployment web --image=nginx --replicas=3');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 3, null, { timeout: 15_000 });
  await page.locator('[data-testid="node"][data-name="node-1"] [data-testid="inspect-node"]').click();
  await page.locator('[data-testid="action-drain"]').click();
  const output = page.locator('[data-testid="console-output"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="console-output"]').innerText.includes('node/node-1 drained'), null, { timeout: 15_000 });
  const text = await output.innerText();
  assert.doesNotMatch(text, /timed out/, 'the drain waited for its pods');
  assert.match(text, /evicting pod default\/web-[\s\S]*pod\/web-\S+ evicted[\s\S]*node\/node-1 drained/);
  assert.equal(await output.locator('.err').count(), 1, 'only the warning about the DaemonSet pods is on standard error');
  // The web pod moved off the node, which is cordoned.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 3, null, { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="node"][data-name="node-1"] [data-testid="pod"][data-name^="web-"]').count(), 0);
  await page.screenshot({ path: `${SHOTS}/drain.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the worker count follows the nodes there are, and + and − add and remove one, after a reload too', async () => {
  const { page, errors, context } = await openPage();
  const count = page.locator('.workers > span').first(); // [data-testid="worker-count"]
  const workers = () => page.locator('[data-testid="node"]').evaluateAll((els) => els.map((e) => e.dataset.name).filter((n) => n !== 'control-plane'));
  const until = async (names) => page.waitForFunction((n) => JSON.stringify([...document.querySelectorAll('[data-testid="node"]')].map((e) => e.dataset.name).filter((x) => x !== 'control-plane')) === JSON.stringify(n), names);
  await runLine(page, 'kubectl delete node node-3');
  await until(['node-1', 'node-2']);
  assert.equal(await count.innerText(), '2 workers', 'the count matches the map');
  await page.locator('[data-testid="add-node"]').click();
  await until(['node-1', 'node-2', 'node-3']);
  assert.equal(await count.innerText(), '3 workers');
  // After a reload, + still adds a node.
  await runLine(page, 'kubectl delete node node-2');
  await until(['node-1', 'node-3']);
  await page.reload();
  await until(['node-1', 'node-3']);
  assert.equal(await count.innerText(), '2 workers');
  await page.locator('[data-testid="add-node"]').click();
  await until(['node-1', 'node-2', 'node-3']);
  assert.deepEqual(await workers(), ['node-1', 'node-2', 'node-3']);
  // Down to one worker from the keyboard, where − can go no further: the focus goes to +,
  // not to the page, so the next key press still does something.
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);
  await page.locator('[data-testid="remove-node"]').focus();
  await page.keyboard.press('Enter');
  await until(['node-1', 'node-2']);
  assert.equal(await focused(), 'remove-node');
  await page.keyboard.press('Enter');
  await until(['node-1']);
  assert.equal(await count.innerText(), '1 worker');
  assert.ok(await page.locator('[data-testid="remove-node"]').isDisabled(), 'no fewer than one worker');
  await page.waitForTimeout(100);
  assert.equal(await focused(), 'add-node', 'the focus moves to + when − is disabled');
  // Up to the most workers with +: the focus then goes to −.
  for (let n = 2; n <= 12; n++) {
    await page.keyboard.press('Enter');
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid="node"]').length === k + 1, n);
  }
  assert.ok(await page.locator('[data-testid="add-node"]').isDisabled(), 'no more than twelve workers');
  await page.waitForTimeout(100);
  assert.equal(await focused(), 'remove-node', 'the focus moves to − when + is disabled');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the whole state saves to a file and opens in a fresh browser, in that browser\'s theme; a wrong file is explained', async () => {
  const { page, errors, context } = await openPage();
  // The theme is the viewer's: chosen here, it is not saved with the work.
  await page.locator('[data-testid="theme"] button[data-theme-choice="light"]').click();
  await waitForKept(page, 'kubeplay.theme.v1', 'light');
  await page.locator('[data-testid="console-input"]').fill('kubectl create deployment saved --image=nginx --replicas=2');
  await page.locator('[data-testid="console-input"]').press('Enter');
  await page.locator('[data-testid="editor"]').fill('# my notes\n' + POD);
  await page.waitForTimeout(2500); // the page keeps its cluster every two seconds
  await page.locator('[data-testid="share"]').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="save-file"]').click()]);
  assert.equal(download.suggestedFilename(), 'kubeplay-state.json');
  // The download goes with its context, so keep its text.
  let text = readFileSync(await download.path(), 'utf8');
  const saved = JSON.parse(text);
  assert.equal(saved.format, 'kubeplay-state');
  assert.ok(saved.items['kubeplay.cluster.v1'].includes('saved'), 'the cluster is in the file');
  assert.equal(saved.items['kubeplay.theme.v1'], undefined, 'the theme is not in the file');
  await context.close();

  // A fresh browser context: nothing stored, until the file is opened.
  const fresh = await openPage();
  assert.equal(await fresh.page.locator('[data-testid="pod"][data-name^="saved-"]').count(), 0);
  await fresh.page.locator('[data-testid="theme"] button[data-theme-choice="dark"]').click();
  await waitForKept(fresh.page, 'kubeplay.theme.v1', 'dark');
  // A file from a page that kept the theme in it (as earlier pages did) does not change it either.
  text = text.replace('"items": {', '"items": {\n    "kubeplay.theme.v1": "light",');
  await fresh.page.locator('[data-testid="share"]').click();
  await fresh.page.locator('[data-testid="open-file"]').setInputFiles({ name: 'wrong.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"something-else"}') });
  await fresh.page.locator('[data-testid="file-error"]').waitFor();
  assert.match(await fresh.page.locator('[data-testid="file-error"]').innerText(), /not a kubeplay file/);
  await Promise.all([fresh.page.waitForEvent('load'), fresh.page.locator('[data-testid="open-file"]').setInputFiles({ name: 'kubeplay-state.json', mimeType: 'application/json', buffer: Buffer.from(text) })]);
  await fresh.page.waitForSelector('[data-testid="pod"][data-name^="saved-"]');
  assert.match(await fresh.page.locator('[data-testid="editor"]').inputValue(), /^# my notes/);
  assert.equal(await fresh.page.locator('html').getAttribute('data-theme'), 'dark', 'the theme chosen in this browser stays');
  assert.equal(await fresh.page.locator('[data-testid="theme"] button[aria-pressed="true"]').getAttribute('data-theme-choice'), 'dark');
  assert.deepEqual([...errors, ...fresh.errors], []);
  await fresh.context.close();
});

test("the speed, the open tab and the console's output are kept across a reload; an unreadable record is reset and named", async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await page.locator('[data-testid="tab-events"]').click();
  await runLine(page, 'kubectl get nodes');
  await page.locator('[data-testid="console-output"] >> text=node-3').waitFor();
  await runLine(page, 'kubectl get pods --namespace nowhere');
  await page.locator('[data-testid="console-output"] >> text=No resources found').waitFor();
  await waitForKept(page, 'kubeplay.view.v1', '"events"');
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  assert.equal(await page.locator('[data-testid="speed"]').inputValue(), '10');
  assert.equal(await page.locator('[data-testid="tab-events"]').getAttribute('aria-selected'), 'true');
  await page.locator('[data-testid="events"]').waitFor();
  const output = page.locator('[data-testid="console-output"]');
  const shown = await output.innerText();
  assert.match(shown, /\$ kubectl get nodes\nNAME +STATUS[^\n]*\ncontrol-plane +Ready/, shown);
  assert.match(shown, /No resources found in nowhere namespace\.\n?$/, 'the last output, at the end');
  assert.equal(await output.locator('.err').count(), 1, 'an error is still shown as one');
  // A quiet rule under the kept lines says they are from before; new commands go below it.
  await runLine(page, 'kubectl get namespaces');
  await output.locator('text=kube-system').waitFor();
  assert.deepEqual(await output.locator('.kept-end').evaluateAll((els) => els.map((e) => [e.textContent, getComputedStyle(e, '::after').content, e.nextElementSibling?.textContent])), [
    ['No resources found in nowhere namespace.', '"kept from your last visit; what ran then has stopped"', '~$ kubectl get namespaces'],
  ]);
  await page.screenshot({ path: `${SHOTS}/kept-view-after-reload.png` });
  // clear empties it for the next visit too.
  await runLine(page, 'clear');
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  assert.equal(await output.innerText(), '');
  // Damaged records (written by something else): the view is not JSON, the transcript is cut off.
  await page.evaluate(putKeptItems, { 'kubeplay.view.v1': 'speed: fast', 'kubeplay.console-transcript.v1': '[{"kind":"prompt","ps1":"~$","text":"kubectl version"},{"kind":"out","text":"Client Version: v1.28.0"},{"kind":"out","te' });
  // Closed without pagehide's save (a crash), then opened again.
  const again = await context.newPage();
  await page.close({ runBeforeUnload: false });
  await again.goto(env.server.url);
  await again.waitForSelector('[data-testid="node"]');
  const notice = await again.locator('[data-testid="notice"] span').innerText();
  assert.match(notice, /reset it: the view \(speed and open tab\) and some of the console's output\. Everything else is kept\./, notice);
  assert.equal(await again.locator('[data-testid="speed"]').inputValue(), '1');
  assert.equal(await again.locator('[data-testid="tab-editor"]').getAttribute('aria-selected'), 'true');
  assert.equal(await again.locator('[data-testid="console-output"]').innerText(), '~$ kubectl version\nClient Version: v1.28.0');
  await again.screenshot({ path: `${SHOTS}/kept-view-reset.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

/** In the page: what is wrong with the top bar's controls (two that overlap, one cut off at
 * the window's edge, one whose words wrap onto a second line), in words; and the bar's height. */
function topbarProblems() {
  const bar = document.querySelector('.topbar');
  const shown = [...bar.querySelectorAll('button, select, .clock, .brand, .not-kept, .speed')].filter((e) => e.offsetParent && e.getBoundingClientRect().width > 1);
  const name = (e) => e.dataset.testid || e.dataset.themeChoice || e.className || e.tagName;
  const problems = [];
  shown.forEach((a, i) => {
    const ra = a.getBoundingClientRect();
    if (ra.left < 0 || ra.right > window.innerWidth) problems.push(`${name(a)} is cut off`);
    // Wrapped words: a piece of its shown text wholly below another.
    const texts = [];
    const walk = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) if (walk.currentNode.parentElement.getBoundingClientRect().width > 1) texts.push(walk.currentNode);
    const pieces = a.tagName === 'SELECT' ? [] : texts.flatMap((t) => {
      const range = document.createRange();
      range.selectNodeContents(t);
      return [...range.getClientRects()].filter((r) => r.width > 0);
    });
    if (pieces.some((p) => pieces.some((q) => p.top >= q.bottom - 1))) problems.push(`${name(a)} wraps`);
    for (const b of shown.slice(i + 1)) {
      if (a.contains(b) || b.contains(a)) continue;
      const rb = b.getBoundingClientRect();
      if (ra.left < rb.right - 0.5 && rb.left < ra.right - 0.5 && ra.top < rb.bottom - 0.5 && rb.top < ra.bottom - 0.5) problems.push(`${name(a)} overlaps ${name(b)}`);
    }
  });
  return { problems, height: Math.round(bar.getBoundingClientRect().height) };
}

test('the top bar fits a 1280x720 projector, a 1024x768 laptop and a 960x540 slide: nothing overlaps, is cut off or wraps', async () => {
  const errors = [];
  for (const [width, height, search, rows] of [[1280, 720, '', 1], [1024, 768, '', 1], [960, 540, '?embed', 1], [960, 540, '?embed&view=map', 1], [800, 600, '', 2]]) {
    const context = await env.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${env.server.url}${search}`);
    await page.waitForSelector('[data-testid="node"]');
    const { problems, height: barHeight } = await page.evaluate(topbarProblems);
    await page.screenshot({ path: `${SHOTS}/topbar-${width}x${height}${search.replace(/\W+/g, '-')}.png`, clip: { x: 0, y: 0, width, height: 120 } });
    assert.deepEqual(problems, [], `at ${width}x${height}${search}`);
    // One row of controls where there is room for it; a narrower window wraps them onto a second.
    assert.ok(barHeight < 60 * rows, `the bar is ${barHeight} px high at ${width}x${height}${search}`);
    await context.close();
  }
  assert.deepEqual(errors, []);
});

/** Types a line into the console and runs it. */
async function runLine(page, line) {
  await page.locator('[data-testid="console-input"]').fill(line);
  await page.locator('[data-testid="console-input"]').press('Enter');
}

test('wide kubectl output keeps each row on one line and shows that more columns hide at the right', async () => {
  const { page, errors, context } = await openPage();
  await runLine(page, 'kubectl get pods -A -o wide');
  const output = page.locator('[data-testid="console-output"]');
  await output.locator('text=NOMINATED NODE').waitFor();
  const heights = await output.locator('.out').evaluateAll((lines) => lines.map((l) => l.getBoundingClientRect().height));
  assert.ok(heights.length > 10 && heights.every((h) => h === heights[0]), `every row is one line high: ${heights}`);
  // The table is wider than the console: a cue at the right edge says so and scrolls on.
  const more = page.locator('[data-testid="console-more"]');
  await more.waitFor();
  await page.screenshot({ path: `${SHOTS}/console-wide.png` });
  await more.click();
  assert.ok(await output.evaluate((o) => o.scrollLeft) > 0, 'the click scrolls the output right');
  await output.evaluate((o) => { o.scrollLeft = o.scrollWidth; });
  await more.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the cue that more columns hide at the right covers none of the command typed', async () => {
  const { page, errors, context } = await openPage();
  await runLine(page, 'kubectl get pods -A -o wide');
  const more = page.locator('[data-testid="console-more"]');
  await more.waitFor();
  // A long command wraps in the transcript up to the output's right edge, where the cue is.
  const word = 'k8s'.repeat(60);
  await runLine(page, `echo ${word}`);
  await page.waitForFunction((w) => [...document.querySelectorAll('[data-testid="console-output"] .out')].some((l) => l.textContent === w), word);
  await more.waitFor();
  const covered = await page.evaluate(() => {
    const cue = document.querySelector('[data-testid="console-more"]').getBoundingClientRect();
    const view = document.querySelector('[data-testid="console-output"]').getBoundingClientRect();
    const hidden = [];
    for (const line of document.querySelectorAll('[data-testid="console-output"] .prompt')) {
      const range = document.createRange();
      range.selectNodeContents(line);
      for (const r of range.getClientRects()) {
        const inView = r.bottom > view.top && r.top < view.bottom;
        if (inView && r.width > 0 && r.right > cue.left + 1 && r.left < cue.right && r.bottom > cue.top && r.top < cue.bottom) hidden.push(line.textContent.slice(0, 30));
      }
    }
    return [...new Set(hidden)];
  });
  await page.screenshot({ path: `${SHOTS}/console-cue.png` });
  assert.deepEqual(covered, [], 'typed commands under the cue');
  assert.deepEqual(errors, []);
  await context.close();
});

test("the lines from a Service to its pods cross no text on the cards and end at each pod's chip", async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await runLine(page, 'kubectl create deployment web --image=nginx --replicas=3');
  await runLine(page, 'kubectl expose deployment web --port=80');
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link').length === 3, null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.waitForTimeout(1_500); // the bars' transitions and the lines' next measure
  // Every block of text on the cards in view looks the same with and without the lines
  // (each taken where it is, without scrolling, so that only the lines can differ).
  const blocks = await page.locator('[data-testid="service"] > *, [data-testid="node"] > :not(.pods), [data-testid="node"] [data-testid="pod"]').evaluateAll((els) => {
    const map = document.querySelector('[data-testid="cluster-map"]').getBoundingClientRect();
    return els.map((e) => [e.textContent.slice(0, 40), e.getBoundingClientRect()])
      .filter(([, r]) => r.top >= map.top && r.bottom <= map.bottom && r.left >= map.left && r.right <= map.right)
      // Inside the rounded corners and the edges' blended pixels, where lines may pass.
      .map(([text, r]) => ({ text, clip: { x: Math.ceil(r.x) + 4, y: Math.ceil(r.y) + 2, width: Math.floor(r.width) - 8, height: Math.floor(r.height) - 4 } }));
  });
  assert.ok(blocks.length > 12, `blocks in view: ${blocks.length}`);
  const look = async () => { const shots = []; for (const b of blocks) shots.push(await page.screenshot({ clip: b.clip, animations: 'disabled' })); return shots; };
  const withLines = await look();
  await page.screenshot({ path: `${SHOTS}/service-lines.png` });
  await page.addStyleTag({ content: '.service-links { visibility: hidden; }' });
  const without = await look();
  // A line shows as pixels that change clearly; the renderer may shade a rounded corner's
  // edge a few levels differently once the lines' layer is hidden, which is not a line.
  const crossed = [];
  for (const [i, b] of blocks.entries()) {
    if (!withLines[i].equals(without[i]) && await strongPixelChanges(page, withLines[i], without[i]) > 0) crossed.push(b.text);
  }
  assert.deepEqual(crossed, [], 'blocks a line is drawn over');
  // Each line ends in a dot on the top edge of its pod's chip.
  const ends = await page.evaluate(() => [...document.querySelectorAll('.service-links path.link')].map((path) => {
    const [ns, name] = path.dataset.pod.split('/');
    const chip = document.querySelector(`[data-testid="pod"][data-namespace="${ns}"][data-name="${name}"]`).getBoundingClientRect();
    const dot = path.nextElementSibling.getBoundingClientRect();
    return { pod: name, onTop: dot.left >= chip.left && dot.right <= chip.right && dot.bottom <= chip.top + 1 && dot.bottom >= chip.top - 4 };
  }));
  assert.ok(ends.length === 3 && ends.every((e) => e.onTop), JSON.stringify(ends));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the lines from a Service pass under the cards they do not end at, the control plane's too", async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  // Two Services of one pod each: their lines reach down past other nodes' cards.
  for (const name of ['api', 'web']) {
    await runLine(page, `kubectl create deployment ${name} --image=nginx --replicas=1`);
    await runLine(page, `kubectl expose deployment ${name} --port=80`);
  }
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link').length === 2, null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.waitForTimeout(1_500); // the bars' transitions and the lines' next measure
  // Each card in view, inside its border, with the cards a line may enter: its Service's and
  // the node's of its pod.
  const cards = await page.evaluate(() => {
    const map = document.querySelector('[data-testid="cluster-map"]').getBoundingClientRect();
    const ends = [...document.querySelectorAll('.service-links path.link')].flatMap((l) => [`service ${l.dataset.service.split('/')[1]}`, `node ${document.querySelector(`[data-testid="pod"][data-name="${l.dataset.pod.split('/')[1]}"]`).closest('[data-testid="node"]').dataset.name}`]);
    return [...document.querySelectorAll('[data-testid="node"], [data-testid="service"]')].map((e) => [`${e.dataset.testid} ${e.dataset.name}`, e.getBoundingClientRect()])
      .filter(([name, r]) => !ends.includes(name) && r.top >= map.top && r.bottom <= map.bottom && r.left >= map.left && r.right <= map.right)
      .map(([name, r]) => ({ name, clip: { x: Math.ceil(r.x) + 5, y: Math.ceil(r.y) + 5, width: Math.floor(r.width) - 10, height: Math.floor(r.height) - 10 } }));
  });
  assert.ok(cards.some((c) => c.name === 'node control-plane'), JSON.stringify(cards.map((c) => c.name)));
  const look = async () => { const shots = []; for (const c of cards) shots.push(await page.screenshot({ clip: c.clip, animations: 'disabled' })); return shots; };
  const withLines = await look();
  await page.screenshot({ path: `${SHOTS}/service-lines-under-cards.png` });
  await page.addStyleTag({ content: '.service-links { visibility: hidden; }' });
  const without = await look();
  const crossed = [];
  for (const [i, c] of cards.entries()) {
    if (!withLines[i].equals(without[i]) && await strongPixelChanges(page, withLines[i], without[i]) > 0) crossed.push(c.name);
  }
  assert.deepEqual(crossed, [], 'cards a line is drawn over');
  assert.deepEqual(errors, []);
  await context.close();
});

test("the lines from a Service run along the gaps between the cards, round the nodes' cards they do not end at", async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  for (const name of ['api', 'web']) {
    await runLine(page, `kubectl create deployment ${name} --image=nginx --replicas=1`);
    await runLine(page, `kubectl expose deployment ${name} --port=80`);
  }
  await runLine(page, 'kubectl scale deployment web --replicas=3');
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link').length === 4, null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.waitForTimeout(1_500);
  // Points along each line (the whole of it, drawn or not) that fall inside a card it does
  // not join: another Service's card or another node's.
  const inside = await page.evaluate(linesThroughCards, '[data-testid="service"], [data-testid="node"]');
  await page.screenshot({ path: `${SHOTS}/service-lines-in-gaps.png` });
  assert.deepEqual(inside, [], 'lines through cards they do not join');
  assert.deepEqual(errors, []);
  await context.close();
});

test("the lines from a Service go round the 'Waiting for a node' box and a second row of Services, along the gaps between the cards", async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  // Four Services (two rows of cards at 1280x720), and a pod no node can take.
  for (const name of ['api', 'web', 'db', 'cache']) {
    await runLine(page, `kubectl create deployment ${name} --image=nginx --replicas=1`);
    await runLine(page, `kubectl expose deployment ${name} --port=80`);
  }
  await page.locator('[data-testid="editor"]').fill('apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector: {disk: ssd}\n  containers:\n  - name: web\n    image: nginx\n');
  await page.locator('[data-testid="apply"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.service-links path.link').length === 4 && document.querySelector('.unscheduled'), null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.waitForTimeout(1_500);
  const rows = await page.locator('[data-testid="service"]').evaluateAll((cards) => new Set(cards.map((c) => Math.round(c.getBoundingClientRect().top))).size);
  assert.equal(rows, 2, 'the Services sit in two rows');
  const inside = await page.evaluate(linesThroughCards, '[data-testid="service"], [data-testid="node"], .unscheduled');
  await page.screenshot({ path: `${SHOTS}/service-lines-round-boxes.png` });
  assert.deepEqual(inside, [], 'lines through cards they do not join');
  // No detour along the map's margin, outside every card: the lines keep between the cards.
  const margin = await page.evaluate(() => {
    const cards = [...document.querySelectorAll('[data-testid="service"], [data-testid="node"], .unscheduled')].map((c) => c.getBoundingClientRect());
    const [left, right] = [Math.min(...cards.map((r) => r.left)), Math.max(...cards.map((r) => r.right))];
    const found = [];
    for (const path of document.querySelectorAll('.service-links path.link')) {
      const svg = path.ownerSVGElement.getBoundingClientRect();
      for (let at = 0, length = path.getTotalLength(); at <= length; at += 2) {
        const x = svg.left + path.getPointAtLength(at).x;
        if (x < left || x > right) found.push(`${path.dataset.service} to ${path.dataset.pod}`);
      }
    }
    return [...new Set(found)];
  });
  assert.deepEqual(margin, [], "lines along the map's margin");
  assert.deepEqual(errors, []);
  await context.close();
});

/** In the page: each Service line (the whole of it, drawn or not) that passes through a card
 * it does not join, among the cards `cards` selects, as "service to pod in card". */
function linesThroughCards(cards) {
  const found = [];
  for (const path of document.querySelectorAll('.service-links path.link')) {
    const svg = path.ownerSVGElement.getBoundingClientRect();
    const pod = document.querySelector(`[data-testid="pod"][data-name="${path.dataset.pod.split('/')[1]}"]`);
    const joined = [document.querySelector(`[data-testid="service"][data-name="${path.dataset.service.split('/')[1]}"]`), pod.closest('[data-testid="node"]')];
    const others = [...document.querySelectorAll(cards)].filter((c) => !joined.includes(c));
    for (let at = 0, length = path.getTotalLength(); at <= length; at += 2) {
      const p = path.getPointAtLength(at);
      const [x, y] = [svg.left + p.x, svg.top + p.y];
      for (const card of others) {
        const r = card.getBoundingClientRect();
        if (x > r.left + 1 && x < r.right - 1 && y > r.top + 1 && y < r.bottom - 1) found.push(`${path.dataset.service} to ${path.dataset.pod} in ${card.dataset.name ?? 'the waiting box'}`);
      }
    }
  }
  return [...new Set(found)];
}

/** How many pixels of two same-sized PNG screenshots differ by more than 48 levels in a
 * colour channel (decoded by the page's canvas). */
async function strongPixelChanges(page, a, b) {
  return page.evaluate(async ([a, b]) => {
    const load = (data) => new Promise((done) => { const img = new Image(); img.onload = () => done(img); img.src = `data:image/png;base64,${data}`; });
    const [ia, ib] = [await load(a), await load(b)];
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [ia.width, ia.height];
    const ctx = canvas.getContext('2d');
    const pixels = (img) => { ctx.clearRect(0, 0, canvas.width, canvas.height); ctx.drawImage(img, 0, 0); return ctx.getImageData(0, 0, canvas.width, canvas.height).data; };
    const [pa, pb] = [pixels(ia), pixels(ib)];
    let changed = 0;
    for (let i = 0; i < pa.length; i += 4) {
      if ([0, 1, 2].some((c) => Math.abs(pa[i + c] - pb[i + c]) > 48)) changed += 1;
    }
    return changed;
  }, [a.toString('base64'), b.toString('base64')]);
}

/** In the page: the badges, chips and labels found by `selector` whose own text has a contrast
 * (WCAG 2) under `min` with the colours beneath it, as "ratio class text". */
function lowContrast([selector, min]) {
  const parse = (c) => {
    const [r, g, b, a = 1] = (c.match(/[\d.]+/g) || []).map(Number);
    return c.startsWith('color(srgb') ? { r: r * 255, g: g * 255, b: b * 255, a } : { r, g, b, a };
  };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const luminance = (c) => [c.r, c.g, c.b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
    if (!text || !el.getClientRects().length) continue;
    // The backgrounds from the element out to the first opaque one, and the opacity on the way.
    const layers = [];
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      opacity *= Number(style.opacity);
      const bg = parse(style.backgroundColor);
      if (bg.a > 0 && layers.every((l) => l.a < 1)) layers.push(bg);
    }
    const beneath = layers.reverse().reduce((under, top) => over(top, under), { r: 255, g: 255, b: 255, a: 1 });
    const fg = parse(getComputedStyle(el).color);
    const [hi, lo] = [luminance(over({ ...fg, a: fg.a * opacity }, beneath)), luminance(beneath)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < min) found.push(`${ratio.toFixed(2)} ${el.className} ${text}`);
  }
  return [...new Set(found)];
}

test("the top bar's theme switch works from the keyboard, is kept across reloads, and leaves ?theme= links theirs", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const look = () => page.evaluate(() => ({
    background: getComputedStyle(document.body).backgroundColor,
    pressed: [...document.querySelectorAll('[data-testid="theme"] button[aria-pressed="true"]')].map((b) => b.dataset.themeChoice),
  }));
  const [LIGHT, DARK] = ['rgb(244, 246, 250)', 'rgb(15, 20, 27)'];
  const go = async (search) => {
    await page.goto(`${env.server.url}${search}`);
    await page.waitForSelector('[data-testid="node"]');
  };
  await go('');
  assert.deepEqual(await look(), { background: LIGHT, pressed: ['auto'] }, 'the system (light here) decides at first');
  // From the keyboard: Tab reaches the switch; Enter on the dark button darkens the page.
  const dark = page.locator('[data-testid="theme"] button[data-theme-choice="dark"]');
  for (let i = 0; i < 40 && !(await dark.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await dark.evaluate((b) => b === document.activeElement), 'Tab reaches the dark button');
  await page.keyboard.press('Enter');
  assert.deepEqual(await look(), { background: DARK, pressed: ['dark'] });
  await page.screenshot({ path: `${SHOTS}/theme-dark.png` });
  await waitForKept(page, 'kubeplay.theme.v1', 'dark');
  await go('');
  assert.deepEqual(await look(), { background: DARK, pressed: ['dark'] }, 'kept across a reload');
  // A link's theme wins over the kept one, and a choice made there changes the link, not what is kept.
  await go('?theme=light&speed=10');
  assert.deepEqual(await look(), { background: LIGHT, pressed: ['light'] });
  await page.locator('[data-testid="theme"] button[data-theme-choice="auto"]').click();
  assert.equal(new URL(page.url()).search, '?theme=auto&speed=10');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await look(), { background: DARK, pressed: ['auto'] }, 'auto follows the system');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await page.waitForSelector('[data-testid="node"]');
  assert.deepEqual(await look(), { background: LIGHT, pressed: ['auto'] });
  assert.equal(await page.evaluate(keptItem, 'kubeplay.theme.v1'), 'dark', 'the kept choice is untouched');
  // Light from the switch, back to auto: nothing is kept.
  await go('');
  await page.locator('[data-testid="theme"] button[data-theme-choice="light"]').click();
  assert.deepEqual(await look(), { background: LIGHT, pressed: ['light'] });
  await page.screenshot({ path: `${SHOTS}/theme-light.png` });
  await page.locator('[data-testid="theme"] button[data-theme-choice="auto"]').click();
  for (let i = 0; i < 50 && await page.evaluate(keptItem, 'kubeplay.theme.v1') !== null; i++) await page.waitForTimeout(100);
  await go('');
  assert.deepEqual(await look(), { background: LIGHT, pressed: ['auto'] });
  // A slide's embed has no room for the switch: its ?theme= decides.
  await go('?embed&theme=dark');
  assert.equal(await page.locator('[data-testid="theme"]').isVisible(), false, 'no switch in an embed');
  assert.equal((await look()).background, DARK);
  assert.deepEqual(errors, []);
  await context.close();
});

test('badges, chips and status labels keep a contrast of 4.5:1 in the light and the dark theme', async () => {
  const labels = '.badge, .taint, .component, .pod-name, .pod-status, .pod-icon, .svc-endpoints > *, [class^="st-"], .legend, .event .reason, .event .actor, .lab-badge, .lab-step-number';
  for (const theme of ['light', 'dark']) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${env.server.url}?theme=${theme}`);
    await page.waitForSelector('[data-testid="node"]');
    // Pods that fail, a node that stops, a Service and an autoscaler: every kind of badge.
    for (const line of ['kubectl create deployment bad --image=nginx:doesnotexist', 'kubectl create deployment web --image=nginx --replicas=2',
      'kubectl expose deployment web --port=80', 'kubectl autoscale deployment web --cpu-percent=50 --max=4', 'fault fail-node node-3', 'advance 60s',
      'kubectl get pods,nodes']) {
      await runLine(page, line);
    }
    await page.locator('[data-testid="pod"][data-name^="bad-"] .pod-icon').first().waitFor();
    await page.locator('[data-testid="play-pause"]').click();
    await page.waitForTimeout(600); // the control-plane strip's fading
    const low = [];
    for (const tab of ['events', 'charts']) {
      await page.locator(`[data-testid="tab-${tab}"]`).click();
      low.push(...await page.evaluate(lowContrast, [labels, 4.5]));
    }
    await page.locator('[data-testid="mode-containers"]').click();
    await page.locator('[data-testid="lab-backend"]:not([data-kind="probing"])').waitFor();
    await page.locator('[data-testid="lab-run"]').click();
    await page.locator('[data-testid="lab-report"]').waitFor();
    low.push(...await page.evaluate(lowContrast, [labels, 4.5]));
    assert.deepEqual([...new Set(low)], [], `${theme} theme`);
    await context.close();
  }
});

test('the events list reads at 1280x720: names stay whole and nothing overlaps', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await runLine(page, 'kubectl create deployment web --image=nginx --replicas=3');
  await page.locator('[data-testid="tab-events"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event"][data-reason="Started"]').length >= 3, null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.screenshot({ path: `${SHOTS}/events.png` });
  const problems = await page.locator('[data-testid="event"]').evaluateAll((events) => events.flatMap((event) => {
    const found = [];
    const line = event.querySelector('.age').getBoundingClientRect().height;
    const object = event.querySelector('.object');
    if (object.getBoundingClientRect().height > line * 1.2) found.push(`${object.textContent} takes more than a line`);
    // Each line box of each part (a message may wrap, at its spaces).
    const parts = [...event.querySelectorAll('.age, .reason, .object, .actor, .message')].flatMap((p) => [...p.getClientRects()].map((r) => [p.className, r]));
    const right = event.getBoundingClientRect().right;
    for (const [i, [name, a]] of parts.entries()) {
      if (a.right > right + 1) found.push(`${name} of ${event.dataset.reason} sticks out`);
      for (const [other, b] of parts.slice(i + 1).filter(([n]) => n !== name)) {
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) found.push(`${name} and ${other} of ${event.dataset.reason} overlap`);
      }
    }
    return found;
  }));
  assert.deepEqual([...new Set(problems)], []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("on a projector the map shows every node's pods of a Deployment behind a Service without scrolling", async () => {
  for (const [width, height] of [[1280, 720], [1440, 900]]) {
    const context = await env.browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.waitForSelector('[data-testid="node"]');
    await page.locator('[data-testid="speed"]').selectOption('10');
    await runLine(page, 'kubectl create deployment web --image=nginx --replicas=3');
    await runLine(page, 'kubectl expose deployment web --port=80 --type=NodePort');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 3, null, { timeout: 15_000 });
    await page.waitForTimeout(500);
    const seen = await page.evaluate(() => {
      const map = document.querySelector('[data-testid="cluster-map"]').getBoundingClientRect();
      const chip = (p) => p.getBoundingClientRect();
      const name = (p) => p.querySelector('.pod-name').getBoundingClientRect();
      const mine = [...document.querySelectorAll('[data-testid="pod"][data-name^="web-"]')];
      const system = [...document.querySelectorAll('[data-testid="pod"][data-namespace="kube-system"][data-ready="true"]')];
      return {
        namesInView: mine.map((p) => name(p).bottom <= map.bottom),
        chipsInView: mine.map((p) => chip(p).bottom <= map.bottom),
        // A healthy system pod is one line: no taller than a learner's pod's name.
        systemOneLine: system.every((p) => chip(p).height < chip(mine[0]).height - 8),
      };
    });
    await page.screenshot({ path: `${SHOTS}/map-fit-${width}.png` });
    assert.deepEqual(seen.namesInView, [true, true, true], `${width}x${height}: each web pod's name is in view`);
    if (height >= 900) assert.deepEqual(seen.chipsInView, [true, true, true], `${width}x${height}: each web pod is in view`);
    assert.equal(seen.systemOneLine, true, 'healthy system pods take one line');
    await context.close();
  }
});

test('at 1280x720 a lone Service spans the map and a rolling update of four pods stays in view', async () => {
  const { page, errors, context } = await openPage();
  await page.locator('[data-testid="speed"]').selectOption('10');
  await runLine(page, 'kubectl create deployment web --image=nginx:1.25 --replicas=4');
  await runLine(page, 'kubectl expose deployment web --port=80 --type=NodePort');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 4, null, { timeout: 20_000 });
  await runLine(page, 'kubectl set image deployment/web nginx=nginx:1.26');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-revision="2"]').length >= 1, null, { timeout: 15_000 });
  await page.locator('[data-testid="play-pause"]').click();
  await page.waitForTimeout(300);
  const seen = await page.evaluate(() => {
    const map = document.querySelector('[data-testid="cluster-map"]').getBoundingClientRect();
    const row = document.querySelector('.services').getBoundingClientRect();
    const card = document.querySelector('[data-testid="service"]').getBoundingClientRect();
    const pods = [...document.querySelectorAll('[data-testid="pod"][data-name^="web-"]')];
    return { spans: card.width >= row.width - 1, pods: pods.length, outOfView: pods.filter((p) => p.getBoundingClientRect().bottom > map.bottom).map((p) => p.dataset.name) };
  });
  await page.screenshot({ path: `${SHOTS}/rolling-update-1280.png` });
  assert.equal(seen.spans, true, 'the Service card spans the map');
  assert.ok(seen.pods >= 5, `old and new pods side by side: ${seen.pods}`);
  assert.deepEqual(seen.outOfView, [], 'every pod of the rollout is in view');
  assert.deepEqual(errors, []);
  await context.close();
});

test('three Services share one row above the nodes at 1280x720', async () => {
  const { page, errors, context } = await openPage();
  for (const name of ['redis-master', 'redis-slave', 'todo-app']) {
    await runLine(page, `kubectl create deployment ${name} --image=nginx --port=80`);
    await runLine(page, `kubectl expose deployment ${name} --port=80${name === 'todo-app' ? ' --type=NodePort' : ''}`);
  }
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="service"]').length === 3);
  const tops = await page.locator('[data-testid="service"]').evaluateAll((cards) => cards.map((c) => Math.round(c.getBoundingClientRect().top)));
  await page.screenshot({ path: `${SHOTS}/services-row.png` });
  assert.equal(new Set(tops).size, 1, `one row: ${tops}`);
  assert.deepEqual(errors, []);
  await context.close();
});
