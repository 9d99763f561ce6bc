// Structured mutation for the parser fuzz tests: valid documents (built by the synthetic helpers)
// damaged the way hostile or broken files are — bytes flipped, lengths and counts replaced by
// boundary values, slices repeated (shared structure, loops), cut short, or junk inserted.
import fc from 'fast-check';
import { OtashipError } from '../../../src/core/errors.js';

/** Values that sit on the edges of the length and count fields of binary formats. */
export const BOUNDARY = [0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

export type Mutation =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; value: number; size: 1 | 2 | 4; littleEndian: boolean }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; from: number; length: number; at: number; times: number };

/** Positions are fractions of the current length, so they stay meaningful as the buffer changes. */
const where = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: where, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('word' as const),
    at: where,
    value: fc.oneof(fc.constantFrom(...BOUNDARY), fc.nat()),
    size: fc.constantFrom(1 as const, 2 as const, 4 as const),
    littleEndian: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: where }),
  fc.record({ kind: fc.constant('insert' as const), at: where, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('repeat' as const), from: where, length: fc.integer({ min: 1, max: 64 }), at: where, times: fc.integer({ min: 1, max: 16 }) }),
);

export function applyMutations(input: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of mutations) {
    if (b.length === 0) break;
    const pos = (f: number): number => Math.floor(f * b.length);
    switch (m.kind) {
      case 'byte':
        b[pos(m.at)] = m.value;
        break;
      case 'word': {
        const at = Math.min(pos(m.at), Math.max(0, b.length - m.size));
        if (at + m.size > b.length) break;
        const v = m.size === 4 ? m.value >>> 0 : m.value & (m.size === 2 ? 0xffff : 0xff);
        if (m.littleEndian) b.writeUIntLE(v, at, m.size);
        else b.writeUIntBE(v, at, m.size);
        break;
      }
      case 'cut':
        b = b.subarray(0, pos(m.at));
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, pos(m.at)), m.bytes, b.subarray(pos(m.at))]);
        break;
      case 'repeat': {
        const from = pos(m.from);
        const slice = b.subarray(from, from + m.length);
        const at = pos(m.at);
        b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: m.times }, () => slice), b.subarray(at)]);
        break;
      }
    }
  }
  return b;
}

/** A valid document, damaged by up to `max` mutations (sometimes none: the valid one must pass too). */
export function mutated(valid: fc.Arbitrary<Buffer>, max = 6): fc.Arbitrary<Buffer> {
  return fc.tuple(valid, fc.array(mutation, { maxLength: max })).map(([b, ms]) => applyMutations(b, ms));
}

/** Fails the property unless `err` is an error from the catalogue (never a TypeError, RangeError…). */
export function assertCatalogued(err: unknown, allowed: readonly string[]): void {
  if (!(err instanceof OtashipError)) {
    throw new Error(`not a catalogue error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
  }
  if (!allowed.includes(err.code)) throw new Error(`unexpected code ${err.code}: ${err.message}`, { cause: err });
}

/** Number of runs per property: enough to reach the edge cases, few enough for a loaded 2-core CI. */
export const RUNS = Number(process.env.OTASHIP_FUZZ_RUNS ?? 300);
