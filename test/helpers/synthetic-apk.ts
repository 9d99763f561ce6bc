// Builds synthetic APKs in code: an AXML (binary XML) encoder, a resources.arsc encoder, an APK
// Signing Block inserter and a yazl zip writer. The encoders follow the AOSP layouts
// (ResourceTypes.h) independently of src/core/inspect/apk, so the tests check the parser against the
// format, not against itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import yazl from 'yazl';

// ---------------------------------------------------------------------------------------------
// Values

export type Value =
  | { type: 'string'; value: string }
  | { type: 'int'; value: number }
  | { type: 'hex'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'ref'; value: number }
  /** A file path in a resources.arsc entry (stored as a string). */
  | { type: 'file'; value: string };

export const str = (value: string): Value => ({ type: 'string', value });
export const int = (value: number): Value => ({ type: 'int', value });
export const hex = (value: number): Value => ({ type: 'hex', value });
export const bool = (value: boolean): Value => ({ type: 'bool', value });
export const ref = (value: number): Value => ({ type: 'ref', value });
export const file = (value: string): Value => ({ type: 'file', value });

const TYPE = { REFERENCE: 0x01, STRING: 0x03, INT_DEC: 0x10, INT_HEX: 0x11, INT_BOOLEAN: 0x12 } as const;

