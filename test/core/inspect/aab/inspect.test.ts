// Inspecting real Android App Bundles: each is built by aapt2 and bundletool from sources written
// by the test (helpers/synthetic-aab.ts), and inspect() must report exactly what was put in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { inspect, inspectArchive, openZip, readIcon } from '../../../../src/core/inspect/index.js';
import { OtashipError } from '../../../../src/core/errors.js';
import type { AabInfo } from '../../../../src/core/types.js';
import { type AabSpec, type BundleTools, buildAab, bundleManifestBytes, bundleTools, pbField, pbVarint } from '../../../helpers/synthetic-aab.js';

interface Case {
  name: string;
  spec: AabSpec;
  expect: Omit<AabInfo, 'kind' | 'size' | 'icon'> & { icon: { entry: string; width: number } | null };
}

const CASES: Case[] = [
  {
    name: 'label through a string resource, two icon densities, two ABIs, a long version code',
    spec: {
      packageName: 'com.example.demo',
      versionCode: 42,
      versionCodeMajor: 1,
      versionName: '1.2.3',
      labelResource: 'Démo <App> & "Co"',
      minSdk: 24,
      targetSdk: 34,
      icons: { mdpi: 48, xxhdpi: 144 },
      abis: { base: ['x86_64', 'arm64-v8a'] },
    },
    expect: {
      bundleId: 'com.example.demo',
      version: '1.2.3',
      build: String((1n << 32n) | 42n),
      name: 'Démo <App> & "Co"',
      minOsVersion: '24',
      targetSdk: '34',
      icon: { entry: 'base/res/mipmap-xxhdpi-v4/ic_launcher.png', width: 144 },
      modules: ['base'],
      abis: ['arm64-v8a', 'x86_64'],
    },
  },
  {
    name: 'no label, no icon, no version name, no native code',
    spec: { packageName: 'org.example.bare', versionCode: 7, minSdk: 21, targetSdk: 33 },
    expect: {
      bundleId: 'org.example.bare',
      version: null,
      build: '7',
      name: 'org.example.bare',
      minOsVersion: '21',
      targetSdk: '33',
      icon: null,
      modules: ['base'],
      abis: [],
    },
  },
  {
    // bundletool requires modules with native code to agree on ABIs: here only the feature has any.
    name: 'a literal label and two modules, native code in the feature module only',
    spec: {
      packageName: 'net.example.two',
      versionCode: 2_000_000_001,
      versionName: '2.0',
      labelLiteral: 'Two Modules',
      minSdk: 26,
      targetSdk: 35,
      icons: { hdpi: 72 },
      features: ['extras'],
      abis: { extras: ['x86', 'armeabi-v7a'] },
    },
    expect: {
      bundleId: 'net.example.two',
      version: '2.0',
      build: '2000000001',
      name: 'Two Modules',
      minOsVersion: '26',
      targetSdk: '35',
      icon: { entry: 'base/res/mipmap-hdpi-v4/ic_launcher.png', width: 72 },
      modules: ['base', 'extras'],
      abis: ['armeabi-v7a', 'x86'],
    },
  },
  {
    name: 'an adaptive icon only: its foreground layer, best density',
    spec: {
      packageName: 'io.example.adaptive',
      versionCode: 3,
      versionName: '3.0-beta',
      labelResource: 'Adaptive',
      minSdk: 26,
      targetSdk: 34,
      adaptiveIcon: { mdpi: 108, xxxhdpi: 432 },
    },
    expect: {
      bundleId: 'io.example.adaptive',
      version: '3.0-beta',
      build: '3',
      name: 'Adaptive',
      minOsVersion: '26',
      targetSdk: '34',
      icon: { entry: 'base/res/drawable-xxxhdpi-v4/fg.png', width: 432 },
      modules: ['base'],
      abis: [],
    },
  },
];

