// Real third-party IPAs (../shared/fixtures): for every one that inspect() reads, the manifest built
// from it is clean, carries the package's own facts, and cross-checks clean against the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildManifestForPackage,
  checkManifestAgainstFile,
  hashFile,
  manifestBundleVersion,
  parseManifest,
  validateManifest,
} from '../../../src/core/manifest/index.js';
import { inspect } from '../../../src/core/inspect/index.js';
import { FIXTURES_SKIP, expectedFixtures, fixturePath } from '../../helpers/fixtures.js';

test('manifests for every valid real IPA are clean and fit the file', { skip: FIXTURES_SKIP }, async () => {
  const ipas = Object.entries(expectedFixtures()).filter(([, e]) => e.kind === 'ipa' && e.valid);
  assert.ok(ipas.length > 0, 'expected.json lists valid IPAs');
  for (const [name, expected] of ipas) {
    const path = fixturePath(name);
    const info = await inspect(path);
    assert.equal(info.kind, 'ipa', name);
    if (info.kind !== 'ipa') continue;
    const hashes = await hashFile(path, { sha256: true, chunkSize: 64 * 1024 });
    const xml = buildManifestForPackage(info, { softwarePackage: `https://dl.example.com/${encodeURIComponent(name)}` }, { hashes });
    assert.deepEqual(validateManifest(xml), [], name);
    const meta = parseManifest(xml).items[0]!.metadata;
    assert.equal(meta['bundle-identifier'], expected.bundleId, name);
    assert.equal(meta['bundle-version'], manifestBundleVersion({ version: expected.version ?? null, build: expected.build ?? '' }), name);
    assert.equal(meta.title, expected.name, name);
    assert.deepEqual(await checkManifestAgainstFile(parseManifest(xml), info, path), [], name);
  }
});
