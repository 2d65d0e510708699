// Screenshots of the playground at the sizes trainers use (a 1280x720 projector, a 960x540
// slide, full page and ?embed, a 1440x900 laptop, ?present), light and dark, with a lesson
// open, a Deployment applied, the inspector, the charts, the editor and the events, and the
// single views a slide embeds; scroll bars show as in a desktop browser. Prints, for each
// screenshot, the boxes that scroll and anything outside the window, to look at with it.
// node e2e/tour.mjs OUTDIR   (KUBEPLAY_BIN and KUBEPLAY_DIST as for the tests)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { launchOptions } from './browser.mjs';
import { startServer } from './server.mjs';

const out = process.argv[2] || 'e2e/screenshots/tour';
mkdirSync(out, { recursive: true });

/** In the page: boxes that scroll (scrollHeight over clientHeight, or sideways) and text
 * boxes outside the window, each named by its test id and classes. */
function problems() {
  const name = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    if ((s.overflowY === 'auto' || s.overflowY === 'scroll' || s.overflowX === 'auto' || s.overflowX === 'scroll') && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)) {
      found.push(`scrolls ${name(el)} ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
    }
    const r = el.getBoundingClientRect();
    // Outside the window and in no box that clips or scrolls (those are listed above).
    const clipped = () => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) { const st = getComputedStyle(a); if (st.overflowX !== 'visible' || st.overflowY !== 'visible') return true; } return false; };
    if (r.width && r.height && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1) && el.children.length === 0 && !clipped()) {
      found.push(`outside the window ${name(el)} ${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
  }
  return found;
}

const server = await startServer(process.env.KUBEPLAY_DIST || 'dist');
const browser = await chromium.launch(launchOptions({ scrollbars: true }));
try {
  const sizes = [[1280, 720, ''], [960, 540, ''], [960, 540, 'embed&'], [1440, 900, ''], [1280, 720, 'present&']];
  for (const [w, h, mode] of sizes) {
    for (const theme of ['light', 'dark']) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.log('pageerror', String(e)));
      const tag = `${w}x${h}-${mode.replace(/\W/g, '') || 'full'}-${theme}`;
      const shot = async (what) => {
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${out}/${tag}-${what}.png` });
        const p = await page.evaluate(problems);
        console.log(`${tag}-${what}:`, p.length ? '\n  ' + p.join('\n  ') : 'nothing');
      };
      await page.goto(`${server.url}?${mode}theme=${theme}&speed=10&autoplay&lesson=first-deployment`);
      await page.waitForSelector('[data-testid="node"]');
      await page.locator('[data-testid="check"]').first().waitFor();
      await shot('lesson');
      const input = page.locator('[data-testid="console-input"]');
      await input.fill('kubectl create deployment web --image=nginx --replicas=3 --port=80');
      await input.press('Enter');
      await input.fill('kubectl expose deployment web --port=80');
      await input.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="pod"][data-name^="web-"][data-ready="true"]').length === 3, null, { timeout: 20_000 });
      await input.fill('help');
      await input.press('Enter');
      await shot('deployment');
      await page.locator('[data-testid="pod"][data-name^="web-"]').first().click();
      await page.waitForTimeout(300);
      await shot('inspector');
      await page.keyboard.press('Escape');
      if (mode !== 'embed&') {
        await page.locator('[data-testid="tab-charts"]').click();
        await shot('charts');
        await page.locator('[data-testid="tab-editor"]').click();
        await shot('editor');
        await page.locator('[data-testid="tab-events"]').click();
        await shot('events');
      }
      await ctx.close();
    }
  }
  // The single views a slide embeds, at 960x540.
  for (const view of ['map', 'console', 'lesson&lesson=first-deployment', 'editor', 'charts']) {
    const ctx = await browser.newContext({ viewport: { width: 960, height: 540 } });
    const page = await ctx.newPage();
    await page.goto(`${server.url}?embed&view=${view}`);
    await page.waitForTimeout(1500);
    const tag = `960x540-view-${view.replace(/&.*/, '')}`;
    await page.screenshot({ path: `${out}/${tag}.png` });
    const p = await page.evaluate(problems);
    console.log(`${tag}:`, p.length ? '\n  ' + p.join('\n  ') : 'nothing');
    await ctx.close();
  }
} finally {
  await browser.close();
  server.stop();
}