let tools: BundleTools | string;
let dir: string;
const built = new Map<string, string>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-aab-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('inspect() on bundles built by aapt2 and bundletool', () => {
  before(async () => {
    tools = await bundleTools();
    if (typeof tools === 'string') return;
    for (const c of CASES) built.set(c.name, await buildAab(tools, dir, c.spec));
  });

  for (const c of CASES) {
    test(c.name, async (t) => {
      if (typeof tools === 'string') return t.skip(tools);
      const path = built.get(c.name) ?? assert.fail('not built');
      const r = await inspect(path);
      assert.equal(r.kind, 'aab');
      if (r.kind !== 'aab') return;
      const { kind: _k, size, icon, ...rest } = r;
      const { icon: wantIcon, ...wantRest } = c.expect;
      assert.deepEqual(rest, wantRest);
      assert.equal(size, (await readFile(path)).length);
      if (wantIcon === null) assert.equal(icon, null);
      else assert.deepEqual(icon, { entry: wantIcon.entry, width: wantIcon.width, height: wantIcon.width });
      // The icon comes out as a standard PNG of that size.
      const png = await readIcon(path, r);
      if (wantIcon) assert.equal(png?.readUInt32BE(16), wantIcon.width);
      else assert.equal(png, null);
    });
  }

  test('publishing paths still refuse a bundle: inspectArchive says AAB_NOT_SUPPORTED', async (t) => {
    if (typeof tools === 'string') return t.skip(tools);
    const path = built.get(CASES[0]!.name) ?? assert.fail('not built');
    const archive = await openZip(path);
    try {
      await assert.rejects(inspectArchive(archive, 0), (e: unknown) => e instanceof OtashipError && e.code === 'AAB_NOT_SUPPORTED');
    } finally {
      await archive.close();
    }
  });
});

async function zipOf(files: Record<string, Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const path = join(dir, `hand-${Math.random().toString(36).slice(2)}.aab`);
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

/** The signature of a zip central-directory record. */
const CENTRAL_RECORD = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

const rejectsWith = (code: string, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OtashipError, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, re);
  return true;
};

