// A bundle whose resource table points thousands of configurations at one XML file: the icon search
// parses that file once (it used to parse it once per configuration: hours of CPU from 16 KB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { inspectAabArchive } from '../../../../src/core/inspect/aab/index.js';
import { ICON_SEARCH_READS } from '../../../../src/core/inspect/apk/icon.js';
import { openZip } from '../../../../src/core/zip/open.js';
import { pbField as f, pbVarint as v } from '../../../helpers/synthetic-aab.js';
import { countReads } from '../../../helpers/counting-reads.js';
import { buildZip } from '../../../helpers/synthetic-ipa.js';

async function bundle(files: string[]): Promise<string> {
  const attr = (name: string, value: string) => f(4, Buffer.concat([f(2, name), f(3, value)]));
  const iconAttr = f(4, Buffer.concat([f(1, 'http://schemas.android.com/apk/res/android'), f(2, 'icon'), v(5, 0x01010002), f(6, f(1, v(2, 0x7f010000)))]));
  const manifest = f(1, Buffer.concat([f(3, 'manifest'), attr('package', 'com.example.amp'), attr('versionCode', '1'), f(5, f(1, Buffer.concat([f(3, 'application'), iconAttr])))]));
  // ConfigValue { value: Value { item: Item { file: FileReference { path } } } }, one per file named.
  const entry = f(3, Buffer.concat([f(1, v(1, 0)), f(2, 'ic_launcher'), ...files.map((p) => f(6, f(2, f(4, f(5, f(1, p))))))]));
  const table = f(2, Buffer.concat([f(1, v(1, 0x7f)), f(3, Buffer.concat([f(1, v(1, 1)), f(2, 'mipmap'), entry]))]));
  const vector = f(1, Buffer.concat([f(3, 'vector'), f(4, f(2, 'a'))]));
  return buildZip([
    { name: 'base/manifest/AndroidManifest.xml', data: manifest },
    { name: 'base/resources.pb', data: table },
    ...[...new Set(files)].map((p) => ({ name: `base/${p}`, data: vector })),
  ]);
}

/** Inspects the bundle, counting the reads of each entry. */
async function inspectCounting(path: string): Promise<{ info: Awaited<ReturnType<typeof inspectAabArchive>>; reads: Map<string, number> }> {
  const archive = await openZip(path);
  try {
    const reads = countReads(archive);
    return { info: await inspectAabArchive(archive, (await stat(path)).size), reads };
  } finally {
    await archive.close();
  }
}

test('thousands of configurations naming one icon XML: it is read once; the bundle still inspects', async () => {
  const { info, reads } = await inspectCounting(await bundle(Array.from({ length: 3000 }, () => 'res/a.xml')));
  assert.equal(info.bundleId, 'com.example.amp');
  assert.equal(info.icon, null);
  assert.equal(reads.get('base/res/a.xml'), 1);
});

test('hundreds of distinct icon XML files: the search reads at most ICON_SEARCH_READS of them', async () => {
  const { info, reads } = await inspectCounting(await bundle(Array.from({ length: 300 }, (_, i) => `res/a${i}.xml`)));
  assert.equal(info.icon, null);
  const xmlReads = [...reads].filter(([name]) => name.startsWith('base/res/a')).reduce((n, [, c]) => n + c, 0);
  assert.ok(xmlReads <= ICON_SEARCH_READS, `${xmlReads} XML reads`);
  assert.ok(xmlReads > 0, 'the search did look (the comparison can fail)');
});
