// resources.arsc: the compiled resource table that turns references like @0x7f0f001c into values
// per configuration (locale, density, ...). Hand-written for the same reasons as axml.ts. The parse
// only indexes chunk positions; entries are decoded on lookup, since an app table can be tens of
// MiB and the inspection needs a few resources (label, icon, a version string). The work of the
// parse and of every later lookup (chunks and entries visited, strings decoded) is charged to one
// budget per table (src/core/budget.ts).
import { ARSC_LIMITS, ParseBudget } from '../../budget.js';
import { type Chunk, ChunkType, badApk, childChunks, readChunk } from './chunk.js';
import { StringPool } from './string-pool.js';
import { type TypedValue, ValueType } from './typed-value.js';

export const Density = { DEFAULT: 0, ANY: 0xfffe, NONE: 0xffff } as const;

export interface ResConfig {
  /** ISO 639 language ("" = any), e.g. "en". */
  language: string;
  country: string;
  /** dpi; 0 = default (mdpi), 0xfffe = anydpi, 0xffff = nodpi. */
  density: number;
  sdkVersion: number;
  /** True when every qualifier is unset: the value Android falls back to. */
  isDefault: boolean;
}

export interface ResolvedValue {
  config: ResConfig;
  /** Entry name, e.g. "ic_launcher". */
  key: string;
  /** Type name, e.g. "mipmap". */
  typeName: string;
  value: TypedValue;
}

interface TypeChunk {
  chunk: Chunk;
  config: ResConfig;
}

interface ResPackage {
  id: number;
  typeNames: StringPool;
  keyNames: StringPool;
  /** Type id (1-based) → the type chunks, one per configuration. */
  types: Map<number, TypeChunk[]>;
}

const NO_ENTRY = 0xffffffff;
const FLAG_SPARSE = 0x01;
const FLAG_OFFSET16 = 0x02;
const ENTRY_COMPLEX = 0x0001;
const ENTRY_COMPACT = 0x0008;

export class ResourceTable {
  private constructor(
    private readonly buf: Buffer,
    private readonly entry: string,
    private readonly strings: StringPool,
    private readonly packages: Map<number, ResPackage>,
    private readonly budget: ParseBudget,
  ) {}

  static parse(buf: Buffer, entry: string): ResourceTable {
    const budget = new ParseBudget(entry, ARSC_LIMITS);
    const root = readChunk(buf, 0, buf.length, entry);
    if (root.type !== ChunkType.TABLE) throw badApk(entry, 'it is not a resource table');
    let strings: StringPool | null = null;
    const packages = new Map<number, ResPackage>();
    for (const chunk of childChunks(buf, root, entry)) {
      budget.objects();
      if (chunk.type === ChunkType.STRING_POOL && !strings) strings = new StringPool(buf, chunk, entry, budget);
      else if (chunk.type === ChunkType.TABLE_PACKAGE) {
        const pkg = parsePackage(buf, chunk, entry, budget);
        if (!packages.has(pkg.id)) packages.set(pkg.id, pkg);
      }
    }
    if (!strings) throw badApk(entry, 'it has no global string pool');
    return new ResourceTable(buf, entry, strings, packages, budget);
  }

  /** Every configuration's value for a resource id (one level: references are returned as is). */
  lookup(resId: number): ResolvedValue[] {
    const pkg = this.packages.get(resId >>> 24) ?? (resId >>> 24 === 0 ? this.packages.values().next().value : undefined);
    const typeId = (resId >>> 16) & 0xff;
    const index = resId & 0xffff;
    const chunks = pkg?.types.get(typeId);
    if (!pkg || !chunks || typeId < 1 || typeId > pkg.typeNames.count) return [];
    const typeName = pkg.typeNames.get(typeId - 1) ?? '';
    const out: ResolvedValue[] = [];
    this.budget.objects(chunks.length);
    for (const t of chunks) {
      const found = this.readEntry(t, index, pkg);
      if (found) out.push({ config: t.config, typeName, key: found.key, value: found.value });
    }
    return out;
  }

  /** Ids of every entry of the given type whose name is `key` (e.g. all "ic_launcher" mipmaps). */
  idsNamed(typeName: string, key: string): number[] {
    const ids = new Set<number>();
    for (const pkg of this.packages.values()) {
      for (const [typeId, chunks] of pkg.types) {
        if (typeId < 1 || typeId > pkg.typeNames.count || pkg.typeNames.get(typeId - 1) !== typeName) continue;
        this.budget.objects(chunks.length);
        for (const t of chunks) {
          for (const i of this.entryIndices(t)) {
            const e = this.readEntry(t, i, pkg);
            if (e?.key === key) ids.add(((pkg.id << 24) | (typeId << 16) | i) >>> 0);
          }
        }
      }
    }
    return [...ids];
  }

  private entryIndices(t: TypeChunk): number[] {
    const c = t.chunk;
    const declared = this.buf.readUInt32LE(c.offset + 12);
    const flags = this.buf.readUInt8(c.offset + 9);
    // Every entry has an offset (2 or 4 bytes) after the header: the declared count cannot exceed
    // what fits, and trusting it would allocate up to 2^32 indices from one field.
    const slot = flags & FLAG_OFFSET16 && !(flags & FLAG_SPARSE) ? 2 : 4;
    const count = Math.min(declared, Math.floor((c.size - c.headerSize) / slot));
    this.budget.objects(count);
    if (!(flags & FLAG_SPARSE)) return Array.from({ length: count }, (_, i) => i);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(this.buf.readUInt16LE(c.offset + c.headerSize + i * 4));
    return out;
  }