function valueBytes(v: Value, stringIndex: (s: string) => number): { dataType: number; data: number } {
  switch (v.type) {
    case 'string':
    case 'file':
      return { dataType: TYPE.STRING, data: stringIndex(v.value) };
    case 'int':
      return { dataType: TYPE.INT_DEC, data: v.value >>> 0 };
    case 'hex':
      return { dataType: TYPE.INT_HEX, data: v.value >>> 0 };
    case 'bool':
      return { dataType: TYPE.INT_BOOLEAN, data: v.value ? 0xffffffff : 0 };
    case 'ref':
      return { dataType: TYPE.REFERENCE, data: v.value >>> 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Chunks and string pools

function chunk(type: number, header: Buffer, body: Buffer[]): Buffer {
  const headerSize = 8 + header.length;
  const size = headerSize + body.reduce((n, b) => n + b.length, 0);
  const h = Buffer.alloc(8);
  h.writeUInt16LE(type, 0);
  h.writeUInt16LE(headerSize, 2);
  h.writeUInt32LE(size, 4);
  return Buffer.concat([h, header, ...body]);
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

function utf8Len(n: number): Buffer {
  return n > 0x7f ? Buffer.from([0x80 | (n >> 8), n & 0xff]) : Buffer.from([n]);
}

export function encodeStringPool(strings: string[], utf8 = false): Buffer {
  const datas = strings.map((s) => {
    if (utf8) {
      const bytes = Buffer.from(s, 'utf8');
      return Buffer.concat([utf8Len(s.length), utf8Len(bytes.length), bytes, Buffer.from([0])]);
    }
    const units = Buffer.from(s, 'utf16le');
    const n = units.length / 2;
    const len = Buffer.alloc(n > 0x7fff ? 4 : 2);
    if (n > 0x7fff) {
      len.writeUInt16LE(0x8000 | (n >>> 16), 0);
      len.writeUInt16LE(n & 0xffff, 2);
    } else len.writeUInt16LE(n, 0);
    return Buffer.concat([len, units, Buffer.alloc(2)]);
  });
  const offsets = Buffer.alloc(4 * strings.length);
  let at = 0;
  datas.forEach((d, i) => {
    offsets.writeUInt32LE(at, i * 4);
    at += d.length;
  });
  const header = Buffer.alloc(20);
  header.writeUInt32LE(strings.length, 0);
  header.writeUInt32LE(0, 4); // styles
  header.writeUInt32LE(utf8 ? 0x100 : 0, 8);
  header.writeUInt32LE(28 + offsets.length, 12);
  header.writeUInt32LE(0, 16);
  return chunk(0x0001, header, [offsets, pad4(Buffer.concat(datas))]);
}

class Strings {
  readonly list: string[] = [];
  private readonly map = new Map<string, number>();
  index(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.map.set(s, i);
    }
    return i;
  }
}

// ---------------------------------------------------------------------------------------------
// AXML

export const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

/** android.R.attr ids (public API, frozen since API 1..26). */
export const ATTR_IDS: Record<string, number> = {
  label: 0x01010001,
  icon: 0x01010002,
  name: 0x01010003,
  debuggable: 0x0101000f,
  drawable: 0x01010199,
  minSdkVersion: 0x0101020c,
  versionCode: 0x0101021b,
  versionName: 0x0101021c,
  targetSdkVersion: 0x01010270,
  testOnly: 0x01010272,
  required: 0x0101028e,
  roundIcon: 0x0101052c,
  versionCodeMajor: 0x01010576,
};

export interface XmlAttr {
  name: string;
  value: Value;
  /** Default true: an android: attribute with its id in the resource map. */
  android?: boolean;
}

export interface XmlNode {
  name: string;
  attrs?: XmlAttr[];
  children?: XmlNode[];
}

export interface AxmlOptions {
  utf8?: boolean;
  /** Blank the attribute names in the pool (as obfuscators do); ids stay in the resource map. */
  obfuscateNames?: boolean;
}

export function encodeAxml(root: XmlNode, opts: AxmlOptions = {}): Buffer {
  const strings = new Strings();
  // Attribute names with resource ids must come first: the resource map is indexed by string index.
  const withIds: string[] = [];
  const collect = (n: XmlNode): void => {
    for (const a of n.attrs ?? []) {
      if (a.android !== false && ATTR_IDS[a.name] !== undefined && !withIds.includes(a.name)) withIds.push(a.name);
    }
    n.children?.forEach(collect);
  };
  collect(root);
  const nameKey = (a: string): string => (opts.obfuscateNames ? `\u0000${a}` : a);
  for (const n of withIds) strings.index(nameKey(n));
  const resMap = Buffer.alloc(withIds.length * 4);
  withIds.forEach((n, i) => resMap.writeUInt32LE(ATTR_IDS[n] ?? 0, i * 4));
  const nsIdx = strings.index(ANDROID_NS);
  const prefixIdx = strings.index('android');

  const nodes: Buffer[] = [];
  const nodeHeader = (): Buffer => {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(1, 0); // line
    h.writeUInt32LE(0xffffffff, 4); // comment
    return h;
  };
  const ns = Buffer.alloc(8);
  ns.writeUInt32LE(prefixIdx, 0);
  ns.writeUInt32LE(nsIdx, 4);
  nodes.push(chunk(0x0100, nodeHeader(), [ns]));

  const emit = (n: XmlNode): void => {
    const attrs = n.attrs ?? [];
    const ext = Buffer.alloc(20);
    ext.writeUInt32LE(0xffffffff, 0);
    ext.writeUInt32LE(strings.index(n.name), 4);
    ext.writeUInt16LE(20, 8);
    ext.writeUInt16LE(20, 10);
    ext.writeUInt16LE(attrs.length, 12);
    const body = attrs.map((a) => {
      const b = Buffer.alloc(20);
      const android = a.android !== false;
      b.writeUInt32LE(android ? nsIdx : 0xffffffff, 0);
      b.writeUInt32LE(strings.index(android && ATTR_IDS[a.name] !== undefined ? nameKey(a.name) : a.name), 4);
      const { dataType, data } = valueBytes(a.value, (s) => strings.index(s));
      b.writeUInt32LE(a.value.type === 'string' ? data : 0xffffffff, 8);
      b.writeUInt16LE(8, 12);
      b.writeUInt8(dataType, 15);
      b.writeUInt32LE(data, 16);
      return b;
    });
    nodes.push(chunk(0x0102, nodeHeader(), [ext, ...body]));
    n.children?.forEach(emit);
    const end = Buffer.alloc(8);
    end.writeUInt32LE(0xffffffff, 0);
    end.writeUInt32LE(strings.index(n.name), 4);
    nodes.push(chunk(0x0103, nodeHeader(), [end]));
  };
  emit(root);
  nodes.push(chunk(0x0101, nodeHeader(), [ns]));

  let list = strings.list;
  if (opts.obfuscateNames) list = list.map((s) => (s.startsWith('\u0000') ? '' : s));
  return chunk(0x0003, Buffer.alloc(0), [encodeStringPool(list, opts.utf8), chunk(0x0180, Buffer.alloc(0), [resMap]), ...nodes]);
}

// ---------------------------------------------------------------------------------------------
// resources.arsc

export interface ResConfigSpec {
  language?: string;
  country?: string;
  density?: number;
  sdkVersion?: number;
}

export interface ResEntrySpec {
  type: string; // "string", "mipmap", "drawable"
  name: string;
  values: { config?: ResConfigSpec; value: Value }[];
}

export interface ArscOptions {
  packageId?: number;
  packageName?: string;
  utf8?: boolean;
  /** Write type chunks in the sparse layout (FLAG_SPARSE). */
  sparse?: boolean;
  /** Write u16 entry offsets (FLAG_OFFSET16, Android 15). */
  offset16?: boolean;
  /** Write compact 8-byte entries (FLAG_COMPACT, Android 14). */
  compact?: boolean;
}

export interface Arsc {
  buf: Buffer;
  /** "type/name" → resource id. */
  ids: Map<string, number>;
}

/** Ids are assigned in order of appearance, so callers can compute them before encoding. */
export function resourceIds(entries: Pick<ResEntrySpec, 'type' | 'name'>[], packageId = 0x7f): Map<string, number> {
  const types: string[] = [];
  const perType = new Map<string, string[]>();
  const ids = new Map<string, number>();
  for (const e of entries) {
    if (!types.includes(e.type)) types.push(e.type);
    const names = perType.get(e.type) ?? [];
    if (!names.includes(e.name)) names.push(e.name);
    perType.set(e.type, names);
    ids.set(`${e.type}/${e.name}`, ((packageId << 24) | ((types.indexOf(e.type) + 1) << 16) | names.indexOf(e.name)) >>> 0);
  }
  return ids;
}

function configBytes(c: ResConfigSpec): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(64, 0);
  if (c.language) b.write(c.language, 8, 'latin1');
  if (c.country) b.write(c.country, 10, 'latin1');
  b.writeUInt16LE(c.density ?? 0, 14);
  b.writeUInt16LE(c.sdkVersion ?? 0, 24);
  return b;
}

export function encodeArsc(entries: ResEntrySpec[], opts: ArscOptions = {}): Arsc {
  const packageId = opts.packageId ?? 0x7f;
  const ids = resourceIds(entries, packageId);
  const globals = new Strings();
  const types = new Strings();
  const keys = new Strings();
  for (const e of entries) {
    types.index(e.type);
    keys.index(e.name);
  }
  const typeChunks: Buffer[] = [];
  for (const [t, typeName] of types.list.entries()) {
    const typeId = t + 1;
    const ofType = entries.filter((e) => e.type === typeName);
    const names = [...new Set(ofType.map((e) => e.name))];
    const spec = Buffer.alloc(8);
    spec.writeUInt8(typeId, 0);
    spec.writeUInt32LE(names.length, 4);
    typeChunks.push(chunk(0x0202, spec, [Buffer.alloc(4 * names.length)]));
    // One type chunk per distinct configuration.
    const configs = new Map<string, ResConfigSpec>();
    for (const e of ofType) for (const v of e.values) configs.set(JSON.stringify(v.config ?? {}), v.config ?? {});
    for (const [cfgKey, cfg] of configs) {
      const present: { index: number; bytes: Buffer }[] = [];
      names.forEach((name, index) => {
        const e = ofType.find((x) => x.name === name);
        const v = e?.values.find((x) => JSON.stringify(x.config ?? {}) === cfgKey);
        if (!v) return;
        const { dataType, data } = valueBytes(v.value, (s) => globals.index(s));
        if (opts.compact) {
          const b = Buffer.alloc(8);
          b.writeUInt16LE(keys.index(name), 0);
          b.writeUInt16LE(0x0008 | (dataType << 8), 2);
          b.writeUInt32LE(data, 4);
          present.push({ index, bytes: b });
          return;
        }
        const b = Buffer.alloc(16);
        b.writeUInt16LE(8, 0);
        b.writeUInt16LE(0, 2);
        b.writeUInt32LE(keys.index(name), 4);
        b.writeUInt16LE(8, 8);
        b.writeUInt8(dataType, 11);
        b.writeUInt32LE(data, 12);
        present.push({ index, bytes: b });
      });
      const count = opts.sparse ? present.length : names.length;
      const starts: number[] = [];
      present.reduce((at, p) => (starts.push(at), at + p.bytes.length), 0);
      let offsets: Buffer;
      if (opts.sparse) {
        offsets = Buffer.alloc(4 * count);
        present.forEach((p, i) => {
          offsets.writeUInt16LE(p.index, i * 4);
          offsets.writeUInt16LE(starts[i]! / 4, i * 4 + 2);
        });
      } else if (opts.offset16) {
        offsets = pad4(Buffer.alloc(2 * count, 0xff));
        present.forEach((p, i) => offsets.writeUInt16LE(starts[i]! / 4, p.index * 2));
      } else {
        offsets = Buffer.alloc(4 * count, 0xff);
        present.forEach((p, i) => offsets.writeUInt32LE(starts[i]!, p.index * 4));
      }
      const header = Buffer.alloc(12 + 64);
      header.writeUInt8(typeId, 0);
      header.writeUInt8((opts.sparse ? 0x01 : 0) | (opts.offset16 ? 0x02 : 0), 1);
      header.writeUInt32LE(count, 4);
      header.writeUInt32LE(8 + header.length + offsets.length, 8);
      configBytes(cfg).copy(header, 12);
      typeChunks.push(chunk(0x0201, header, [offsets, ...present.map((p) => p.bytes)]));
    }
  }
  const typePool = encodeStringPool(types.list, opts.utf8);
  const keyPool = encodeStringPool(keys.list, opts.utf8);
  const pkgHeader = Buffer.alloc(288 - 8);
  pkgHeader.writeUInt32LE(packageId, 0);
  pkgHeader.write((opts.packageName ?? 'com.example').slice(0, 127), 4, 'utf16le');
  pkgHeader.writeUInt32LE(288, 260); // typeStrings
  pkgHeader.writeUInt32LE(types.list.length, 264);
  pkgHeader.writeUInt32LE(288 + typePool.length, 268); // keyStrings
  pkgHeader.writeUInt32LE(keys.list.length, 272);
  const pkg = chunk(0x0200, pkgHeader, [typePool, keyPool, ...typeChunks]);
  const tableHeader = Buffer.alloc(4);
  tableHeader.writeUInt32LE(1, 0);
  return { buf: chunk(0x0002, tableHeader, [encodeStringPool(globals.list, opts.utf8), pkg]), ids };
}

// ---------------------------------------------------------------------------------------------
// Manifests

export interface ManifestSpec {
  package?: string;
  versionCode?: Value;
  versionCodeMajor?: Value;
  versionName?: Value;
  minSdk?: Value;
  targetSdk?: Value;
  label?: Value;
  icon?: Value;
  roundIcon?: Value;
  debuggable?: boolean;
  testOnly?: boolean;
  features?: { name: string; required?: boolean }[];
  leanbackLauncher?: boolean;
}

export function manifestTree(m: ManifestSpec): XmlNode {
  const attrs: XmlAttr[] = [];
  if (m.versionCode) attrs.push({ name: 'versionCode', value: m.versionCode });
  if (m.versionCodeMajor) attrs.push({ name: 'versionCodeMajor', value: m.versionCodeMajor });
  if (m.versionName) attrs.push({ name: 'versionName', value: m.versionName });
  if (m.package !== undefined) attrs.push({ name: 'package', value: str(m.package), android: false });
  const sdk: XmlAttr[] = [];
  if (m.minSdk) sdk.push({ name: 'minSdkVersion', value: m.minSdk });
  if (m.targetSdk) sdk.push({ name: 'targetSdkVersion', value: m.targetSdk });
  const app: XmlAttr[] = [];
  if (m.label) app.push({ name: 'label', value: m.label });
  if (m.icon) app.push({ name: 'icon', value: m.icon });
  if (m.roundIcon) app.push({ name: 'roundIcon', value: m.roundIcon });
  if (m.debuggable !== undefined) app.push({ name: 'debuggable', value: bool(m.debuggable) });
  if (m.testOnly !== undefined) app.push({ name: 'testOnly', value: bool(m.testOnly) });
  const category = m.leanbackLauncher ? 'android.intent.category.LEANBACK_LAUNCHER' : 'android.intent.category.LAUNCHER';
  return {
    name: 'manifest',
    attrs,
    children: [
      { name: 'uses-sdk', attrs: sdk },
      ...(m.features ?? []).map((f) => ({
        name: 'uses-feature',
        attrs: [
          { name: 'name', value: str(f.name) },
          ...(f.required === undefined ? [] : [{ name: 'required', value: bool(f.required) }]),
        ],
      })),
      {
        name: 'application',
        attrs: app,
        children: [
          {
            name: 'activity',
            attrs: [{ name: 'name', value: str('.MainActivity') }],
            children: [
              {
                name: 'intent-filter',
                children: [
                  { name: 'action', attrs: [{ name: 'name', value: str('android.intent.action.MAIN') }] },
                  { name: 'category', attrs: [{ name: 'name', value: str(category) }] },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

export function adaptiveIconXml(foreground: number, background: number): Buffer {
  return encodeAxml({
    name: 'adaptive-icon',
    children: [
      { name: 'background', attrs: [{ name: 'drawable', value: ref(background) }] },
      { name: 'foreground', attrs: [{ name: 'drawable', value: ref(foreground) }] },
    ],
  });
}

export function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(0x80);
  return PNG.sync.write(png);
}

// ---------------------------------------------------------------------------------------------
// Zip + signatures

export const BLOCK_ID = { V2: 0x7109871a, V3: 0xf05368c0, V31: 0x1b93ad61, PADDING: 0x42726577 } as const;

/** The APK Signing Block holding the given id-value pairs (values are dummy bytes). */
export function signingBlock(ids: number[]): Buffer {
  const pairs = ids.map((id) => {
    const value = Buffer.alloc(12, 0x5a);
    const b = Buffer.alloc(12);
    b.writeBigUInt64LE(BigInt(4 + value.length), 0);
    b.writeUInt32LE(id, 8);
    return Buffer.concat([b, value]);
  });
  const body = Buffer.concat(pairs);
  const size = BigInt(body.length + 8 + 16);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(size);
  return Buffer.concat([head, body, head, Buffer.from('APK Sig Block 42', 'latin1')]);
}

/** Inserts a signing block right before the central directory and fixes the end record. */
export function insertSigningBlock(zip: Buffer, block: Buffer): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const cd = zip.readUInt32LE(eocd + 16);
  const out = Buffer.concat([zip.subarray(0, cd), block, zip.subarray(cd)]);
  out.writeUInt32LE(cd + block.length, eocd + block.length + 16);
  return out;
}

export async function zipBuffer(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name, { compress: true });
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export interface ApkSpec {
  manifest?: Buffer;
  arsc?: Buffer;
  files?: Record<string, Buffer>;
  /** Add META-INF/MANIFEST.MF, CERT.SF and CERT.RSA (dummy content: schemes are detected, not verified). */
  v1?: boolean;
  /** Ids for an APK Signing Block (BLOCK_ID.V2, ...). */
  blockIds?: number[];
}

export async function apkBuffer(spec: ApkSpec): Promise<Buffer> {
  const files: Record<string, Buffer> = {};
  if (spec.manifest) files['AndroidManifest.xml'] = spec.manifest;
  if (spec.arsc) files['resources.arsc'] = spec.arsc;
  files['classes.dex'] = Buffer.from('dex\n035\0');
  Object.assign(files, spec.files ?? {});
  if (spec.v1) {
    files['META-INF/MANIFEST.MF'] = Buffer.from('Manifest-Version: 1.0\r\n\r\n');
    files['META-INF/CERT.SF'] = Buffer.from('Signature-Version: 1.0\r\n\r\n');
    files['META-INF/CERT.RSA'] = Buffer.from([0x30, 0x82, 0x00, 0x00]);
  }
  const zip = await zipBuffer(files);
  return spec.blockIds ? insertSigningBlock(zip, signingBlock(spec.blockIds)) : zip;
}

/** A scratch folder for APK files; remove() deletes it. */
export async function scratchDir(): Promise<{ dir: string; write(name: string, data: Buffer): Promise<string>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-apk-'));
  return {
    dir,
    async write(name, data) {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
