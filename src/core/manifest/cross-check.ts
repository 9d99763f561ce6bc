// Does a manifest fit the package it points at? Identifier (an error: iOS 9+ fails after the
// download), version, and every hash the manifest carries against the file's own hashes.
// Only the first item and its first software-package asset are compared: a manifest installs one app.
import type { IpaInfo } from '../types.js';
import { hashFile } from '../hash/hash-file.js';
import type { FileHashes, HashOptions } from '../hash/hash-stream.js';
import type { ChunkHashes } from '../hash/chunked-hasher.js';
import { problem } from './problems.js';
import type { Manifest, ManifestAsset, ManifestProblem } from './types.js';

export type CrossCheckPackage = Pick<IpaInfo, 'bundleId' | 'version' | 'build'>;

function packageAsset(manifest: Manifest): { asset: ManifestAsset; path: string } | null {
  const item = manifest.items[0];
  if (!item) return null;
  const i = item.assets.findIndex((a) => a.kind === 'software-package');
  const asset = item.assets[i];
  return asset ? { asset, path: `items[0].assets[${i}]` } : null;
}

function validSize(n: number | undefined): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n > 0;
}

/** Which hashes of the .ipa must be computed to check this manifest; null when it carries none. */
export function hashOptionsForManifest(manifest: Manifest): HashOptions | null {
  const found = packageAsset(manifest);
  if (!found) return null;
  const a = found.asset;
  const sha256Chunk = a.sha256s && validSize(a['sha256-size']) ? a['sha256-size'] : undefined;
  const md5Chunk = a.md5s && validSize(a['md5-size']) ? a['md5-size'] : undefined;
  if (a.sha256 === undefined && sha256Chunk === undefined && a.md5 === undefined && md5Chunk === undefined) return null;
  // Only the digests the manifest carries: each extra one is another full pass of hashing work.
  const options: HashOptions = { sha256: a.sha256 !== undefined, md5: a.md5 !== undefined };
  if (sha256Chunk !== undefined) options.sha256ChunkSize = sha256Chunk;
  if (md5Chunk !== undefined) options.md5ChunkSize = md5Chunk;
  return options;
}

function short(h: string): string {
  return h.length > 16 ? `${h.slice(0, 16)}…` : h;
}

function checkChunks(
  algo: 'sha256' | 'md5',
  listed: string[],
  size: number,
  actual: ChunkHashes | undefined,
  path: string,
  out: ManifestProblem[],
): void {
  const key = `${algo}s`;
  if (!actual || actual.size !== size) {
    out.push(problem('HASH_NOT_CHECKED', `${key} (${size}-byte chunks) was not compared: no chunk hashes of the file at that size were given`, `${path}.${key}`));
    return;
  }
  if (listed.length !== actual.hashes.length) {
    out.push(
      problem(
        'CHUNK_COUNT_MISMATCH',
        `${key} lists ${listed.length} chunk${listed.length === 1 ? '' : 's'}, but the file has ${actual.hashes.length} chunks of ${size} bytes: the manifest was made for another file`,
        `${path}.${key}`,
      ),
    );
    return;
  }
  const differing = listed.map((h, i) => (h.toLowerCase() === actual.hashes[i] ? -1 : i)).filter((i) => i !== -1);
  const first = differing[0];
  if (first !== undefined) {
    const start = first * size;
    out.push(
      problem(
        'CHUNK_HASH_MISMATCH',
        `${key}[${first}] does not match bytes ${start}–${start + size - 1} of the file` +
          (differing.length > 1 ? ` (${differing.length} chunks differ)` : '') +
          ': the device will refuse the download',
        `${path}.${key}[${first}]`,
      ),
    );
  }
}

/**
 * Problems between a manifest and the package: pass `hashes` (from hashFile with
 * hashOptionsForManifest(manifest)) to compare the manifest's hashes with the file.
 */
export function checkManifestAgainstPackage(manifest: Manifest, pkg: CrossCheckPackage, hashes?: FileHashes): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  const item = manifest.items[0];
  if (!item) return out;
  const meta = item.metadata;
  const id = meta['bundle-identifier'];
  if (id !== pkg.bundleId) {
    const caseOnly = id.toLowerCase() === pkg.bundleId.toLowerCase() ? ' (they differ in letter case only)' : '';
    out.push(
      problem(
        'BUNDLE_ID_MISMATCH',
        `bundle-identifier "${id}" is not the package's CFBundleIdentifier "${pkg.bundleId}"${caseOnly}: iOS 9 and later fail the install after the download`,
        'items[0].metadata.bundle-identifier',
      ),
    );
  }
  const version = meta['bundle-version'];
  if (version !== undefined && version !== pkg.version && version !== pkg.build) {
    out.push(
      problem(
        'VERSION_MISMATCH',
        `bundle-version "${version}" is neither the package's CFBundleShortVersionString ` +
          `${pkg.version === null ? '(none)' : `"${pkg.version}"`} nor its CFBundleVersion "${pkg.build}"`,
        'items[0].metadata.bundle-version',
      ),
    );
  }
  const found = packageAsset(manifest);
  if (!found) return out;
  const { asset, path } = found;
  for (const algo of ['sha256', 'md5'] as const) {
    const whole = asset[algo];
    if (whole !== undefined) {
      const actual = hashes?.[algo];
      if (actual === undefined) {
        out.push(problem('HASH_NOT_CHECKED', `${algo} was not compared: no ${algo} of the file was given`, `${path}.${algo}`));
      } else if (whole.toLowerCase() !== actual) {
        out.push(
          problem(
            'HASH_MISMATCH',
            `${algo} ${short(whole)} is not the file's ${algo} ${short(actual)}: the device will refuse the download`,
            `${path}.${algo}`,
          ),
        );
      }
    }
    const list = asset[`${algo}s`];
    const size = asset[`${algo}-size`];
    if (list && validSize(size)) checkChunks(algo, list, size, hashes?.[`${algo}Chunks`], path, out);
  }
  return out;
}

/** Cross-check against a package file on disk, hashing it (streaming) only as far as the manifest needs. */
export async function checkManifestAgainstFile(manifest: Manifest, pkg: CrossCheckPackage, path: string): Promise<ManifestProblem[]> {
  const options = hashOptionsForManifest(manifest);
  const hashes = options ? await hashFile(path, options) : undefined;
  return checkManifestAgainstPackage(manifest, pkg, hashes);
}
