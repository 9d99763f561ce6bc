// Android APK inspection: AndroidManifest.xml (binary AXML) + resources.arsc for the label and
// icon, META-INF and the APK Signing Block for signature schemes. Pure: reads only through the
// ZipArchive and, for the signing block, a few positional reads of archive.path.
import { cleanDisplayName } from '../display-name.js';
import { basename } from 'node:path';
import { createRequire } from 'node:module';
import type Sharp from 'sharp';
import { OtashipError } from '../../errors.js';
import type { AabInfo, ApkInfo, DeviceFamily, InstallReason } from '../../types.js';
import type { ZipArchive } from '../../zip/archive.js';
import { ResourceTable } from './arsc.js';
import { parseAxml } from './axml.js';
import { findIcon } from './icon.js';
import { type ManifestFacts, manifestFacts } from './manifest.js';
import { resolveValue } from './resolve.js';
import { readSigningBlockIds, schemesFromBlockIds } from './signing-block.js';
import { type TypedValue, ValueType, refHex, scalarText } from './typed-value.js';

export { parseAxml } from './axml.js';
export type { XmlElement, XmlAttribute } from './axml.js';
export { ResourceTable } from './arsc.js';

export const MANIFEST_ENTRY = 'AndroidManifest.xml';
export const RESOURCES_ENTRY = 'resources.arsc';
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
const MAX_RESOURCES_BYTES = 64 * 1024 * 1024;
const MAX_ICON_BYTES = 8 * 1024 * 1024;
const MAX_LABEL_CHARS = 256;

export interface InspectApkOptions {
  /** Unused by APKs (no expiring profile); accepted for symmetry with IPA inspection. */
  now?: Date;
}

export async function inspectApkArchive(archive: ZipArchive, size: number, _options: InspectApkOptions = {}): Promise<ApkInfo> {
  if (!archive.entry(MANIFEST_ENTRY)) {
    if (archive.entry(`base/manifest/${MANIFEST_ENTRY}`)) {
      // The catalogue's hint says what to upload instead; the message only says what this file is.
      throw new OtashipError('AAB_NOT_SUPPORTED', `${basename(archive.path)} is an Android App Bundle (.aab), the format Google Play takes, not an APK`);
    }
    throw new OtashipError('BAD_APK', `The APK has no ${MANIFEST_ENTRY}`);
  }
  const facts = manifestFacts(parseAxml(await archive.read(MANIFEST_ENTRY, MAX_MANIFEST_BYTES), MANIFEST_ENTRY));
  const table = archive.entry(RESOURCES_ENTRY)
    ? ResourceTable.parse(await archive.read(RESOURCES_ENTRY, MAX_RESOURCES_BYTES), RESOURCES_ENTRY)
    : null;

  const text = (v: TypedValue | null): string | null => {
    const r = resolveValue(table, v);
    return r ? scalarText(r) : null;
  };
  const flag = (v: TypedValue | null): boolean => {
    const r = resolveValue(table, v);
    if (!r) return false;
    return r.type === ValueType.INT_BOOLEAN ? r.data !== 0 : r.string === 'true';
  };

  const bundleId = facts.packageName;
  if (!bundleId) throw new OtashipError('BAD_APK', `${MANIFEST_ENTRY} has no package attribute on <manifest>`);
  const build = versionCode(facts, table);
  const name = cleanLabel(text(facts.label)) ?? cleanLabel(facts.label?.string ?? null) ?? bundleId;

  const schemes = await signatureSchemes(archive);
  const debuggable = flag(facts.debuggable);
  const testOnly = flag(facts.testOnly);

  return {
    kind: 'apk',
    bundleId,
    version: text(facts.versionName),
    build,
    name,
    minOsVersion: text(facts.minSdk),
    targetSdk: text(facts.targetSdk),
    deviceFamilies: deviceFamilies(facts, flag),
    icon: await findIcon(archive, table, [facts.icon, facts.roundIcon]),
    installable: installability(schemes, debuggable, testOnly),
    size,
    signatureSchemes: schemes,
    extensions: [],
    profile: null,
  };
}

