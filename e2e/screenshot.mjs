// Takes a screenshot of a running playground: node e2e/screenshot.mjs URL OUT.png [width height]
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';

const [url, out, w = '1280', h = '720'] = process.argv.slice(2);
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
  page.on('console', (m) => { if (m.type() === 'error') console.error('console error:', m.text()); });
  await page.goto(url);
  await page.waitForSelector('[data-testid="node"]');
  await page.waitForTimeout(Number(process.env.WAIT_MS || 500));
  await page.screenshot({ path: out });
} finally {
  await browser.close();
}
