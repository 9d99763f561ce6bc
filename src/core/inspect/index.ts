// inspect(): what a package or profile file is and what it holds, decided from its CONTENT (never
// the extension): a zip with Payload/<Name>.app → IPA, a zip with AndroidManifest.xml → APK, a CMS
// envelope or a plist with profile keys → provisioning profile.
import { openReadOnly, statPath } from '../fs/read-only-file.js';
import type { ReadOnlyFile } from '../fs/read-only-file.js';
import { basename, resolve } from 'node:path';
import { OtashipError } from '../errors.js';
import type { AabInfo, ApkInfo, InspectResult, IpaInfo, PackageInfo, ProfileFileInfo } from '../types.js';
import { isZipSignature, locateEntry, openZip, openZipHandle, readLocatedEntry } from '../zip/open.js';
import type { ZipEntryLocation } from '../zip/open.js';
import type { ZipArchive } from '../zip/archive.js';
import { checkIconBudget } from '../png/budget.js';
import { PngConversionError, toStandardPng } from '../png/cgbi.js';
import { inspectIpaArchive } from './ipa/index.js';
import { describeMissingApp, ipaLayout, surveyZip } from './ipa/layout.js';
import { resolveLimits } from './limits.js';
import type { InspectLimits } from './limits.js';
import { profileContainer, profileFileInfo } from './profile/index.js';

export { DEFAULT_LIMITS } from './limits.js';
export type { InspectLimits } from './limits.js';
export { appIdMatches, assessIpa, blockingReasons, FORCEABLE_REASONS } from './installability.js';
export { decodeProfile, profileFileInfo, profileType } from './profile/index.js';
export { MAX_ICON_PIXELS, toStandardPng, readPngHeader } from '../png/index.js';
export { openZip } from '../zip/open.js';
export type { ZipArchive, ZipEntryInfo } from '../zip/archive.js';

export interface InspectOptions {
  /** Reference time for expiry verdicts (default: now). */
  now?: Date | number;
  /** Per-entry inflated-size caps (bytes). */
  limits?: Partial<InspectLimits>;
}

type Sniffed = 'zip' | 'profile' | 'unknown';

/**
 * Where each inspected icon lives in its zip, keyed by the result's icon object: readIcon(path, info)
 * right after inspect() then reads one entry instead of parsing a 30,000-entry directory again.
 * Checked against the file's size and mtime, so a replaced file is simply re-opened.
 */
const iconLocations = new WeakMap<object, { where: ZipEntryLocation; bytes: Buffer | null }>();
/** Icon bytes up to this size are kept with the result (they were read to size the icon anyway). */
const KEEP_ICON_BYTES = 1024 * 1024;
/** The base module's manifest: the mark of an Android App Bundle. */
const AAB_MANIFEST = 'base/manifest/AndroidManifest.xml';

export async function inspect(path: string, options: InspectOptions = {}): Promise<InspectResult> {
  const limits = resolveLimits(options.limits);
  const now = nowMs(options.now);
  // One open for sniffing and reading: each extra open/stat/close is a thread-pool round trip.
  const { handle, size, mtimeMs, kind, head } = await openAndSniff(path);
  if (kind === 'zip') {
    const archive = await openZipHandle(handle, path, size, mtimeMs, isZipSignature(head));
    try {
      // A bundle is reported as such here; inspectArchive (what publishing and the doctor use)
      // refuses it, since only APKs are published.
      if (archive.entry(AAB_MANIFEST) && !archive.entry('AndroidManifest.xml')) {
        const { inspectAabArchive } = await import('./aab/index.js');
        return await inspectAabArchive(archive, size);
      }
      return await inspectArchive(archive, size, limits, now);
    } finally {
      await archive.close();
    }
  }
  await handle.close();
  if (kind === 'profile') return inspectProfileFile(path, size, limits, now);
  throw new OtashipError(
    'UNKNOWN_FILE_TYPE',
    `${basename(path)} is not an .ipa, .apk or provisioning profile (${size === 0 ? 'the file is empty' : 'its content matches none of them'})`,
  );
}

/** Inspects an already-open zip (used by inspect() and by callers that hold the archive). */
export async function inspectArchive(
  archive: ZipArchive,
  size: number,
  limits: InspectLimits = resolveLimits(),
  now: number = Date.now(),
): Promise<PackageInfo> {
  const survey = surveyZip(archive.eachName());
  const layout = ipaLayout(survey);
  if (layout) {
    let iconBytes: Buffer | null = null;
    const onIconBytes = (b: Buffer): void => {
      iconBytes = b.length <= KEEP_ICON_BYTES ? b : null;
    };
    const info = await inspectIpaArchive({ archive, layout, size, limits, now, onIconBytes });
    const where = info.icon && locateEntry(archive, info.icon.entry);
    if (info.icon && where) iconLocations.set(info.icon, { where, bytes: iconBytes });
    return info;
  }
  if (survey.androidManifest || archive.entry(AAB_MANIFEST)) {
    // Loaded on demand: IPA and profile inspection (and CLI start-up) never pay for the APK parsers.
    const { inspectApkArchive } = await import('./apk/index.js');
    return inspectApkArchive(archive, size, { now: new Date(now) });
  }
  throw new OtashipError(
    'NO_APP_BUNDLE',
    `${basename(archive.path)} is a zip but not an iOS or Android package: ${describeMissingApp(survey, archive.entryCount())}`,
  );
}

/**
 * The best icon of a package as a standard PNG (CgBI converted, non-standard chunks dropped), or null
 * when it has none. Pass `info` from a previous inspect() of the same file to skip re-inspection.
 * Converting a CgBI icon is CPU work on the calling thread: a server does it in a worker instead
 * (readIconFile, then toStandardPng there).
 */
