// Synthetic IPAs for tests (ours and other helpers'): every option maps to a real-world variation —
// unicode or hostile names, binary/XML Info.plist, each profile type, CgBI icons, nested appex/watch
// apps placed BEFORE the main app in zip order, zip64, data descriptors, a large stored filler entry.
// Written with yazl, streaming, to a temp file (nothing large is held in memory).
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { build, buildBinary } from 'plist';
import type { PlistValue } from 'plist';
import yazl from 'yazl';
import { buildProfile } from './synthetic-profile.js';
import type { SyntheticProfileOptions } from './synthetic-profile.js';
import { cgbiPng, standardPng } from './synthetic-png.js';

export * from './synthetic-profile.js';
export * from './synthetic-png.js';

export interface SyntheticIcon {
  /** File name inside the .app folder, e.g. 'AppIcon60x60@3x.png'. */
  file: string;
  width: number;
  height: number;
  cgbi?: boolean; // default true (what Xcode ships)
  /** Raw bytes instead of a generated PNG (e.g. garbage). */
  data?: Buffer;
}

export interface SyntheticNested {
  /** Path under the main .app, e.g. 'PlugIns/Share.appex', 'Watch/Watch.app', 'AppClips/Clip.app'. */
  path: string;
  bundleId?: string;
}

export interface SyntheticEntry {
  name: string;
  data: Buffer;
  compress?: boolean;
}

export interface SyntheticIpaOptions {
  bundleId?: string; // default 'com.example.app'
  /** CFBundleDisplayName (null omits it). Default 'Example'. */
  displayName?: string | null;
  bundleName?: string | null; // CFBundleName, default 'Example'
  executable?: string; // CFBundleExecutable, default 'Example'
  version?: string | null; // CFBundleShortVersionString (null omits), default '1.2.3'
  build?: string | null; // CFBundleVersion (null omits), default '45'
  minOsVersion?: string | null; // default '15.0'
  deviceFamilies?: number[] | null; // UIDeviceFamily, default [1, 2]; null omits
  platforms?: string[]; // CFBundleSupportedPlatforms, default ['iPhoneOS']
  /** Folder name of the app (without .app), default 'Example'. */
  appName?: string;
  infoPlistFormat?: 'xml' | 'binary'; // default 'binary'
  infoPlistExtra?: Record<string, PlistValue>;
  /** Raw Info.plist bytes (overrides everything above). */
  infoPlistRaw?: Buffer;
  /** Embedded profile: options, raw bytes, or null for none. Default: ad-hoc for bundleId. */
  profile?: SyntheticProfileOptions | Buffer | null;
  codeSignature?: boolean; // _CodeSignature/CodeResources, default true
  icons?: SyntheticIcon[];
  /** Key that lists the icons: default 'CFBundleIcons' (primary icon files = icon names). */
  iconKey?: 'CFBundleIcons' | 'CFBundleIcons~ipad' | 'CFBundleIconFiles' | 'CFBundleIconFile' | 'none';
  nested?: SyntheticNested[];
  /** Put nested bundles (and their Info.plists) before the main app in zip order. Default true. */
  nestedFirst?: boolean;
  /** Other main-level apps: extra Payload/<name>.app bundles. */
  otherApps?: string[];
  zip64?: boolean;
  /** Write every entry with a data descriptor (sizes after the data). Default false. */
  dataDescriptors?: boolean;
  /** Size of a STORED filler entry (Payload/<app>.app/filler.bin), streamed. */
  fillerBytes?: number;
  extraEntries?: SyntheticEntry[];
  /** Wrap everything in an extra top folder (a common packaging mistake). */
  topFolder?: string;
  /** Output path; default a new temp dir + '<appName>.ipa'. */
  out?: string;
}

const tempDirs: string[] = [];
let cleanupRegistered = false;

/** A fresh path in a new temp folder; every such folder is removed when the test process exits. */
export async function tempPath(fileName: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-test-'));
  tempDirs.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return join(dir, fileName);
}

export function infoPlistValue(o: SyntheticIpaOptions = {}): Record<string, PlistValue> {
  const p: Record<string, PlistValue> = {
    CFBundleIdentifier: o.bundleId ?? 'com.example.app',
    CFBundleExecutable: o.executable ?? 'Example',
    CFBundlePackageType: 'APPL',
    CFBundleSupportedPlatforms: o.platforms ?? ['iPhoneOS'],
  };
  if (o.build !== null) p.CFBundleVersion = o.build ?? '45';
  if (o.displayName !== null) p.CFBundleDisplayName = o.displayName ?? 'Example';
  if (o.bundleName !== null) p.CFBundleName = o.bundleName ?? 'Example';
  if (o.version !== null) p.CFBundleShortVersionString = o.version ?? '1.2.3';
  if (o.minOsVersion !== null) p.MinimumOSVersion = o.minOsVersion ?? '15.0';
  if (o.deviceFamilies !== null) p.UIDeviceFamily = o.deviceFamilies ?? [1, 2];
  const names = [...new Set((o.icons ?? []).map((i) => iconBaseName(i.file)))];
  if (names.length > 0) {
    switch (o.iconKey ?? 'CFBundleIcons') {
      case 'CFBundleIcons':
        p.CFBundleIcons = { CFBundlePrimaryIcon: { CFBundleIconFiles: names, CFBundleIconName: 'AppIcon' } };
        break;
      case 'CFBundleIcons~ipad':
        p['CFBundleIcons~ipad'] = { CFBundlePrimaryIcon: { CFBundleIconFiles: names } };
        break;
      case 'CFBundleIconFiles':
        p.CFBundleIconFiles = names;
        break;
      case 'CFBundleIconFile':
        p.CFBundleIconFile = names[0] ?? '';
        break;
      case 'none':
        break;
    }
  }
  return { ...p, ...o.infoPlistExtra };
}

