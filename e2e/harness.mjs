// What every e2e file needs: `kubeplay serve` on a free loopback port and Chromium,
// started before the file's tests and stopped (by PID) after them.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';
import { startServer } from './server.mjs';

export const SHOTS = 'e2e/screenshots';

/** Registers the before/after hooks; the returned object holds `server` and `browser`. */
export function useServerAndBrowser() {
  const env = {};
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env.server = await startServer(process.env.KUBEPLAY_DIST || 'dist');
    env.browser = await chromium.launch(launchOptions());
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
