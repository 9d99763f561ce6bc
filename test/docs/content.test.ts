// User documentation describes the product as it is: no development log. Pages carry no issue
// references, no "this session", no Node 20 leftovers (otaship needs Node 22 or later), and dated
// measurements only on the benchmark pages, where a figure is only meaningful with its date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function pages(dir = 'docs'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const full = join(dir, e.name);
    return e.isDirectory() ? pages(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const DEVELOPMENT_LOG: [RegExp, string][] = [
  [/\bissues? #?\d+/i, 'an issue reference'],
  [/(?:^|[\s(])#\d+\b/m, 'an issue or pull request number'],
  [/\bthis session\b/i, '"this session"'],
  [/\bNode(?:\.js)? 20\b/, 'Node 20 (otaship needs Node 22 or later)'],
];
const DATED_RUN = new RegExp(`\\b\\d{1,2} ${MONTH} \\d{4}\\b|\\b${MONTH} \\d{1,2},? \\d{4}\\b`);

test('user documentation holds no development log: no issue numbers, no "this session", no Node 20', () => {
  for (const file of ['README.md', ...pages()]) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of DEVELOPMENT_LOG) {
      const hit = pattern.exec(text);
      assert.equal(hit, null, `${file} holds ${what}: "${hit?.[0].trim()}"`);
    }
  }
});

test('dated runs appear only on the benchmark pages', () => {
  for (const file of ['README.md', ...pages()].filter((f) => !/internals[/\\]bench-/.test(f))) {
    const hit = DATED_RUN.exec(readFileSync(file, 'utf8'));
    assert.equal(hit, null, `${file} dates a run ("${hit?.[0]}"): figures with dates belong on docs/internals/bench-*.md`);
  }
});
