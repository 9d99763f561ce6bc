import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MANIFEST_PROBLEMS,
  buildManifest,
  buildManifestForPackage,
  checkManifestAgainstFile,
  checkManifestAgainstPackage,
  hashFile,
  hashOptionsForManifest,
  parseManifest,
  type Manifest,
  type ManifestHashes,
  type ManifestPackageFacts,
} from '../../../src/core/manifest/index.js';
import { inspect } from '../../../src/core/inspect/index.js';
import { buildIpa } from '../../helpers/synthetic-ipa.js';
import { CROSS_CHECK_CODES } from './codes.js';

const PKG: ManifestPackageFacts = { bundleId: 'com.example.app', version: '1.2.3', build: '45', name: 'Example' };

function manifest(hashes?: ManifestHashes, pkg = PKG): Manifest {
  return parseManifest(buildManifest({ package: pkg, urls: { softwarePackage: 'https://dl.example.com/a.ipa' }, ...(hashes ? { hashes } : {}) }));
}

const seen = new Set<string>();
function codes(problems: { code: string }[]): string[] {
  for (const p of problems) seen.add(p.code);
  return problems.map((p) => p.code).sort();
}

async function withFile<T>(bytes: Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'otaship-xcheck-'));
  try {
    const file = join(dir, 'a.ipa');
    writeFileSync(file, bytes);
    return await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('checkManifestAgainstPackage: identity and version', () => {
  test('a manifest built from the package fits it', () => {
    assert.deepEqual(checkManifestAgainstPackage(manifest(), PKG), []);
  });

  test('another bundle identifier is an error; a case-only difference is named as such', () => {
    const other = checkManifestAgainstPackage(manifest(), { ...PKG, bundleId: 'com.example.other' });
    assert.deepEqual(codes(other), ['BUNDLE_ID_MISMATCH']);
    assert.equal(other[0]?.severity, 'error');
    assert.match(other[0]?.message ?? '', /"com\.example\.app" is not the package's CFBundleIdentifier "com\.example\.other"/);
    const cased = checkManifestAgainstPackage(manifest(), { ...PKG, bundleId: 'com.Example.app' });
    assert.match(cased[0]?.message ?? '', /letter case only/);
  });

  test('bundle-version may be CFBundleShortVersionString or CFBundleVersion; anything else is a warning', () => {
    const m = manifest(undefined, { ...PKG, version: null });
    assert.equal(m.items[0]?.metadata['bundle-version'], '45');
    assert.deepEqual(checkManifestAgainstPackage(m, PKG), []);
    const stale = checkManifestAgainstPackage(manifest(), { ...PKG, version: '1.2.4', build: '46' });
    assert.deepEqual(codes(stale), ['VERSION_MISMATCH']);
    assert.equal(stale[0]?.severity, 'warning');
  });
});

describe('checkManifestAgainstPackage: hashes against the file', () => {
  test('matching whole and chunk hashes give no problem; only the needed hashes are computed', async () => {
    const data = randomBytes(10_000);
    await withFile(data, async (file) => {
      const h = await hashFile(file, { sha256: true, md5: true, chunkSize: 4096 });
      const m = manifest(h);
      assert.deepEqual(hashOptionsForManifest(m), { sha256: true, md5: true, sha256ChunkSize: 4096, md5ChunkSize: 4096 });
      assert.deepEqual(await checkManifestAgainstFile(m, PKG, file), []);
      assert.equal(hashOptionsForManifest(manifest()), null);
      // Chunk hashes only: no whole-file pass is asked for.
      const chunksOnly = manifest({ sha256Chunks: h.sha256Chunks! });
      assert.deepEqual(hashOptionsForManifest(chunksOnly), { sha256: false, md5: false, sha256ChunkSize: 4096 });
      assert.deepEqual(await checkManifestAgainstFile(chunksOnly, PKG, file), []);
    });
  });

  test('one changed byte is named by chunk and by whole hash', async () => {
    const data = randomBytes(10_000);
    await withFile(data, async (file) => {
      const m = manifest(await hashFile(file, { sha256: true, chunkSize: 4096 }));
      data[5000] = (data[5000] ?? 0) ^ 0xff; // inside chunk 1 (bytes 4096–8191)
      writeFileSync(file, data);
      const problems = await checkManifestAgainstFile(m, PKG, file);
      assert.deepEqual(codes(problems), ['CHUNK_HASH_MISMATCH', 'HASH_MISMATCH']);
      const chunk = problems.find((p) => p.code === 'CHUNK_HASH_MISMATCH');
      assert.equal(chunk?.path, 'items[0].assets[0].sha256s[1]');
      assert.match(chunk?.message ?? '', /bytes 4096–8191/);
    });
  });

  test('a longer file has a different chunk count', async () => {
    const data = randomBytes(8192);
    await withFile(data, async (file) => {
      const m = manifest(await hashFile(file, { sha256: false, md5: true, chunkSize: 4096 }));
      appendFileSync(file, Buffer.from('more'));
      const problems = await checkManifestAgainstFile(m, PKG, file);
      assert.deepEqual(codes(problems), ['CHUNK_COUNT_MISMATCH', 'HASH_MISMATCH']);
      assert.match(problems.find((p) => p.code === 'CHUNK_COUNT_MISMATCH')?.message ?? '', /lists 2 chunks, but the file has 3/);
    });
  });

  test('hashes in the manifest that were not compared are reported, not silently passed', () => {
    const m = manifest({ sha256: 'a'.repeat(64), md5Chunks: { size: 4096, hashes: ['b'.repeat(32)] } });
    const problems = checkManifestAgainstPackage(m, PKG);
    assert.deepEqual(codes(problems), ['HASH_NOT_CHECKED', 'HASH_NOT_CHECKED']);
    // Chunk hashes at another size cannot be compared either.
    const other = checkManifestAgainstPackage(m, PKG, { size: 1, sha256: 'a'.repeat(64), md5Chunks: { size: 1024, hashes: [] } });
    assert.deepEqual(codes(other), ['HASH_NOT_CHECKED']);
  });

  test('every cross-check code was produced by a test above and has a severity', () => {
    for (const code of CROSS_CHECK_CODES) {
      assert.ok(code in MANIFEST_PROBLEMS, code);
      assert.ok(seen.has(code), `${code} never produced`);
    }
  });
});

describe('end to end with a synthetic IPA and inspect()', () => {
  test('a manifest built from inspect() and hashFile() checks clean against the IPA', async () => {
    const ipa = await buildIpa({ bundleId: 'com.example.e2e', displayName: 'R&D <Beta> 🚀', version: '3.1', build: '310' });
    const info = await inspect(ipa);
    assert.equal(info.kind, 'ipa');
    if (info.kind !== 'ipa') return;
    const hashes = await hashFile(ipa, { sha256: true, chunkSize: 1024 });
    const m = parseManifest(buildManifestForPackage(info, { softwarePackage: 'https://dl.example.com/e2e.ipa' }, { hashes }));
    assert.equal(m.items[0]?.metadata.title, 'R&D <Beta> 🚀');
    assert.equal(m.items[0]?.metadata['bundle-identifier'], 'com.example.e2e');
    assert.equal(m.items[0]?.metadata['bundle-version'], '3.1');
    assert.deepEqual(await checkManifestAgainstFile(m, info, ipa), []);
  });
});