  private readEntry(t: TypeChunk, index: number, pkg: ResPackage): { key: string; value: TypedValue } | null {
    const { buf, entry } = this;
    const c = t.chunk;
    const end = c.offset + c.size;
    const flags = buf.readUInt8(c.offset + 9);
    const count = buf.readUInt32LE(c.offset + 12);
    const entriesAt = c.offset + buf.readUInt32LE(c.offset + 16);
    const offsetsAt = c.offset + c.headerSize;
    let offset: number = NO_ENTRY;
    if (flags & FLAG_SPARSE) {
      // Sorted (u16 index, u16 offset/4) pairs: binary search.
      let lo = 0;
      let hi = count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = offsetsAt + mid * 4;
        if (at + 4 > end) throw badApk(entry, 'a sparse entry index runs past its type chunk');
        const idx = buf.readUInt16LE(at);
        if (idx === index) {
          offset = buf.readUInt16LE(at + 2) * 4;
          break;
        }
        if (idx < index) lo = mid + 1;
        else hi = mid - 1;
      }
    } else {
      if (index >= count) return null;
      if (flags & FLAG_OFFSET16) {
        const at = offsetsAt + index * 2;
        if (at + 2 > end) throw badApk(entry, 'an entry offset runs past its type chunk');
        const o16 = buf.readUInt16LE(at);
        offset = o16 === 0xffff ? NO_ENTRY : o16 * 4;
      } else {
        const at = offsetsAt + index * 4;
        if (at + 4 > end) throw badApk(entry, 'an entry offset runs past its type chunk');
        offset = buf.readUInt32LE(at);
      }
    }
    if (offset === NO_ENTRY) return null;
    const at = entriesAt + offset;
    if (at + 8 > end) throw badApk(entry, `resource entry at byte ${at} runs past its type chunk`);
    const eFlags = buf.readUInt16LE(at + 2);
    if (eFlags & ENTRY_COMPACT) {
      // Android 14 compact entry: u16 key index, u16 flags (data type in the high byte), u32 data.
      const key = pkg.keyNames.get(buf.readUInt16LE(at)) ?? '';
      return { key, value: this.value(eFlags >>> 8, buf.readUInt32LE(at + 4)) };
    }
    const size = buf.readUInt16LE(at);
    const key = pkg.keyNames.get(buf.readUInt32LE(at + 4)) ?? '';
    if (eFlags & ENTRY_COMPLEX) return { key, value: { type: ValueType.NULL, data: 0 } }; // bags (styles, arrays)
    const v = at + size;
    if (v + 8 > end) throw badApk(entry, `resource value at byte ${v} runs past its type chunk`);
    return { key, value: this.value(buf.readUInt8(v + 3), buf.readUInt32LE(v + 4)) };
  }

  private value(type: number, data: number): TypedValue {
    const v: TypedValue = { type, data };
    if (type === ValueType.STRING) v.string = this.strings.get(data) ?? '';
    return v;
  }
}

function parsePackage(buf: Buffer, pkgChunk: Chunk, entry: string, budget: ParseBudget): ResPackage {
  const o = pkgChunk.offset;
  if (pkgChunk.headerSize < 284) throw badApk(entry, `package chunk at byte ${o} has a short header`);
  const id = buf.readUInt32LE(o + 8);
  const typeStringsAt = buf.readUInt32LE(o + 268);
  const keyStringsAt = buf.readUInt32LE(o + 276);
  const end = o + pkgChunk.size;
  const pool = (rel: number, what: string): StringPool => {
    if (rel < pkgChunk.headerSize || o + rel >= end) throw badApk(entry, `package ${id} has no ${what} strings`);
    return new StringPool(buf, readChunk(buf, o + rel, end, entry), entry, budget);
  };
  const typeNames = pool(typeStringsAt, 'type');
  const keyNames = pool(keyStringsAt, 'key');
  const types = new Map<number, TypeChunk[]>();
  for (const chunk of childChunks(buf, pkgChunk, entry)) {
    budget.objects();
    if (chunk.type !== ChunkType.TABLE_TYPE) continue;
    if (chunk.headerSize < 20 + 4) throw badApk(entry, `type chunk at byte ${chunk.offset} has a short header`);
    const typeId = buf.readUInt8(chunk.offset + 8);
    const list = types.get(typeId) ?? [];
    list.push({ chunk, config: readConfig(buf, chunk.offset + 20, chunk.offset + chunk.headerSize) });
    types.set(typeId, list);
  }
  return { id, typeNames, keyNames, types };
}

/** ResTable_config: only the qualifiers we choose by; the rest decide isDefault. */
function readConfig(buf: Buffer, at: number, headerEnd: number): ResConfig {
  const size = Math.min(buf.readUInt32LE(at), headerEnd - at);
  const byte = (i: number): number => (i + 1 <= size ? (buf[at + i] ?? 0) : 0);
  const word = (i: number): number => byte(i) | (byte(i + 1) << 8);
  const chars = (i: number): string =>
    byte(i) === 0 ? '' : byte(i) & 0x80 ? 'packed' : String.fromCharCode(byte(i), byte(i + 1));
  let isDefault = true;
  for (let i = 4; i < size; i++) {
    if (byte(i) !== 0) {
      isDefault = false;
      break;
    }
  }
  return { language: chars(8), country: chars(10), density: word(14), sdkVersion: word(24), isDefault };
}
