// Binary XML (AXML) as aapt/aapt2 compile AndroidManifest.xml and res/**/*.xml.
// Hand-written on purpose: the maintained JS readers either read the whole APK into memory
// (node-apk) or walk the zip twice per lookup (app-info-parser, ~5x slower on big APKs), and none
// report malformed input as a typed error. The format is a small chunk tree (see chunk.ts), so a
// parser over the one inflated entry is short and lets us bound every read, and the work (chunks,
// attributes, depth, strings decoded) is budgeted in src/core/budget.ts.
import { AXML_LIMITS, ParseBudget } from '../../budget.js';
import { type Chunk, ChunkType, badApk, childChunks, readChunk, u16, u32 } from './chunk.js';
import { StringPool } from './string-pool.js';
import type { TypedValue } from './typed-value.js';

export interface XmlAttribute {
  namespace: string | null;
  name: string;
  /** android.R.attr id from the resource map: survives obfuscators that blank attribute names. */
  resId: number | null;
  value: TypedValue;
}

export interface XmlElement {
  namespace: string | null;
  name: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
}

export function parseAxml(buf: Buffer, entry: string): XmlElement {
  const budget = new ParseBudget(entry, AXML_LIMITS);
  const root = readChunk(buf, 0, buf.length, entry);
  if (root.type !== ChunkType.XML) {
    throw badApk(entry, 'it is not binary XML (AXML) — was the manifest left as text?');
  }
  let pool: StringPool | null = null;
  let resMap: Uint32Array = new Uint32Array(0);
  const top: XmlElement[] = [];
  const stack: XmlElement[] = [];

  for (const chunk of childChunks(buf, root, entry)) {
    budget.objects();
    switch (chunk.type) {
      case ChunkType.STRING_POOL:
        pool = new StringPool(buf, chunk, entry, budget);
        break;
      case ChunkType.XML_RESOURCE_MAP: {
        const n = Math.floor((chunk.size - chunk.headerSize) / 4);
        resMap = new Uint32Array(n);
        for (let i = 0; i < n; i++) resMap[i] = buf.readUInt32LE(chunk.offset + chunk.headerSize + i * 4);
        break;
      }
      case ChunkType.XML_START_ELEMENT: {
        if (!pool) throw badApk(entry, 'an element comes before the string pool');
        budget.depth(stack.length + 1);
        const el = readElement(buf, chunk, pool, resMap, entry, budget);
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(el);
        else top.push(el);
        stack.push(el);
        break;
      }
      case ChunkType.XML_END_ELEMENT:
        if (!stack.pop()) throw badApk(entry, 'an end tag has no matching start tag');
        break;
      default:
        // Namespaces (we read the URI per attribute), CDATA and unknown future chunks are skipped.
        break;
    }
  }
  const first = top[0];
  if (!first) throw badApk(entry, 'it holds no XML element');
  return first;
}

function readElement(buf: Buffer, chunk: Chunk, pool: StringPool, resMap: Uint32Array, entry: string, budget: ParseBudget): XmlElement {
  // Node header (16 bytes: chunk header, line number, comment) then ResXMLTree_attrExt.
  const ext = chunk.offset + chunk.headerSize;
  const namespace = pool.get(u32(buf, ext, chunk, entry));
  const name = pool.get(u32(buf, ext + 4, chunk, entry)) ?? '';
  const attrStart = u16(buf, ext + 8, chunk, entry);
  const attrSize = u16(buf, ext + 10, chunk, entry);
  const attrCount = u16(buf, ext + 12, chunk, entry);
  if (attrCount > 0 && attrSize < 20) throw badApk(entry, `element <${name}> has ${attrSize}-byte attributes`);
  const attributes: XmlAttribute[] = [];
  for (let i = 0; i < attrCount; i++) {
    budget.objects();
    const at = ext + attrStart + i * attrSize;
    if (at + 20 > chunk.offset + chunk.size) throw badApk(entry, `attributes of <${name}> run past their chunk`);
    const nameIdx = buf.readUInt32LE(at + 4);
    const rawIdx = buf.readUInt32LE(at + 8);
    const type = buf.readUInt8(at + 15);
    const data = buf.readUInt32LE(at + 16);
    const resId = nameIdx < resMap.length ? (resMap[nameIdx] ?? null) : null;
    const value: TypedValue = { type, data };
    // aapt keeps the raw text for strings; aapt2 sets dataType STRING with data = pool index.
    const raw = pool.get(rawIdx);
    if (raw !== null) value.string = raw;
    else if (type === 0x03) value.string = pool.get(data) ?? '';
    attributes.push({
      namespace: pool.get(buf.readUInt32LE(at)),
      name: pool.get(nameIdx) ?? '',
      resId,
      value,
    });
  }
  return { namespace, name, attributes, children: [] };
}
