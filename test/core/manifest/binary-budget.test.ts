import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateManifest } from '../../../src/core/manifest/index.js';
import { referenceBomb } from '../../helpers/bombs.js';

test('a binary manifest of shared references is refused as too large, not expanded (manifest --check)', () => {
  // ~200 bytes that expand as 2^60 strings when every shared reference is copied.
  const bomb = referenceBomb(60, 'items');
  assert.ok(bomb.length < 400);
  const codes = validateManifest(bomb).map((p) => p.code);
  assert.ok(codes.includes('BINARY_PLIST'), codes.join(','));
  assert.ok(codes.includes('TOO_LARGE'), `the budget refusal is reported: ${codes.join(',')}`);
});
