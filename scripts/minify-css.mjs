// Writes target/style.min.css, the stylesheet the page links: static/style.css without its
// comments and with its whitespace cut to what CSS needs. Trunk runs it before every build
// (Trunk.toml). Nothing else changes: strings are copied as they are, a space stays between
// any two tokens it separated (combinators, calc() operators, values), and a comment that
// alone separated two tokens stays as an empty one.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Characters around which whitespace is never needed. */
const TIGHT = '{};,';

/** `css` without comments and needless whitespace. */
export function minifyCss(css) {
  let out = '';
  let space = false; // whitespace skipped since the last character written
  let comment = false; // a comment skipped since the last character written
  for (let i = 0; i < css.length; ) {
    const c = css[i];
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? css.length : end + 2;
      comment = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      space = true;
      i++;
      continue;
    }
    const last = out[out.length - 1];
    if (out && !TIGHT.includes(last) && !TIGHT.includes(c)) {
      if (space) out += ' ';
      else if (comment) out += '/**/';
    }
    space = comment = false;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < css.length && css[j] !== c && css[j] !== '\n') j += css[j] === '\\' ? 2 : 1;
      out += css.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '}' && last === ';') out = out.slice(0, -1);
    out += c;
    i++;
  }
  return out;
}

/** The repository's folder. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(join(ROOT, 'target'), { recursive: true });
  writeFileSync(join(ROOT, 'target', 'style.min.css'), minifyCss(readFileSync(join(ROOT, 'static', 'style.css'), 'utf8')));
}
