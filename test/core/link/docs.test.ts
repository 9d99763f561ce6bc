import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LINK_PROBLEMS } from '../../../src/core/link/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/link.md', import.meta.url)), 'utf8');

test('every link problem code is documented in docs/link.md with its severity', () => {
  for (const [code, spec] of Object.entries(LINK_PROBLEMS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} has a row in the problem table`);
    assert.equal(row.split('|')[2]?.trim(), spec.severity, `${code} severity`);
  }
});

test('the documentation lists no code that does not exist', () => {
  const documented = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.filter((c) => c !== undefined && !(c in LINK_PROBLEMS)), []);
});
