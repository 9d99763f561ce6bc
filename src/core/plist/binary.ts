// Binary property lists (bplist00), parsed by hand so that reading one does not load plist@5, whose
// entry module pulls in @xmldom/xmldom (~100 ms per CLI run) even for binary input. The format is a
// flat object table (Apple's CFBinaryPList.c): a 32-byte trailer, an offset table and typed
// objects. Unlike plist@5's parseBinary, every offset and length is bounds-checked, reference
// cycles are stopped, and the work is budgeted (src/core/budget.ts): objects may be shared, so ~400
// bytes of arrays that each point twice at the previous one would expand as 2^depth. A hostile
// Info.plist or device answer gives an error instead of a crash or a hang.
// Values match plist@5's: data as Uint8Array, dates as Date, UIDs as { UID: n }.
import type { PlistValue } from 'plist';
import { PLIST_LIMITS, ParseBudget } from '../budget.js';

const EPOCH_2001_MS = 978307200000;

export class BinaryPlistError extends Error {}

/** Over budget: OtashipError PARSE_BUDGET; otherwise malformed input: BinaryPlistError. */
export function parseBinaryPlist(data: Uint8Array, budget = new ParseBudget('the binary property list', PLIST_LIMITS)): PlistValue {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const fail = (why: string): never => {
    throw new BinaryPlistError(`binary plist: ${why}`);
  };
  if (buf.length < 8 + 32 || buf.toString('latin1', 0, 8) !== 'bplist00') fail('too short or bad magic');
  const t = buf.length - 32;
  const offsetSize = buf[t + 6] as number;
  const refSize = buf[t + 7] as number;
  const numObjects = uint(buf, t + 8, 8);
  const topObject = uint(buf, t + 16, 8);
  const tableAt = uint(buf, t + 24, 8);
  if (![1, 2, 4, 8].includes(offsetSize) || ![1, 2, 4, 8].includes(refSize)) fail('bad trailer sizes');
  if (numObjects < 1 || topObject >= numObjects || tableAt < 8 || tableAt + numObjects * offsetSize > t) fail('bad object table');

  const offsetOf = (ref: number): number => {
    if (ref >= numObjects) fail(`object reference ${ref} out of range`);
    const at = uint(buf, tableAt + ref * offsetSize, offsetSize);
    if (at < 8 || at >= tableAt) fail(`object ${ref} lies outside the object area`);
    return at;
  };
  const need = (at: number, n: number): void => {
    if (at + n > tableAt || n < 0) fail('object runs past the object area');
  };
  const active = new Set<number>();

  const parse = (ref: number, depth: number): PlistValue => {
    budget.depth(depth);
    budget.objects();
    let at = offsetOf(ref);
    const marker = buf[at] as number;
    const type = marker >> 4;
    let size = marker & 0x0f;
    at++;
    if (type !== 0 && type !== 1 && type !== 2 && type !== 3 && type !== 8 && size === 0x0f) {
      need(at, 1);
      const ext = buf[at] as number;
      const n = 1 << (ext & 0x0f);
      if (ext >> 4 !== 1 || n > 8) fail('bad length marker');
      need(at + 1, n);
      size = uint(buf, at + 1, n);
      at += 1 + n;
    }
    switch (type) {
      case 0x0:
        if (marker === 0x00) return null as unknown as PlistValue;
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        return fail(`unknown singleton 0x${marker.toString(16)}`);
      case 0x1: {
        const n = 1 << size;
        need(at, n);
        if (n <= 4) return uint(buf, at, n);
        if (n === 8) return buf.readInt32BE(at) * 0x100000000 + buf.readUInt32BE(at + 4);
        if (n === 16) return buf.readInt32BE(at + 8) * 0x100000000 + buf.readUInt32BE(at + 12);
        return fail(`unsupported integer size ${n}`);
      }
      case 0x2: {
        const n = 1 << size;
        need(at, n);
        if (n === 4) return buf.readFloatBE(at);
        if (n === 8) return buf.readDoubleBE(at);
        return fail(`unsupported real size ${n}`);
      }
      case 0x3:
        need(at, 8);
        return new Date(buf.readDoubleBE(at) * 1000 + EPOCH_2001_MS);
      case 0x4:
        need(at, size);
        budget.bytes(size);
        return new Uint8Array(buf.buffer, buf.byteOffset + at, size);
      case 0x5:
        need(at, size);
        budget.bytes(size);
        return buf.toString('latin1', at, at + size);
      case 0x6: {
        need(at, size * 2);
        budget.bytes(size * 2);
        // Decoded natively (a copy swapped to little-endian): building the string one character at a
        // time cost ~30 bytes of heap per character, and the budget counts two.
        return Buffer.from(buf.subarray(at, at + size * 2)).swap16().toString('utf16le');
      }
      case 0x8:
        need(at, size + 1);
        return { UID: size + 1 <= 8 ? uint(buf, at, size + 1) : fail('UID too large') } as unknown as PlistValue;
      case 0xa:
      case 0xd: {
        const count = type === 0xd ? size * 2 : size;
        need(at, count * refSize);
        if (active.has(ref)) fail('reference cycle');
        active.add(ref);
        let out: PlistValue;
        if (type === 0xa) {
          const arr: PlistValue[] = [];
          for (let i = 0; i < size; i++) arr.push(parse(uint(buf, at + i * refSize, refSize), depth + 1));
          out = arr;
        } else {
          const dict: { [key: string]: PlistValue } = {};
          for (let i = 0; i < size; i++) {
            const key = parse(uint(buf, at + i * refSize, refSize), depth + 1);
            if (typeof key !== 'string') fail('a dictionary key is not a string');
            if (key === '__proto__') fail('__proto__ key refused');
            dict[key as string] = parse(uint(buf, at + (size + i) * refSize, refSize), depth + 1);
          }
          out = dict;
        }
        active.delete(ref);
        return out;
      }
      default:
        return fail(`unknown object type 0x${type.toString(16)}`);
    }
  };
  return parse(topObject, 0);
}

/** Big-endian unsigned integer of 1-8 bytes (exact below 2^53). */
function uint(buf: Buffer, at: number, n: number): number {
  if (at + n > buf.length) throw new BinaryPlistError('binary plist: read past the end');
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (buf[at + i] as number);
  return v;
}