describe('inspect() on hand-made and hostile bundles (no tools needed)', () => {
  test('a minimal base manifest is enough: package only', async () => {
    const r = await inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': bundleManifestBytes('com.hand.made') }));
    assert.equal(r.kind, 'aab');
    assert.equal(r.kind === 'aab' && r.bundleId, 'com.hand.made');
    assert.equal(r.kind === 'aab' && r.build, '0');
  });

  test('a label whose reference points back at itself ends at the package name (references are followed a few hops)', async () => {
    const id = 0x7f010000;
    const ref = pbField(1, pbVarint(2, id)); // Item { ref = 1: Reference { id = 2 } }
    // ResourceTable { package { package_id { 0x7f }, type { type_id { 1 }, name "string", entry { entry_id { 0 }, name, config_value { value { item } } } } } }
    const entry = Buffer.concat([pbField(1, Buffer.alloc(0)), pbField(2, 'loop'), pbField(6, pbField(2, pbField(4, ref)))]);
    const type = Buffer.concat([pbField(1, pbVarint(1, 1)), pbField(2, 'string'), pbField(3, entry)]);
    const table = pbField(2, Buffer.concat([pbField(1, pbVarint(1, 0x7f)), pbField(3, type)]));
    // XmlAttribute { namespace_uri = 1, name = 2, resource_id = 5 (android:label), compiled_item = 6 }
    const label = Buffer.concat([pbField(1, 'http://schemas.android.com/apk/res/android'), pbField(2, 'label'), pbVarint(5, 0x01010001), pbField(6, ref)]);
    const application = pbField(1, Buffer.concat([pbField(3, 'application'), pbField(4, label)]));
    const manifest = pbField(1, Buffer.concat([pbField(3, 'manifest'), pbField(4, Buffer.concat([pbField(2, 'package'), pbField(3, 'com.loop')])), pbField(5, application)]));
    const r = await inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': manifest, 'base/resources.pb': table }));
    assert.equal(r.kind === 'aab' && r.name, 'com.loop');
  });

  test('a manifest that is not protobuf, or cut short, is BAD_APK naming the entry', async () => {
    await assert.rejects(inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': Buffer.from('proto') })), rejectsWith('BAD_APK', /AndroidManifest\.xml is damaged/));
    const cut = bundleManifestBytes('com.cut.short').subarray(0, 20);
    await assert.rejects(inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': cut })), rejectsWith('BAD_APK', /AndroidManifest\.xml/));
  });

  test('no <manifest> root or no package is BAD_APK', async () => {
    await assert.rejects(inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': pbField(2, 'just text') })), rejectsWith('BAD_APK', /no <manifest>/));
    await assert.rejects(inspect(await zipOf({ 'base/manifest/AndroidManifest.xml': pbField(1, pbField(3, 'manifest')) })), rejectsWith('BAD_APK', /no package/));
  });

  test('elements nested past the depth budget are PARSE_BUDGET, not a stack overflow', async () => {
    // XmlNode { element { child: XmlNode { element { child: ... } } } }, 2,000 levels.
    let node = pbField(1, pbField(3, 'x'));
    for (let i = 0; i < 2_000; i++) node = pbField(1, Buffer.concat([pbField(3, 'x'), pbField(5, node)]));
    const path = await zipOf({ 'base/manifest/AndroidManifest.xml': Buffer.concat([pbField(1, Buffer.concat([pbField(3, 'manifest'), pbField(5, node)]))]) });
    await assert.rejects(inspect(path), rejectsWith('PARSE_BUDGET', /nested more than 256 levels/));
  });

  test('a bundle whose files expand past the 4 GiB an APK can hold is refused before any conversion', async () => {
    const path = await zipOf({ 'base/manifest/AndroidManifest.xml': bundleManifestBytes('com.too.big'), 'base/assets/a.bin': Buffer.alloc(16), 'base/assets/b.bin': Buffer.alloc(16) });
    // The central directory declares each asset at 2 GiB + 1 (uncompressed size: offset 24 of a
    // directory record), as a bomb's would; the local data stays small.
    const bytes = await readFile(path);
    for (let at = bytes.indexOf(CENTRAL_RECORD); at >= 0; at = bytes.indexOf(CENTRAL_RECORD, at + 4)) {
      const name = bytes.subarray(at + 46, at + 46 + bytes.readUInt16LE(at + 28)).toString();
      if (name.startsWith('base/assets/')) bytes.writeUInt32LE(2 ** 31 + 1, at + 24);
    }
    await writeFile(path, bytes);
    await assert.rejects(inspect(path), rejectsWith('ZIP_BOMB', /expand to 4\.0 GiB.*an APK cannot be larger than 4 GiB/));
    // Declared at 1 GiB each (under the limit in all), the same file is a bundle again.
    for (let at = bytes.indexOf(CENTRAL_RECORD); at >= 0; at = bytes.indexOf(CENTRAL_RECORD, at + 4)) {
      const name = bytes.subarray(at + 46, at + 46 + bytes.readUInt16LE(at + 28)).toString();
      if (name.startsWith('base/assets/')) bytes.writeUInt32LE(2 ** 30, at + 24);
    }
    await writeFile(path, bytes);
    assert.equal((await inspect(path)).kind, 'aab');
  });

  test('millions of empty messages are PARSE_BUDGET before any is built', async () => {
    // ResourceTable { package = 2: {} } × 5 million: 10 MB of empty Package messages.
    const table = Buffer.alloc(10_000_000);
    for (let i = 0; i < table.length; i += 2) {
      table[i] = (2 << 3) | 2;
      table[i + 1] = 0;
    }
    const path = await zipOf({ 'base/manifest/AndroidManifest.xml': bundleManifestBytes('com.bomb'), 'base/resources.pb': table });
    await assert.rejects(inspect(path), rejectsWith('PARSE_BUDGET', /resources\.pb holds more than 4000000 values/));
  });
});
