import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTable } from '../../../../src/core/inspect/apk/arsc.js';
import { fileCandidates, resolveValue } from '../../../../src/core/inspect/apk/resolve.js';
import { isOtashipError } from '../../../../src/core/errors.js';
import { encodeArsc, file, int, ref, resourceIds, str } from '../../../helpers/synthetic-apk.js';

const names = [
  { type: 'string', name: 'app_name' },
  { type: 'string', name: 'only_french' },
  { type: 'string', name: 'alias' },
  { type: 'mipmap', name: 'ic_launcher' },
  { type: 'integer', name: 'loop_a' },
  { type: 'integer', name: 'loop_b' },
];
const ids = resourceIds(names);
const id = (k: string): number => ids.get(k)!;

const entries = [
  {
    type: 'string',
    name: 'app_name',
    values: [
      { config: { language: 'fr' }, value: str('Mon appli') },
      { value: str('My App') },
      { config: { language: 'ja' }, value: str('マイアプリ') },
    ],
  },
  { type: 'string', name: 'only_french', values: [{ config: { language: 'fr', country: 'CA' }, value: str('Bonjour') }] },
  { type: 'string', name: 'alias', values: [{ value: ref(id('string/app_name')) }] },
  {
    type: 'mipmap',
    name: 'ic_launcher',
    values: [
      { config: { density: 160 }, value: file('res/mipmap-mdpi/ic_launcher.png') },
      { config: { density: 640 }, value: file('res/mipmap-xxxhdpi/ic_launcher.png') },
      { config: { density: 0xfffe, sdkVersion: 26 }, value: file('res/mipmap-anydpi-v26/ic_launcher.xml') },
    ],
  },
  { type: 'integer', name: 'loop_a', values: [{ value: ref(id('integer/loop_b')) }] },
  { type: 'integer', name: 'loop_b', values: [{ value: ref(id('integer/loop_a')) }] },
];

for (const layout of [
  { utf8: false, sparse: false },
  { utf8: true, sparse: false },
  { utf8: false, sparse: true },
  { utf8: false, offset16: true },
  { utf8: true, compact: true },
  { utf8: false, sparse: true, compact: true },
]) {
  describe(`resources.arsc (${JSON.stringify(layout)})`, () => {
    const table = ResourceTable.parse(encodeArsc(entries, layout).buf, 'resources.arsc');

    test('lookup returns every configuration of a resource with its qualifiers', () => {
      const values = table.lookup(id('string/app_name'));
      assert.deepEqual(
        values.map((v) => [v.config.language, v.config.isDefault, v.value.string, v.key, v.typeName]).sort(),
        [
          ['', true, 'My App', 'app_name', 'string'],
          ['fr', false, 'Mon appli', 'app_name', 'string'],
          ['ja', false, 'マイアプリ', 'app_name', 'string'],
        ],
      );
    });

    test('references resolve to the default configuration, then any configuration', () => {
      assert.equal(resolveValue(table, { type: 1, data: id('string/app_name') })?.string, 'My App');
      assert.equal(resolveValue(table, { type: 1, data: id('string/alias') })?.string, 'My App');
      assert.equal(resolveValue(table, { type: 1, data: id('string/only_french') })?.string, 'Bonjour');
    });

    test('unknown ids and reference cycles resolve to null instead of looping', () => {
      assert.equal(resolveValue(table, { type: 1, data: 0x7f7f0001 }), null);
      assert.equal(resolveValue(table, { type: 1, data: 0x01040000 }), null); // framework resource
      assert.equal(resolveValue(table, { type: 1, data: id('integer/loop_a') }), null);
      assert.equal(resolveValue(null, { type: 1, data: id('string/app_name') }), null);
    });

    test('file resources list every density, with the density of each', () => {
      const files = fileCandidates(table, id('mipmap/ic_launcher'));
      assert.deepEqual(
        files.map((f) => [f.density, f.path]).sort((a, b) => Number(a[0]) - Number(b[0])),
        [
          [160, 'res/mipmap-mdpi/ic_launcher.png'],
          [640, 'res/mipmap-xxxhdpi/ic_launcher.png'],
          [0xfffe, 'res/mipmap-anydpi-v26/ic_launcher.xml'],
        ],
      );
      assert.deepEqual(table.idsNamed('mipmap', 'ic_launcher'), [id('mipmap/ic_launcher')]);
    });
  });
}

describe('resources.arsc errors', () => {
  const full = encodeArsc(entries).buf;
  const bad = (err: unknown): boolean => {
    assert.ok(isOtashipError(err), String(err));
    assert.equal(err.code, 'BAD_APK');
    assert.match(err.message, /resources\.arsc/);
    return true;
  };

  test('a truncated table is BAD_APK naming resources.arsc', () => {
    for (let cut = 0; cut < full.length; cut += 13) {
      assert.throws(() => {
        const t = ResourceTable.parse(full.subarray(0, cut), 'resources.arsc');
        t.lookup(id('string/app_name'));
      }, bad);
    }
  });

  test('a file that is not a resource table is BAD_APK', () => {
    assert.throws(() => ResourceTable.parse(Buffer.from('PK\x03\x04 not a table at all'), 'resources.arsc'), bad);
  });

  test('an entry offset pointing outside its chunk is BAD_APK, not a crash', () => {
    const b = Buffer.from(full);
    // Corrupt every u32 entry offset of every type chunk (type 0x0201, header 84).
    let at = 0;
    while ((at = b.indexOf(Buffer.from([0x01, 0x02, 0x54, 0x00]), at + 1)) >= 0) {
      const count = b.readUInt32LE(at + 12);
      for (let i = 0; i < count; i++) if (b.readUInt32LE(at + 84 + i * 4) !== 0xffffffff) b.writeUInt32LE(0x00fffff0, at + 84 + i * 4);
    }
    const t = ResourceTable.parse(b, 'resources.arsc');
    assert.throws(() => t.lookup(id('string/app_name')), bad);
  });

  test('an int resource resolves as a number', () => {
    const t = ResourceTable.parse(encodeArsc([{ type: 'integer', name: 'min', values: [{ value: int(26) }] }]).buf, 'resources.arsc');
    assert.deepEqual(resolveValue(t, { type: 1, data: 0x7f010000 }), { type: 0x10, data: 26 });
  });
});
