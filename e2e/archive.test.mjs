// The release archive (scripts/release) served by a plain static server from a sub-folder,
// as a trainer would host it: the page, its wasm and the course load with relative paths.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.yaml': 'text/yaml', '.yml': 'text/yaml', '.md': 'text/markdown' };
let dir;
let server;
let browser;

before(async () => {
  const archives = readdirSync('target/dist-archive').filter((f) => f.endsWith('.tar.gz')).map((f) => join('target/dist-archive', f));
  assert.ok(archives.length > 0, 'scripts/release --no-build made an archive');
  archives.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  dir = mkdtempSync(join(tmpdir(), 'kubeplay-archive-'));
  execFileSync('tar', ['-xzf', archives[0], '-C', dir]);
  // A static host that knows nothing about kubeplay, serving it under /course/.
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith('/course/')) { res.writeHead(404).end(); return; }
    let file = normalize(join(dir, 'kubeplay', path.slice('/course/'.length)));
    if (!file.startsWith(join(dir, 'kubeplay'))) { res.writeHead(400).end(); return; }
    try { if (statSync(file).isDirectory()) file = join(file, 'index.html'); } catch { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch(launchOptions());
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the release archive runs from a sub-folder of any static server', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/course/?lesson=control-plane`);
  await page.waitForSelector('[data-testid="node"]');
  assert.equal(await page.locator('[data-testid="step-title"]').innerText(), 'The nodes');
  assert.match(readFileSync(join(dir, 'kubeplay', 'HOSTING.md'), 'utf8'), /python3 -m http\.server/);
  assert.deepEqual(errors, []);
  await context.close();
});
