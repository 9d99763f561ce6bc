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
import { RUNS, assertCatalogued, mutated } from './mutate.js';

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
      fc.property(mutated(valid), (bytes) => {
        try {
          const root = parseAxml(bytes, 'AndroidManifest.xml');
          const n = countElements(root);
          if (n > AXML_LIMITS.objects) throw new Error(`${n} elements and attributes produced`);
        } catch (err) {
          assertCatalogued(err, ['BAD_APK', 'PARSE_BUDGET']);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('resources.arsc: damaged tables, then lookups, name searches and reference chains', () => {
    const valid = arscInput.map(([entries, opts]) => {
      const { buf, ids } = encodeArsc(entries, opts);
      return { buf, ids: [...ids.values()] };
    });
    fc.assert(
      fc.property(
        fc.tuple(mutated(valid.map((v) => v.buf)), valid.map((v) => v.ids)),
        ([bytes, ids]) => {
          try {
            const table = ResourceTable.parse(bytes, 'resources.arsc');
            let produced = 0;
            for (const id of [...ids, 0x7f010000, 0x7fff0000, 0xffffffff]) {
              produced += table.lookup(id).length;
              produced += fileCandidates(table, id).length;
              resolveValue(table, { type: 0x01, data: id });
            }
            for (const type of ['mipmap', 'drawable']) produced += table.idsNamed(type, 'ic_launcher').length;
            if (produced > ARSC_LIMITS.objects) throw new Error(`${produced} values produced`);
          } catch (err) {
            assertCatalogued(err, ['BAD_APK', 'PARSE_BUDGET']);
          }
        },
      ),
      { numRuns: RUNS },
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
      { numRuns: RUNS },
    );
  });
});
