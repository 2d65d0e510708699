// What the tests of the page's layout share: whether an element shows whole, and whether the
// console shows what a command printed last.
import assert from 'node:assert/strict';

/** In the page: for each named selector, "whole" when its first element shows entire (inside
 * the window and inside every box around it that clips, beside its scroll bars), else where it is cut. */
export function howShown(selectors) {
  const shown = (el) => {
    if (!el) return 'missing';
    const r = el.getBoundingClientRect();
    if (r.height === 0 || r.width === 0) return 'not shown';
    let box = { top: 0, left: 0, bottom: innerHeight, right: innerWidth };
    for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      // What shows of a box that clips is inside its borders and beside its scroll bars.
      const ar = a.getBoundingClientRect();
      const inner = { top: ar.top + a.clientTop, left: ar.left + a.clientLeft };
      inner.bottom = inner.top + a.clientHeight;
      inner.right = inner.left + a.clientWidth;
      box = { top: Math.max(box.top, inner.top), left: Math.max(box.left, inner.left), bottom: Math.min(box.bottom, inner.bottom), right: Math.min(box.right, inner.right) };
    }
    const whole = r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 && r.right <= box.right + 1;
    return whole ? 'whole' : `cut: ${Math.round(r.top)}-${Math.round(r.bottom)} px shown in ${Math.round(box.top)}-${Math.round(box.bottom)}`;
  };
  return Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, shown(document.querySelector(selector))]));
}

// The console, however short a layout makes it, still shows what a command printed last,
// under the line typed.
export async function assertLastOutputShown(page) {
  await page.locator('[data-testid="console-input"]').fill('kubectl get nodes');
  await page.locator('[data-testid="console-input"]').press('Enter');
  await page.locator('[data-testid="console-output"] >> text=node-3').waitFor();
  assert.deepEqual(await page.evaluate(howShown, { 'last line': '[data-testid="console-output"] > div:last-child', 'console input': '[data-testid="console-input"]' }), { 'last line': 'whole', 'console input': 'whole' });
}
