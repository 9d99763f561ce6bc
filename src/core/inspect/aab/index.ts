// Android App Bundle (.aab) inspection without tools: a bundle is a zip of modules (base/ and any
// feature modules), each with manifest/AndroidManifest.xml and resources.pb in aapt2's protobuf
// formats (schema.ts) instead of an APK's binary XML and resources.arsc. Every protobuf is decoded
// under AAB_LIMITS (decode.ts). Pure: reads only through the ZipArchive.
import { basename } from 'node:path';
import { OtashipError } from '../../errors.js';
import type { AabInfo, IconInfo } from '../../types.js';
import type { ZipArchive } from '../../zip/archive.js';
import { IconSearch, largestRaster } from '../apk/icon.js';
import { cleanLabel } from '../apk/index.js';
import { Attr } from '../apk/manifest.js';
import { decodeBudgeted } from './decode.js';
import { type BundleManifestFacts, type ProtoValue, bundleManifestFacts, childElements } from './manifest.js';
import { BundleResources, primitiveText } from './resources.js';
import { type PbResourceTable, type PbXmlNode, ResourceTableType, XmlNodeType } from './schema.js';

export const BASE_MANIFEST = 'base/manifest/AndroidManifest.xml';
const BASE_RESOURCES = 'base/resources.pb';
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
const MAX_RESOURCES_BYTES = 64 * 1024 * 1024;
const MAX_ICON_XML_BYTES = 1024 * 1024;
const MODULE_MANIFEST = /^([^/]+)\/manifest\/AndroidManifest\.xml$/;
const NATIVE_LIB = /^([^/]+)\/lib\/([^/]+)\/[^/]/;
/**
 * The universal APK holds every file of the bundle, and an APK cannot pass 4 GiB (no ZIP64 for APKs:
 * Android and apksigner refuse it). A bundle declaring more is refused before bundletool spends
 * minutes and disk space expanding it. (Declared sizes can lie; the conversion's time limit and the
 * APK check after it catch a bundle that lies.)
 */
export const MAX_BUNDLE_EXPANDED_BYTES = 4 * 1024 ** 3;

export async function inspectAabArchive(archive: ZipArchive, size: number): Promise<AabInfo> {
  const file = basename(archive.path);
  let expanded = 0;
  for (const entry of archive.entries()) expanded += entry.size;
  if (expanded > MAX_BUNDLE_EXPANDED_BYTES) {
    throw new OtashipError(
      'ZIP_BOMB',
      `${file}: its files expand to ${(expanded / 1024 ** 3).toFixed(1)} GiB, and the APK built from a bundle holds them all: an APK cannot be larger than 4 GiB`,
    );
  }
  const root = decodeBudgeted<PbXmlNode>(XmlNodeType, await archive.read(BASE_MANIFEST, MAX_MANIFEST_BYTES), `${file}: ${BASE_MANIFEST}`);
  if (root.element?.name !== 'manifest') {
    throw new OtashipError('BAD_APK', `${file}: ${BASE_MANIFEST} has no <manifest> element at its root`);
  }
  const facts = bundleManifestFacts(root.element);
  if (!facts.packageName) throw new OtashipError('BAD_APK', `${file}: ${BASE_MANIFEST} has no package attribute on <manifest>`);
  const resources = archive.entry(BASE_RESOURCES)
    ? new BundleResources(
        decodeBudgeted<PbResourceTable>(ResourceTableType, await archive.read(BASE_RESOURCES, MAX_RESOURCES_BYTES), `${file}: ${BASE_RESOURCES}`),
      )
    : null;
  const text = (v: ProtoValue | null): string | null => {
    if (!v) return null;
    const compiled = v.item && resources ? resources.text(v.item) : v.item?.prim ? primitiveText(v.item.prim) : null;
    return compiled ?? (v.item?.ref ? null : v.text || null);
  };
  const { modules, abis } = layout(archive);
  return {
    kind: 'aab',
    bundleId: facts.packageName,
    version: text(facts.versionName),
    build: versionCode(facts, text, file),
    name: cleanLabel(text(facts.label)) ?? facts.packageName,
    minOsVersion: text(facts.minSdk),
    targetSdk: text(facts.targetSdk),
    icon: await bundleIcon(archive, resources, [facts.icon, facts.roundIcon], file),
    modules,
    abis,
    size,
  };
}

