// ResStringPool: the string table shared by AXML and resources.arsc. Strings are decoded lazily
// (an app's resources.arsc can hold 100k strings and we need a handful), UTF-8 or UTF-16.
// Decoded bytes are charged to the parse's budget: many indices may point at one long string, so
// the text produced is not bounded by the pool's size.
import type { ParseBudget } from '../../budget.js';
import { type Chunk, ChunkType, badApk } from './chunk.js';

const UTF8_FLAG = 0x100;
const NO_STRING = 0xffffffff;
/**
 * Made on first use: creating a TextDecoder opens an ICU converter (~3 ms), which `otaship inspect`
 * of an IPA, whose bundle holds this module too, should not pay at start-up.
 */
let utf16: TextDecoder | undefined;

export class StringPool {
  readonly count: number;
  private readonly utf8: boolean;
  private readonly offsetsAt: number;
  private readonly stringsAt: number;
  private readonly end: number;
  private readonly cache = new Map<number, string>();

  constructor(
    private readonly buf: Buffer,
    chunk: Chunk,
    private readonly entry: string,
    private readonly budget: ParseBudget,
  ) {
    if (chunk.type !== ChunkType.STRING_POOL || chunk.headerSize < 28) {
      throw badApk(entry, `expected a string pool at byte ${chunk.offset}`);
    }
    const o = chunk.offset;
    this.count = buf.readUInt32LE(o + 8);
    const flags = buf.readUInt32LE(o + 16);
    this.utf8 = (flags & UTF8_FLAG) !== 0;
    this.offsetsAt = o + chunk.headerSize;
    this.stringsAt = o + buf.readUInt32LE(o + 20);
    this.end = o + chunk.size;
    if (this.offsetsAt + this.count * 4 > this.end || (this.count > 0 && this.stringsAt > this.end)) {
      throw badApk(entry, `the string pool at byte ${o} declares more strings than it holds`);
    }
  }

  /** The string at index i; null for the "no string" index 0xffffffff. */
  get(i: number): string | null {
    if (i === NO_STRING) return null;
    if (i < 0 || i >= this.count) throw badApk(this.entry, `string index ${i} is beyond the pool's ${this.count} strings`);
    const cached = this.cache.get(i);
    if (cached !== undefined) return cached;
    const at = this.stringsAt + this.buf.readUInt32LE(this.offsetsAt + i * 4);
    const s = this.utf8 ? this.decodeUtf8(at) : this.decodeUtf16(at);
    this.cache.set(i, s);
    return s;
  }

  private need(at: number, n: number): void {
    if (at < 0 || at + n > this.end) throw badApk(this.entry, `a string at byte ${at} runs past its pool`);
  }

  private decodeUtf8(at: number): string {
    // Two lengths, each 1 or 2 bytes (high bit = 2-byte form): UTF-16 units (ignored), then bytes.
    let p = at;
    const len = (): number => {
      this.need(p, 1);
      const b = this.buf[p++] ?? 0;
      if ((b & 0x80) === 0) return b;
      this.need(p, 1);
      return ((b & 0x7f) << 8) | (this.buf[p++] ?? 0);
    };
    len();
    const bytes = len();
    this.need(p, bytes);
    this.budget.bytes(bytes);
    return this.buf.toString('utf8', p, p + bytes);
  }

  private decodeUtf16(at: number): string {
    this.need(at, 2);
    let units = this.buf.readUInt16LE(at);
    let p = at + 2;
    if (units & 0x8000) {
      this.need(p, 2);
      units = ((units & 0x7fff) << 16) | this.buf.readUInt16LE(p);
      p += 2;
    }
    this.need(p, units * 2);
    this.budget.bytes(units * 2);
    utf16 ??= new TextDecoder('utf-16le');
    return utf16.decode(this.buf.subarray(p, p + units * 2));
  }
}
