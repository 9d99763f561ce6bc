// Fuzzing the plist readers (binary and XML) with damaged valid documents and raw bytes: every
// failure is BAD_PLIST or PARSE_BUDGET, and what a successful read returns stays within the budget.
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { build, buildBinary } from 'plist';
import type { PlistValue } from 'plist';
import { PLIST_LIMITS } from '../../../src/core/budget.js';
import { readPlistDict } from '../../../src/core/plist/read.js';
import { referenceBomb } from '../../helpers/bombs.js';
import { RUNS, assertCatalogued, mutated } from './mutate.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
// eslint-disable-next-line no-control-regex
const text = fc.string({ maxLength: 20 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/.test(s));
const leaf: fc.Arbitrary<PlistValue> = fc.oneof(
  text,
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2050-01-01'), noInvalidDate: true }),
  fc.uint8Array({ maxLength: 24 }),
);
const { value } = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
}));
const rootDict = fc.dictionary(key, value, { maxKeys: 6 });

/** Values and string/data bytes in a parsed plist (shared subtrees counted each time they appear). */
function measure(v: PlistValue, acc = { objects: 0, bytes: 0 }): { objects: number; bytes: number } {
  acc.objects++;
  if (typeof v === 'string') acc.bytes += v.length;
  else if (v instanceof Uint8Array) acc.bytes += v.length;
  else if (Array.isArray(v)) for (const x of v) measure(x, acc);
  else if (v !== null && typeof v === 'object' && !(v instanceof Date)) for (const [k, x] of Object.entries(v)) measure(x, measure(k, acc));
  return acc;
}

function readsWithinBudget(bytes: Buffer): void {
  try {
    const { value: v } = readPlistDict(bytes, 'fuzz.plist');
    const { objects, bytes: produced } = measure(v);
    // Keys are counted here as values of their own, so a dict can show up to twice its budget count.
    if (objects > 2 * PLIST_LIMITS.objects) throw new Error(`${objects} values produced`);
    if (produced > PLIST_LIMITS.bytes) throw new Error(`${produced} bytes produced`);
  } catch (err) {
    assertCatalogued(err, ['BAD_PLIST', 'PARSE_BUDGET']);
  }
}

describe('fuzz: property lists', () => {
  test('binary: damaged documents', () => {
    const valid = rootDict.map((d) => Buffer.from(buildBinary(d)));
    fc.assert(fc.property(mutated(valid), readsWithinBudget), { numRuns: propertyRuns(RUNS) });
  });

  test('binary: damaged reference bombs (shared structure)', () => {
    const bombs = fc.integer({ min: 1, max: 64 }).map((levels) => referenceBomb(levels));
    fc.assert(fc.property(mutated(bombs, 4), readsWithinBudget), { numRuns: propertyRuns(Math.ceil(RUNS / 3)) });
  });

  test('XML: damaged documents', () => {
    const valid = rootDict.map((d) => Buffer.from(build(d), 'utf8'));
    fc.assert(fc.property(mutated(valid), readsWithinBudget), { numRuns: propertyRuns(RUNS) });
  });

  test('raw bytes behind a plist signature', () => {
    const raw = fc.tuple(fc.constantFrom('bplist00', '<?xml version="1.0"?><plist>', '<plist><dict>'), fc.uint8Array({ maxLength: 256 }));
    fc.assert(
      fc.property(raw, ([head, tail]) => readsWithinBudget(Buffer.concat([Buffer.from(head, 'latin1'), tail]))),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});
