// What every e2e file needs: `kubeplay serve` on a free loopback port and Chromium,
// started before the file's tests and stopped (by PID) after them.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';
import { startServer } from './server.mjs';

export const SHOTS = 'e2e/screenshots';

/** Registers the before/after hooks; the returned object holds `server` and `browser`
 * (launched with `options`, see launchOptions). */
export function useServerAndBrowser(options) {
  const env = {};
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env.server = await startServer(process.env.KUBEPLAY_DIST || 'dist');
    env.browser = await chromium.launch(launchOptions(options));
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

/** A 1280x720 page of the served playground, recording every console error and uncaught
 * exception, opened once the map shows its nodes. */
export async function openPage(env) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(env.server.url);
  await page.waitForSelector('[data-testid="node"]');
  return { page, errors, context };
}

/** In the page: what kubeplay keeps under `key` in its IndexedDB store (`kubeplay`/`kept`),
 * or null. Never creates the database (an open that would create it is aborted). */
export async function keptItem(key) {
  const db = await new Promise((resolve) => {
    const request = indexedDB.open('kubeplay');
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  if (!db) return null;
  try {
    if (!db.objectStoreNames.contains('kept')) return null;
    const get = db.transaction('kept').objectStore('kept').get(key);
    return await new Promise((resolve) => {
      get.onsuccess = () => resolve(get.result ?? null);
      get.onerror = () => resolve(null);
    });
  } finally {
    db.close();
  }
}

/** In the page: writes `items` (key to value) into kubeplay's IndexedDB store as something
 * other than the page would (damaged or foreign records), for the page to read at its next load. */
export async function putKeptItems(items) {
  const db = await new Promise((resolve) => { const q = indexedDB.open('kubeplay'); q.onsuccess = () => resolve(q.result); });
  await new Promise((resolve) => {
    const tx = db.transaction('kept', 'readwrite');
    for (const [k, v] of Object.entries(items)) tx.objectStore('kept').put(v, k);
    tx.oncomplete = resolve;
  });
  db.close();
}

/** Waits until the page keeps under `key` a value that contains `part`; returns the value. */
export async function waitForKept(page, key, part, timeout = 5_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(keptItem, key);
    if ((value ?? '').includes(part)) return value;
    if (Date.now() > end) throw new Error(`nothing with ${JSON.stringify(part)} kept under ${key} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
