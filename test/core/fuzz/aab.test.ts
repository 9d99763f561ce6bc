// Fuzzing the bundle (aab) parsers with damaged valid documents: the protobuf manifest (XmlNode)
// and resource table (ResourceTable), decoded under AAB_LIMITS, then the facts and lookups
// inspection makes. Valid documents are encoded by hand (helpers/synthetic-aab.ts, the field
// numbers of aapt2's Resources.proto) and, when Java is present, taken from a real bundle built by
// aapt2 and bundletool. Every failure is BAD_APK or PARSE_BUDGET; nothing else escapes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import yazl from 'yazl';
import { decodeBudgeted } from '../../../src/core/inspect/aab/decode.js';
import { bundleManifestFacts } from '../../../src/core/inspect/aab/manifest.js';
import { BundleResources } from '../../../src/core/inspect/aab/resources.js';
import { type PbResourceTable, type PbXmlNode, ResourceTableType, XmlNodeType } from '../../../src/core/inspect/aab/schema.js';
import { inspect, openZip } from '../../../src/core/inspect/index.js';
import { buildAab, bundleTools, pbField, pbVarint } from '../../helpers/synthetic-aab.js';
import { RUNS, assertCatalogued, mutated } from './mutate.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const ALLOWED = ['BAD_APK', 'PARSE_BUDGET'] as const;
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

// Item { ref = 1 { id = 2 } | str = 2 { value = 1 } | file = 5 { path = 1 } | prim = 7 { int_decimal_value = 6 } }
const item: fc.Arbitrary<Buffer> = fc.oneof(
  fc.integer({ min: 0x7f010000, max: 0x7f03000f }).map((id) => pbField(1, pbVarint(2, id))),
  fc.string({ maxLength: 12 }).map((s) => pbField(2, pbField(1, s))),
  fc.constantFrom('res/mipmap-xxhdpi-v4/ic_launcher.png', 'res/a1.xml').map((p) => pbField(5, pbField(1, p))),
  fc.integer({ min: -5, max: 0x7fffffff }).map((n) => pbField(7, pbVarint(6, n))),
);
const ATTRS: [string, number][] = [['label', 0x01010001], ['icon', 0x01010002], ['versionCode', 0x0101021b], ['versionName', 0x0101021c], ['minSdkVersion', 0x0101020c]];
// XmlAttribute { namespace_uri = 1, name = 2, value = 3, resource_id = 5, compiled_item = 6 }
const attribute = fc.record({ a: fc.constantFrom(...ATTRS), text: fc.string({ maxLength: 8 }), item: fc.option(item) }).map(({ a, text, item: it }) =>
  Buffer.concat([pbField(1, 'http://schemas.android.com/apk/res/android'), pbField(2, a[0]), pbField(3, text), pbVarint(5, a[1]), ...(it ? [pbField(6, it)] : [])]),
);
// XmlNode { element = 1: XmlElement { name = 3, attribute = 4, child = 5 } }
const { node } = fc.letrec<{ node: Buffer }>((tie) => ({
  node: fc
    .record({
      el: fc.constantFrom('manifest', 'application', 'uses-sdk', 'activity', 'x'),
      attrs: fc.array(attribute, { maxLength: 4 }),
      children: fc.oneof({ depthSize: 'small' }, fc.constant<Buffer[]>([]), fc.array(tie('node'), { maxLength: 3 })),
    })
    .map(({ el, attrs, children }) => pbField(1, Buffer.concat([pbField(3, el), ...attrs.map((a) => pbField(4, a)), ...children.map((c) => pbField(5, c))]))),
}));
const manifestRoot = fc.array(node, { maxLength: 3 }).map((kids) =>
  pbField(1, Buffer.concat([pbField(3, 'manifest'), pbField(4, Buffer.concat([pbField(2, 'package'), pbField(3, 'com.fuzz')])), ...kids.map((k) => pbField(5, k))])),
);

