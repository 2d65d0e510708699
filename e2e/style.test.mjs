// The stylesheet the page links is static/style.css made smaller (scripts/minify-css.mjs):
// Chromium must read the same rules from both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';
import { ROOT, minifyCss } from '../scripts/minify-css.mjs';

/** Every rule Chromium reads from `css`, as it writes them back (nested rules indented). */
async function rules(page, css) {
  await page.setContent('<style></style>');
  return page.evaluate((text) => {
    const sheet = document.querySelector('style');
    sheet.textContent = text;
    const out = [];
    const walk = (list, depth) => {
      for (const r of list) {
        if (r.cssRules) {
          out.push(`${'  '.repeat(depth)}${r.conditionText ?? r.name ?? r.selectorText} {`);
          walk(r.cssRules, depth + 1);
        } else {
          out.push('  '.repeat(depth) + r.cssText);
        }
      }
    };
    walk(sheet.sheet.cssRules, 0);
    return out;
  }, css);
}

test('the minified stylesheet holds the same rules as static/style.css, in at least a fifth fewer bytes', async () => {
  const source = readFileSync(join(ROOT, 'static', 'style.css'), 'utf8');
  const small = minifyCss(source);
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    const expected = await rules(page, source);
    assert.ok(expected.length > 500, `the stylesheet has its rules: ${expected.length}`);
    assert.deepEqual(await rules(page, small), expected);
  } finally {
    await browser.close();
  }
  assert.ok(small.length < source.length * 0.8, `${small.length} of ${source.length} bytes`);
});

test('comments and whitespace go, strings and needed separators stay', () => {
  assert.equal(minifyCss('/* a */ .a  >  .b ,\n .c:hover { content: "x  /* y */  z" ; margin: calc(1px + 2px) 0 ; }'), '.a > .b,.c:hover{content: "x  /* y */  z";margin: calc(1px + 2px) 0}');
  assert.equal(minifyCss('.a/**/.b{}.c/* d */ .e{}'), '.a/**/.b{}.c .e{}');
  assert.equal(minifyCss("@media (max-width: 800px) { .a { b: 'c;}' } }"), "@media (max-width: 800px){.a{b: 'c;}'}}");
});
