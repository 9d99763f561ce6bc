// Build the OTA manifest from package facts and asset URLs. Identifier and version come from the
// package (an IpaInfo), never from user input: a bundle-identifier that differs from the IPA's
// CFBundleIdentifier makes iOS 9+ fail the install after the whole download.
import { OtashipError } from '../errors.js';
import type { IpaInfo } from '../types.js';
import type { FileHashes } from '../hash/hash-stream.js';
import { PLATFORM_IPHONEOS, type Manifest, type ManifestAsset, type ManifestMetadata } from './types.js';
import { normaliseHttpsUrl } from './urls.js';
import { findXmlIllegal, stripXmlIllegal } from './xml-chars.js';
import { writeXmlPlist, type PlistWritable } from './xml-plist-writer.js';

/** The package facts a manifest needs: exactly what inspect() reports for an IPA. */
export type ManifestPackageFacts = Pick<IpaInfo, 'bundleId' | 'version' | 'build' | 'name'>;

export interface ManifestUrls {
  /** The .ipa: absolute https URL (required). */
  softwarePackage: string;
  /** 57×57 PNG shown on the home screen while installing. */
  displayImage?: string;
  /** 512×512 PNG. */
  fullSizeImage?: string;
}

/** Hashes of the .ipa to write into the software-package asset (as returned by hashFile()). */
export type ManifestHashes = Pick<FileHashes, 'sha256' | 'md5' | 'sha256Chunks' | 'md5Chunks'>;

export interface ManifestInput {
  package: ManifestPackageFacts;
  urls: ManifestUrls;
  /** Apple: "the name of the app or package developer". */
  subtitle?: string;
  hashes?: ManifestHashes;
}

/**
 * bundle-version: CFBundleShortVersionString when the package has one, else CFBundleVersion. Xcode's
 * "Include manifest for over-the-air installation" writes CFBundleShortVersionString.
 */
export function manifestBundleVersion(pkg: Pick<IpaInfo, 'version' | 'build'>): string {
  return pkg.version !== null && pkg.version !== '' ? pkg.version : pkg.build;
}

/** Identifier and version must be written exactly or not at all: refuse what XML cannot carry. */
function exact(field: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new OtashipError('MANIFEST_INPUT', `the package's ${field} is empty`);
  const bad = findXmlIllegal(value);
  if (bad) {
    throw new OtashipError('MANIFEST_INPUT', `the package's ${field} holds ${bad.codePoint} at index ${bad.index}, which XML cannot carry`);
  }
  return value;
}

/** Display text: characters XML cannot carry are dropped (a stray control character in an app name must not block installs). */
function display(field: string, value: string): string {
  const clean = stripXmlIllegal(value);
  if (clean.trim() === '') throw new OtashipError('MANIFEST_INPUT', `the ${field} is empty`);
  return clean;
}

function hex(field: string, value: string, digits: number): string {
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(value)) {
    throw new OtashipError('MANIFEST_INPUT', `the ${field} hash "${value.slice(0, 80)}" is not ${digits} hex digits`);
  }
  return value.toLowerCase();
}

function chunkSize(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new OtashipError('MANIFEST_INPUT', `${field} ${value} is not a positive number of bytes`);
  return value;
}

function packageAsset(url: string, hashes: ManifestHashes | undefined): ManifestAsset {
  const asset: ManifestAsset = { kind: 'software-package', url };
  if (!hashes) return asset;
  if (hashes.md5Chunks && hashes.md5Chunks.hashes.length > 0) {
    asset['md5-size'] = chunkSize('md5-size', hashes.md5Chunks.size);
    asset.md5s = hashes.md5Chunks.hashes.map((h, i) => hex(`md5s[${i}]`, h, 32));
  }
  if (hashes.md5 !== undefined) asset.md5 = hex('md5', hashes.md5, 32);
  if (hashes.sha256Chunks && hashes.sha256Chunks.hashes.length > 0) {
    asset['sha256-size'] = chunkSize('sha256-size', hashes.sha256Chunks.size);
    asset.sha256s = hashes.sha256Chunks.hashes.map((h, i) => hex(`sha256s[${i}]`, h, 64));
  }
  if (hashes.sha256 !== undefined) asset.sha256 = hex('sha256', hashes.sha256, 64);
  return asset;
}

/** The manifest as a typed object (what buildManifest serialises). Validates every input. */
export function manifestObject(input: ManifestInput): Manifest {
  const pkg = input.package;
  const assets: ManifestAsset[] = [packageAsset(normaliseHttpsUrl('software-package', input.urls.softwarePackage), input.hashes)];
  if (input.urls.displayImage !== undefined) {
    assets.push({ kind: 'display-image', url: normaliseHttpsUrl('display-image', input.urls.displayImage) });
  }
  if (input.urls.fullSizeImage !== undefined) {
    assets.push({ kind: 'full-size-image', url: normaliseHttpsUrl('full-size-image', input.urls.fullSizeImage) });
  }
  const metadata: ManifestMetadata = {
    'bundle-identifier': exact('bundle identifier (CFBundleIdentifier)', pkg.bundleId),
    'bundle-version': exact('version (CFBundleShortVersionString / CFBundleVersion)', manifestBundleVersion(pkg)),
    kind: 'software',
    'platform-identifier': PLATFORM_IPHONEOS,
    title: display('app name (title)', pkg.name),
  };
  if (input.subtitle !== undefined && stripXmlIllegal(input.subtitle).trim() !== '') {
    metadata.subtitle = display('subtitle', input.subtitle);
  }
  return { items: [{ assets, metadata }] };
}

function toWritable(m: Manifest): PlistWritable {
  // Key order follows Xcode's output; JSON-shaped objects serialise directly.
  return {
    items: m.items.map((item) => ({
      assets: item.assets.map((a) => ({ ...a }) as PlistWritable),
      metadata: {
        'bundle-identifier': item.metadata['bundle-identifier'],
        'bundle-version': item.metadata['bundle-version'],
        kind: item.metadata.kind,
        'platform-identifier': item.metadata['platform-identifier'],
        title: item.metadata.title,
        subtitle: item.metadata.subtitle,
      },
    })),
  };
}

/** The manifest XML: UTF-8, starting exactly with `<?xml`, every string escaped. */
export function buildManifest(input: ManifestInput): string {
  return writeXmlPlist(toWritable(manifestObject(input)));
}

/** Convenience: the manifest for an inspected IPA (identifier, version and title from the package). */
export function buildManifestForPackage(
  info: IpaInfo,
  urls: ManifestUrls,
  options: { subtitle?: string; hashes?: ManifestHashes } = {},
): string {
  if ((info as { kind: string }).kind !== 'ipa') {
    throw new OtashipError('MANIFEST_NEEDS_IPA', `the package is ${(info as { kind: string }).kind === 'apk' ? 'an Android APK' : 'not an iOS app'}`);
  }
  return buildManifest({ package: info, urls, ...options });
}