// ResourceTable { package = 2: { package_id = 1, type = 3: { type_id = 1, name = 2, entry = 3: { entry_id = 1, name = 2, config_value = 6 } } } }
const configValue = fc.record({ density: fc.constantFrom(0, 160, 480, 0xfffe), item }).map(({ density, item: it }) =>
  Buffer.concat([...(density ? [pbField(1, pbVarint(18, density))] : []), pbField(2, pbField(4, it))]),
);
const entry = fc.record({ id: fc.integer({ min: 0, max: 15 }), name, values: fc.array(configValue, { maxLength: 3 }) }).map(({ id, name: n, values }) =>
  Buffer.concat([pbField(1, pbVarint(1, id)), pbField(2, n), ...values.map((v) => pbField(6, v))]),
);
const type = fc.record({ id: fc.integer({ min: 1, max: 3 }), name: fc.constantFrom('string', 'mipmap', 'drawable'), entries: fc.array(entry, { maxLength: 4 }) }).map(({ id, name: n, entries }) =>
  Buffer.concat([pbField(1, pbVarint(1, id)), pbField(2, n), ...entries.map((e) => pbField(3, e))]),
);
const table = fc.array(type, { maxLength: 3 }).map((types) => pbField(2, Buffer.concat([pbField(1, pbVarint(1, 0x7f)), ...types.map((t) => pbField(3, t))])));

/** Real documents from a bundle built by the tools, added to the seeds when Java is present. */
const real: { manifest: Buffer[]; table: Buffer[] } = { manifest: [], table: [] };
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-fuzz-aab-'));
  const tools = await bundleTools();
  if (typeof tools === 'string') return;
  const path = await buildAab(tools, dir, { packageName: 'com.fuzz.real', versionCode: 9, versionName: '9.0', labelResource: 'Real', minSdk: 24, targetSdk: 34, icons: { mdpi: 48, xhdpi: 96 } });
  const archive = await openZip(path);
  try {
    real.manifest.push(await archive.read('base/manifest/AndroidManifest.xml', 1 << 20));
    real.table.push(await archive.read('base/resources.pb', 1 << 20));
  } finally {
    await archive.close();
  }
});

const seeded = (gen: fc.Arbitrary<Buffer>, seeds: () => Buffer[]): fc.Arbitrary<Buffer> =>
  fc.oneof(gen, fc.constant(null).chain(() => (seeds().length ? fc.constantFrom(...seeds()) : gen)));

describe('aab parsers under damage', () => {
  test('the manifest: decoded facts or BAD_APK / PARSE_BUDGET', () => {
    fc.assert(
      fc.property(mutated(seeded(manifestRoot, () => real.manifest)), (bytes) => {
        try {
          const root = decodeBudgeted<PbXmlNode>(XmlNodeType, bytes, 'AndroidManifest.xml');
          if (root.element) bundleManifestFacts(root.element);
        } catch (err) {
          assertCatalogued(err, ALLOWED);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  test('the resource table: lookups of every id answer or fail cleanly', () => {
    fc.assert(
      fc.property(mutated(seeded(table, () => real.table)), fc.array(fc.integer({ min: 0x7f010000, max: 0x7f03000f }), { maxLength: 8 }), (bytes, ids) => {
        try {
          const res = new BundleResources(decodeBudgeted<PbResourceTable>(ResourceTableType, bytes, 'resources.pb'));
          for (const id of ids) {
            const text = res.text({ ref: { id, name: '' }, str: null, rawStr: null, file: null, prim: null });
            assert.ok(text === null || typeof text === 'string');
            for (const f of res.files(id)) assert.equal(typeof f.path, 'string');
          }
        } catch (err) {
          assertCatalogued(err, ALLOWED);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  test('whole bundles through inspect(): a result of kind aab or a catalogued refusal', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutated(seeded(manifestRoot, () => real.manifest), 3), mutated(seeded(table, () => real.table), 3), async (manifest, resources) => {
        const zip = new yazl.ZipFile();
        zip.addBuffer(manifest, 'base/manifest/AndroidManifest.xml');
        zip.addBuffer(resources, 'base/resources.pb');
        zip.end();
        const chunks: Buffer[] = [];
        for await (const c of zip.outputStream) chunks.push(c as Buffer);
        const path = join(dir, `b${n++}.aab`);
        await writeFile(path, Buffer.concat(chunks));
        try {
          const r = await inspect(path);
          assert.equal(r.kind, 'aab');
        } catch (err) {
          assertCatalogued(err, ALLOWED);
        } finally {
          await rm(path, { force: true });
        }
      }),
      { numRuns: propertyRuns(Math.max(20, Math.floor(RUNS / 5))) },
    );
  });
});
