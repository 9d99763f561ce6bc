import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error -- plain ESM script without type declarations
import { assembleReadme } from '../scripts/build-readme.mjs';

test('README.md is assembled from docs/readme (run node scripts/build-readme.mjs)', () => {
  const fresh = readFileSync('README.md', 'utf8') === (assembleReadme as () => string)();
  assert.ok(fresh, 'README.md is stale: run `node scripts/build-readme.mjs` and commit it');
});

test('README.md opens with the two commands: run it, test it', () => {
  const head = readFileSync('README.md', 'utf8').split('\n').slice(0, 15).join('\n');
  assert.match(head, /npm ci && npm start/);
  assert.match(head, /bash \.ci\/run/);
  assert.match(readFileSync('.ci/run', 'utf8'), /npm test/);
});