/** Modules (base first, then by name) and the ABIs any of them ships native code for. */
function layout(archive: ZipArchive): { modules: string[]; abis: string[] } {
  const modules = new Set<string>();
  const libs: [string, string][] = [];
  for (const name of archive.eachName()) {
    const m = MODULE_MANIFEST.exec(name);
    if (m?.[1]) modules.add(m[1]);
    const lib = NATIVE_LIB.exec(name);
    if (lib?.[1] && lib[2]) libs.push([lib[1], lib[2]]);
  }
  const abis = new Set(libs.filter(([module]) => modules.has(module)).map(([, abi]) => abi));
  const sorted = [...modules].sort((a, b) => (a === 'base' ? -1 : b === 'base' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return { modules: sorted, abis: [...abis].sort() };
}

/** The long version code, versionCodeMajor << 32 | versionCode, as a decimal string (0 when absent, as Android reads it). */
function versionCode(facts: BundleManifestFacts, text: (v: ProtoValue | null) => string | null, file: string): string {
  const part = (v: ProtoValue | null, attrName: string): bigint => {
    const s = text(v)?.trim();
    if (s === undefined) return 0n;
    if (/^\d+$/.test(s) && Number(s) <= 0xffffffff) return BigInt(s);
    // A negative int_decimal_value is a versionCode above 2^31 stored signed.
    if (/^-\d+$/.test(s) && Number(s) >= -0x80000000) return BigInt(Number(s) >>> 0);
    throw new OtashipError('BAD_APK', `${file}: ${BASE_MANIFEST} has an android:${attrName} that is not a number (${s})`);
  };
  return ((part(facts.versionCodeMajor, 'versionCodeMajor') << 32n) | part(facts.versionCode, 'versionCode')).toString();
}

/**
 * The base module's largest raster icon behind the manifest's icon (then roundIcon): its files in
 * every density, then, when those are adaptive-icon XML (anydpi-v26), their foreground's files.
 */
async function bundleIcon(archive: ZipArchive, resources: BundleResources | null, refs: (ProtoValue | null)[], file: string): Promise<IconInfo | null> {
  if (!resources) return null;
  const inBase = (paths: string[]): string[] => paths.map((p) => `base/${p}`);
  // One budget of reads for the whole search: thousands of configurations may name the same file.
  const search = new IconSearch();
  for (const ref of refs) {
    const id = ref?.item?.ref?.id;
    if (!id) continue;
    const files = resources.files(id).map((f) => f.path);
    const direct = await largestRaster(archive, inBase(files), search);
    if (direct) return direct;
    for (const xml of new Set(inBase(files.filter((p) => p.endsWith('.xml'))))) {
      if (!search.take(`xml:${xml}`)) continue;
      for (const layer of await adaptiveLayers(archive, xml, file)) {
        const found = await largestRaster(archive, inBase(resources.files(layer).map((f) => f.path)), search);
        if (found) return found;
      }
    }
  }
  return null;
}

async function adaptiveLayers(archive: ZipArchive, path: string, file: string): Promise<number[]> {
  const entry = archive.entry(path);
  if (!entry || entry.size > MAX_ICON_XML_BYTES) return [];
  let root: PbXmlNode;
  try {
    root = decodeBudgeted<PbXmlNode>(XmlNodeType, await archive.read(path, MAX_ICON_XML_BYTES), `${file}: ${path}`);
  } catch (err) {
    // A damaged icon XML costs the icon, not the inspection; a bomb is still refused.
    if (err instanceof OtashipError && err.code === 'BAD_APK') return [];
    throw err;
  }
  const el = root.element;
  if (el?.name !== 'adaptive-icon') return [];
  const ids: number[] = [];
  for (const layer of ['foreground', 'background']) {
    for (const child of childElements(el, layer)) {
      const drawable = child.attribute.find((a) => a.resourceId === Attr.drawable || a.name === 'drawable');
      const id = drawable?.compiledItem?.ref?.id;
      if (id) ids.push(id);
    }
  }
  return ids;
}
