// The README is the front page: what otaship is, the two commands, the quick start and links to the
// pages in docs/. It stays short, every docs page is reachable from it, and no link points nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const README = readFileSync('README.md', 'utf8');
const PAGES = readdirSync('docs').filter((f) => f.endsWith('.md'));

test('README.md opens with the two commands: run it, test it', () => {
  const head = README.split('\n').slice(0, 15).join('\n');
  assert.match(head, /npm ci && npm start/);
  assert.match(head, /bash \.ci\/run/);
  assert.match(readFileSync('.ci/run', 'utf8'), /npm test/);
});

test('README.md stays a front page (under 250 lines) and links every page in docs/', () => {
  const lines = README.split('\n').length;
  assert.ok(lines < 250, `README.md has ${lines} lines: move detail into docs/`);
  for (const page of PAGES) assert.ok(README.includes(`](docs/${page})`), `docs/${page} is not linked from README.md`);
});

test('every relative link in README.md and docs/ names a file that exists, and every #anchor a heading there', () => {
  const slug = (heading: string) =>
    heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
  const anchorsOf = (file: string) =>
    new Set(readFileSync(file, 'utf8').split('\n').filter((l) => /^#+ /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
  for (const file of ['README.md', ...PAGES.map((p) => join('docs', p))]) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http(s), mailto, itms-services…
      const [path, anchor] = target!.split('#');
      const resolved = path ? join(dirname(file), path) : file;
      assert.ok(existsSync(resolved), `${file}: link to ${target} names no file`);
      if (anchor && resolved.endsWith('.md')) assert.ok(anchorsOf(resolved).has(anchor), `${file}: no heading for #${anchor} in ${resolved}`);
    }
  }
});