/** The best raster icon as PNG bytes (WebP and JPEG icons are converted), or null. */
export async function readApkIcon(archive: ZipArchive, info: ApkInfo | AabInfo): Promise<Buffer | null> {
  if (!info.icon) return null;
  const bytes = await archive.read(info.icon.entry, MAX_ICON_BYTES);
  if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return bytes;
  // sharp is a native module: load it only when a conversion is actually needed. require, not
  // import(): the CLI runs this code from a V8 code cache, where Node 20 has no import() hook.
  const sharp = createRequire(import.meta.url)('sharp') as typeof Sharp;
  try {
    return await sharp(bytes).png().toBuffer();
  } catch (err) {
    throw new OtashipError('BAD_ICON', `The ${info.kind === 'aab' ? 'bundle' : 'APK'} icon ${info.icon.entry} cannot be decoded`, { cause: err });
  }
}

/** The long version code as a decimal string: versionCodeMajor << 32 | versionCode, as Android computes it. */
function versionCode(facts: ManifestFacts, table: ResourceTable | null): string {
  const low = intValue(facts.versionCode, table, 'versionCode');
  const high = intValue(facts.versionCodeMajor, table, 'versionCodeMajor');
  // Android treats a missing versionCode as 0 (PackageParser's default), so the APK still installs.
  return ((BigInt(high ?? 0) << 32n) | BigInt(low ?? 0)).toString();
}

function intValue(v: TypedValue | null, table: ResourceTable | null, attrName: string): number | null {
  const r = resolveValue(table, v);
  if (!r) return null;
  if (r.type === ValueType.INT_DEC || r.type === ValueType.INT_HEX) return r.data >>> 0;
  const s = r.string?.trim();
  if (s && /^\d+$/.test(s) && Number(s) <= 0xffffffff) return Number(s);
  throw new OtashipError('BAD_APK', `${MANIFEST_ENTRY} has an android:${attrName} that is not a number (${s ?? refHex(r.data)})`);
}

/** Labels are shown in pages and notifications: one line, no control characters, bounded. */
export function cleanLabel(s: string | null): string | null {
  const one = cleanDisplayName(s);
  if (!one || one.startsWith('@')) return null;
  return one.length > MAX_LABEL_CHARS ? `${one.slice(0, MAX_LABEL_CHARS - 1)}…` : one;
}

function deviceFamilies(facts: ManifestFacts, flag: (v: TypedValue | null) => boolean): DeviceFamily[] {
  const feature = (name: string): { required: boolean } | null => {
    const f = facts.features.find((x) => x.name === name);
    return f ? { required: f.required === null ? true : flag(f.required) } : null;
  };
  const leanback = feature('android.software.leanback');
  const watch = feature('android.hardware.type.watch');
  const families: DeviceFamily[] = [];
  // Phones run the app unless it requires TV or watch hardware.
  if (!leanback?.required && !watch?.required) families.push('phone');
  if (leanback || facts.leanbackLauncher) families.push('tv');
  if (watch) families.push('watch');
  return families;
}

async function signatureSchemes(archive: ZipArchive): Promise<number[]> {
  const names = archive.entries().map((e) => e.name);
  const v1 =
    names.some((n) => n.toUpperCase() === 'META-INF/MANIFEST.MF') &&
    names.some((n) => /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i.test(n));
  const schemes = schemesFromBlockIds(await readSigningBlockIds(archive.path));
  return v1 ? [1, ...schemes] : schemes;
}

function installability(schemes: number[], debuggable: boolean, testOnly: boolean): ApkInfo['installable'] {
  const reasons: InstallReason[] = [];
  if (schemes.length === 0) {
    reasons.push({
      code: 'UNSIGNED',
      severity: 'error',
      message: 'The APK is not signed (no JAR signature and no APK Signing Block): Android refuses to install unsigned APKs',
    });
  }
  if (testOnly) {
    reasons.push({
      code: 'TEST_ONLY',
      severity: 'error',
      message: 'android:testOnly="true": the APK installs only through adb install -t, not from a download',
    });
  }
  if (debuggable) {
    reasons.push({
      code: 'DEBUGGABLE',
      severity: 'warning',
      message: 'android:debuggable="true": a debug build, fine for testers but never for release',
    });
  }
  return { ok: !reasons.some((r) => r.severity === 'error'), reasons };
}