export async function readIcon(path: string, info?: PackageInfo | AabInfo, options: InspectOptions = {}): Promise<Buffer | null> {
  const file = await readIconFile(path, info, options);
  return file && convertIcon(file.bytes, file.entry);
}

export interface IconFile {
  /** The zip entry the icon came from, for messages. */
  entry: string;
  /** As stored for an IPA (often CgBI); PNG for an APK (WebP and JPEG icons already converted). */
  bytes: Buffer;
}

/**
 * The best icon's bytes, not yet converted to a standard PNG. An icon whose inspected size is past the
 * pixel budget is refused (ICON_TOO_LARGE) before it is read, so nothing decodes it.
 */
export async function readIconFile(path: string, info?: PackageInfo | AabInfo, options: InspectOptions = {}): Promise<IconFile | null> {
  const limits = resolveLimits(options.limits);
  if (info?.icon) checkIconBudget(info.icon.width, info.icon.height, `The icon ${info.icon.entry}`);
  if (info?.kind === 'ipa') {
    if (!info.icon) return null;
    const entry = info.icon.entry;
    const cached = iconLocations.get(info.icon);
    const where = cached?.where;
    if (cached && where && resolve(where.path) === resolve(path) && where.entry.name === entry) {
      // Same file, unchanged since inspect() (size and mtime): reuse the bytes read then.
      if (cached.bytes && cached.bytes.length <= limits.iconBytes && (await unchanged(where))) return { entry, bytes: cached.bytes };
      const bytes = await readLocatedEntry(where, limits.iconBytes);
      if (bytes) return { entry, bytes };
    }
  }
  const { size, kind } = await sniffFile(path);
  if (kind !== 'zip') return null;
  const archive = await openZip(path);
  try {
    let pkg = info;
    if (!pkg && archive.entry(AAB_MANIFEST) && !archive.entry('AndroidManifest.xml')) {
      const { inspectAabArchive } = await import('./aab/index.js');
      pkg = await inspectAabArchive(archive, size);
    }
    pkg ??= await inspectArchive(archive, size, limits, nowMs(options.now));
    if (!pkg.icon) return null;
    checkIconBudget(pkg.icon.width, pkg.icon.height, `The icon ${pkg.icon.entry}`);
    if (pkg.kind === 'apk' || pkg.kind === 'aab') {
      const { readApkIcon } = await import('./apk/index.js');
      const bytes = await readApkIcon(archive, pkg);
      return bytes && { entry: pkg.icon.entry, bytes };
    }
    return { entry: pkg.icon.entry, bytes: await archive.read(pkg.icon.entry, limits.iconBytes) };
  } finally {
    await archive.close();
  }
}

/** Standard PNG bytes of an icon read by readIconFile; damage is BAD_ICON, a giant CgBI ICON_TOO_LARGE. */
export function convertIcon(bytes: Buffer, entry: string): Buffer {
  try {
    return toStandardPng(bytes);
  } catch (err) {
    if (err instanceof PngConversionError) {
      throw new OtashipError('BAD_ICON', `Icon ${entry} cannot be converted to a standard PNG (${err.message})`, { cause: err });
    }
    throw err;
  }
}

async function inspectProfileFile(path: string, size: number, limits: InspectLimits, now: number): Promise<ProfileFileInfo> {
  const file = basename(path);
  if (size > limits.profileBytes) {
    throw new OtashipError('BAD_PROFILE', `${file} is ${size} bytes, too large for a provisioning profile (limit ${limits.profileBytes})`);
  }
  const bytes = await readHead(path, size);
  try {
    return profileFileInfo(bytes, file, { now });
  } catch (err) {
    // A plist that is not a profile (or unreadable text) is simply not a file type we know; a profile
    // plist that lacks required keys stays BAD_PROFILE.
    if (err instanceof OtashipError && err.details?.notAProfile === true && profileContainer(bytes.subarray(0, 16)) !== 'cms') {
      throw new OtashipError('UNKNOWN_FILE_TYPE', `${file} is not an .ipa, .apk or provisioning profile (${err.message})`, {
        cause: err,
      });
    }
    throw err;
  }
}

async function sniffFile(path: string): Promise<{ size: number; kind: Sniffed }> {
  let size: number;
  try {
    const st = await statPath(path);
    if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `File not found: ${path}`, { cause: err });
  }
  return { size, kind: sniffKind(await readHead(path, 16)) };
}

async function unchanged(where: ZipEntryLocation): Promise<boolean> {
  try {
    const st = await statPath(where.path);
    return st.size === where.fileBytes && st.mtimeMs === where.mtimeMs;
  } catch {
    return false;
  }
}

async function openAndSniff(path: string): Promise<{ handle: ReadOnlyFile; size: number; mtimeMs: number; kind: Sniffed; head: Buffer }> {
  let handle: ReadOnlyFile;
  try {
    handle = await openReadOnly(path);
  } catch (err) {
    throw new OtashipError('FILE_NOT_FOUND', `File not found: ${path}`, { cause: err });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a regular file`);
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    const got = head.subarray(0, bytesRead);
    return { handle, size: st.size, mtimeMs: st.mtimeMs, kind: sniffKind(got), head: got };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

function sniffKind(head: Buffer): Sniffed {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) return 'zip';
  if (profileContainer(head)) return 'profile';
  return 'unknown';
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await openReadOnly(path);
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function nowMs(now: Date | number | undefined): number {
  if (now === undefined) return Date.now();
  return typeof now === 'number' ? now : now.getTime();
}

export type { InspectResult, IpaInfo, ApkInfo, AabInfo, PackageInfo, ProfileFileInfo };
