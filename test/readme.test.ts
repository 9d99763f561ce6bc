// The README is the front page: what otaship is, the two commands, the quick start and links to the
// documentation site in docs/. It stays short and no link points nowhere. That every docs page is
// reachable from the site's sidebar or nav is test/docs/site.test.ts's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { slugify } from '../docs/.vitepress/config.mjs';

const README = readFileSync('README.md', 'utf8');

/** Every Markdown page under docs/ (the site's .vitepress folder is configuration, not pages). */
function pages(dir = 'docs'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const full = join(dir, e.name);
    return e.isDirectory() ? pages(full) : e.name.endsWith('.md') ? [full] : [];
  });
}

test('README.md opens with the two commands: run it, test it', () => {
  const head = README.split('\n').slice(0, 15).join('\n');
  assert.match(head, /npm ci && npm start/);
  assert.match(head, /bash \.ci\/run/);
  assert.match(readFileSync('.ci/run', 'utf8'), /npm test/);
});

test('README.md stays a front page (under 250 lines) and leads to the documentation', () => {
  const lines = README.split('\n').length;
  assert.ok(lines < 250, `README.md has ${lines} lines: move detail into docs/`);
  for (const page of ['docs/index.md', 'docs/getting-started.md', 'docs/testers.md', 'docs/ci.md', 'docs/reference/cli.md', 'docs/reference/api.md']) {
    assert.ok(README.includes(`](${page})`), `${page} is not linked from README.md`);
  }
});

test('every relative link in README.md and docs/ names a file that exists, and every #anchor a heading there', () => {
  // Headings get GitHub's ids on the site too (config.mts), so one rule checks both places.
  const anchorsOf = (file: string) =>
    new Set(
      readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .split('\n')
        .filter((l) => /^#+ /.test(l))
        .map((l) => slugify(l.replace(/^#+ /, '').replace(/`/g, ''))),
    );
  for (const file of ['README.md', ...pages()]) {
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
