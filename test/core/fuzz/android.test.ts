// Fuzzing the Android parsers with damaged valid documents: binary XML (AXML) and resources.arsc
// (parse, then the lookups inspection makes). Every failure is BAD_APK or PARSE_BUDGET, and what
// a successful parse returns stays within the budget.
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AXML_LIMITS, ARSC_LIMITS } from '../../../src/core/budget.js';
import { ResourceTable } from '../../../src/core/inspect/apk/arsc.js';
import { parseAxml, type XmlElement } from '../../../src/core/inspect/apk/axml.js';
import { fileCandidates, resolveValue } from '../../../src/core/inspect/apk/resolve.js';
import { encodeArsc, encodeAxml, file, int, ref, resourceIds, str, type ResEntrySpec, type Value, type XmlNode } from '../../helpers/synthetic-apk.js';
import { BOUNDARY, RUNS, assertCatalogued, mutated } from './mutate.js';
import { propertyRuns } from '../../helpers/property-runs.js';

/** Offsets and header sizes of every chunk in an AXML or arsc tree (containers walked into). */
function chunkHeaders(b: Buffer): { at: number; type: number; headerSize: number }[] {
  const out: { at: number; type: number; headerSize: number }[] = [];
  const walk = (at: number, end: number): void => {
    while (at + 8 <= end) {
      const type = b.readUInt16LE(at);
      const headerSize = b.readUInt16LE(at + 2);
      const size = b.readUInt32LE(at + 4);
      if (headerSize < 8 || size < headerSize || at + size > end) return;
      out.push({ at, type, headerSize });
      if (type === 0x0002 || type === 0x0003 || type === 0x0200) walk(at + headerSize, at + size);
      at += size;
    }
  };
  walk(0, b.length);
  return out;
}

/**
 * Structure-aware damage for chunk formats: a header field (type, sizes, counts, offsets, flags)
 * of a chosen chunk set to a boundary value, which random byte flips almost never reach.
 */
function damageHeaders(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const edit = fc.record({ chunk: fc.nat(), records: fc.boolean(), field: fc.nat(), value: fc.constantFrom(...BOUNDARY), wide: fc.boolean() });
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([input, edits]) => {
    const b = Buffer.from(input);
    for (const e of edits) {
      // Half the edits go to the chunks that carry per-record counts: string pools, elements, type chunks.
      const all = chunkHeaders(b);
      const counted = all.filter((c) => c.type === 0x0001 || c.type === 0x0102 || c.type === 0x0201);
      const headers = e.records && counted.length > 0 ? counted : all;
      const h = headers[e.chunk % Math.max(1, headers.length)];
      if (!h) break;
      const size = e.wide ? 4 : 2;
      // The counts, offsets and flags sit in the first 28 bytes of every header (configurations follow).
      const at = h.at + 2 * (e.field % (Math.floor((Math.min(h.headerSize, 28) - size) / 2) + 1));
      if (at + size <= b.length) b.writeUIntLE(size === 4 ? e.value >>> 0 : e.value & 0xffff, at, size);
    }
    return b;
  });
}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ maxLength: 12 }).map(str),
  fc.integer({ min: 0, max: 0x7fffffff }).map(int),
  fc.integer({ min: 0x7f010000, max: 0x7f03000f }).map(ref),
);
const { node } = fc.letrec<{ node: XmlNode }>((tie) => ({
  node: fc.record({
    name,
    attrs: fc.array(fc.record({ name: fc.constantFrom('icon', 'label', 'versionCode', 'name', 'custom'), value, android: fc.boolean() }), { maxLength: 4 }),
    children: fc.oneof({ depthSize: 'small' }, fc.constant<XmlNode[]>([]), fc.array(tie('node'), { maxLength: 3 })),
  }),
}));

function countElements(el: XmlElement): number {
  return 1 + el.attributes.length + el.children.reduce((n, c) => n + countElements(c), 0);
}

const entrySpec: fc.Arbitrary<ResEntrySpec> = fc.record({
  type: fc.constantFrom('string', 'mipmap', 'drawable', 'integer'),
  name,
  values: fc.array(
    fc.record({
      config: fc.record({ language: fc.constantFrom('', 'en', 'fr'), density: fc.constantFrom(0, 160, 480, 0xfffe) }),
      value: fc.oneof(value, fc.constantFrom(file('res/mipmap-xxhdpi/ic_launcher.png'), file('res/a1'))),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});
const arscInput = fc.tuple(fc.array(entrySpec, { minLength: 1, maxLength: 8 }), fc.record({ sparse: fc.boolean(), offset16: fc.boolean(), compact: fc.boolean(), utf8: fc.boolean() }));

describe('fuzz: Android binary XML and resources.arsc', () => {
  test('AXML: damaged documents', () => {
    const valid = fc.tuple(node, fc.boolean()).map(([n, utf8]) => encodeAxml(n, { utf8 }));
    fc.assert(
      fc.property(fc.oneof(mutated(valid), damageHeaders(valid)), (bytes) => {
        try {
          const root = parseAxml(bytes, 'AndroidManifest.xml');
          const n = countElements(root);
          if (n > AXML_LIMITS.objects) throw new Error(`${n} elements and attributes produced`);
        } catch (err) {
          assertCatalogued(err, ['BAD_APK', 'PARSE_BUDGET']);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  test('resources.arsc: damaged tables, then lookups, name searches and reference chains', () => {
    const valid = arscInput.map(([entries, opts]) => {
      const { buf, ids } = encodeArsc(entries, opts);
      return { buf, ids: [...ids.values()] };
    });
    fc.assert(
      fc.property(
        fc.tuple(fc.oneof(mutated(valid.map((v) => v.buf)), damageHeaders(valid.map((v) => v.buf))), valid.map((v) => v.ids)),
        ([bytes, ids]) => {
          try {
            const table = ResourceTable.parse(bytes, 'resources.arsc');
            let produced = 0;
            for (const id of [...ids, 0x7f010000, 0x7fff0000, 0xffffffff]) {
              produced += table.lookup(id).length;
              produced += fileCandidates(table, id).length;
              resolveValue(table, { type: 0x01, data: id });
            }
            for (const type of ['mipmap', 'drawable', 'string', 'integer']) produced += table.idsNamed(type, 'ic_launcher').length;
            if (produced > ARSC_LIMITS.objects) throw new Error(`${produced} values produced`);
          } catch (err) {
            assertCatalogued(err, ['BAD_APK', 'PARSE_BUDGET']);
          }
        },
      ),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  test('resources.arsc: ids from the fixed names resolve after damage or fail cleanly', () => {
    const ids = resourceIds([{ type: 'mipmap', name: 'ic_launcher' }]);
    const valid = fc.constant(encodeArsc([{ type: 'mipmap', name: 'ic_launcher', values: [{ config: { density: 480 }, value: file('res/a1') }] }]).buf);
    fc.assert(
      fc.property(mutated(valid, 3), (bytes) => {
        try {
          fileCandidates(ResourceTable.parse(bytes, 'resources.arsc'), ids.get('mipmap/ic_launcher')!);
        } catch (err) {
          assertCatalogued(err, ['BAD_APK', 'PARSE_BUDGET']);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});
