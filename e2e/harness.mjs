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