/** 'AppIcon60x60@3x.png' → 'AppIcon60x60', 'Icon@2x~ipad.png' → 'Icon' (what Info.plist lists). */
function iconBaseName(file: string): string {
  return file.replace(/(@\dx)?(~ipad|~iphone)?\.png$/i, '');
}

function encodePlist(value: Record<string, PlistValue>, format: 'xml' | 'binary'): Buffer {
  return format === 'binary' ? Buffer.from(buildBinary(value)) : Buffer.from(build(value), 'utf8');
}

/** Builds the IPA and returns its path. */
export async function buildIpa(o: SyntheticIpaOptions = {}): Promise<string> {
  const appName = o.appName ?? 'Example';
  const out = o.out ?? (await tempPath(`${safeFileName(appName)}.ipa`));
  const top = o.topFolder ? `${o.topFolder}/` : '';
  const app = `${top}Payload/${appName}.app`;
  const zip = new yazl.ZipFile();
  const options = { forceZip64Format: o.zip64 === true, mtime: new Date(2024, 0, 1) };
  const add = (name: string, data: Buffer, compress = true): void => {
    if (o.dataDescriptors) zip.addReadStream(Readable.from([data]), name, { ...options, compress });
    else zip.addBuffer(data, name, { ...options, compress });
  };

  const nested = (): void => {
    for (const n of o.nested ?? []) {
      const base = `${app}/${n.path}`;
      add(`${base}/Info.plist`, encodePlist({ CFBundleIdentifier: n.bundleId ?? `${o.bundleId ?? 'com.example.app'}.${n.path.replace(/\W+/g, '')}`, CFBundleVersion: '1' }, 'xml'));
      add(`${base}/executable`, Buffer.from('nested binary'));
    }
  };

  zip.addEmptyDirectory(`${top}Payload/`, options);
  for (const other of o.otherApps ?? []) {
    add(`${top}Payload/${other}.app/Info.plist`, encodePlist({ CFBundleIdentifier: `com.other.${other.replace(/\W+/g, '')}`, CFBundleVersion: '9' }, 'xml'));
  }
  if (o.nestedFirst !== false) nested();
  add(`${app}/Info.plist`, o.infoPlistRaw ?? encodePlist(infoPlistValue(o), o.infoPlistFormat ?? 'binary'));
  add(`${app}/${o.executable ?? 'Example'}`, Buffer.from('\xcf\xfa\xed\xfe fake mach-o', 'latin1'));
  if (o.profile !== null) {
    const profile = Buffer.isBuffer(o.profile) ? o.profile : await buildProfile({ bundleId: o.bundleId ?? 'com.example.app', ...o.profile });
    add(`${app}/embedded.mobileprovision`, profile);
  }
  if (o.codeSignature !== false) add(`${app}/_CodeSignature/CodeResources`, encodePlist({ files: {} }, 'xml'));
  for (const icon of o.icons ?? []) {
    const data = icon.data ?? (icon.cgbi === false ? standardPng(icon.width, icon.height) : cgbiPng(icon.width, icon.height));
    add(`${app}/${icon.file}`, data, false);
  }
  if (o.nestedFirst === false) nested();
  for (const e of o.extraEntries ?? []) add(e.name, e.data, e.compress ?? true);
  if (o.fillerBytes) zip.addReadStream(zeros(o.fillerBytes), `${app}/filler.bin`, { ...options, compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return out;
}

/** A stream of n zero bytes in 1 MiB pieces (constant memory). */
export function zeros(n: number): Readable {
  const piece = Buffer.alloc(Math.min(n, 1024 * 1024));
  let left = n;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, piece.length);
      left -= size;
      this.push(size === piece.length ? piece : piece.subarray(0, size));
    },
  });
}

/** Builds an arbitrary zip from entries (for negative tests: no Payload, AndroidManifest, bombs...). */
export async function buildZip(entries: SyntheticEntry[], out?: string, zip64 = false): Promise<string> {
  const path = out ?? (await tempPath('archive.zip'));
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name);
    else zip.addBuffer(e.data, e.name, { compress: e.compress ?? true, forceZip64Format: zip64 });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return path;
}

function safeFileName(name: string): string {
  const s = name.replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 60);
  return s || 'app';
}

/** Flips the stored CRC of one entry (local header and central directory), as a damaged copy would. */
export async function corruptEntryCrc(path: string, name: string): Promise<void> {
  const buf = await readFile(path);
  const nameBytes = Buffer.from(name);
  let hits = 0;
  for (let at = buf.indexOf(nameBytes); at >= 0; at = buf.indexOf(nameBytes, at + 1)) {
    if (at >= 30 && buf.readUInt32LE(at - 30) === 0x04034b50) buf.writeUInt8((buf.readUInt8(at - 30 + 14) ^ 0xff), at - 30 + 14);
    else if (at >= 46 && buf.readUInt32LE(at - 46) === 0x02014b50) buf.writeUInt8((buf.readUInt8(at - 46 + 16) ^ 0xff), at - 46 + 16);
    else continue;
    hits++;
  }
  if (hits !== 2) throw new Error(`${name}: expected a local and a central header, found ${hits}`);
  await writeFile(path, buf);
}
