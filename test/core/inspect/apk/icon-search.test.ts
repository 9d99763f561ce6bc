// The icon search reads each file once and at most ICON_SEARCH_READS files in all: a resource table
// that points thousands of configurations (or ids) at one XML file used to make the search read and
// parse that file once per configuration (an hour of CPU from a 59 KB APK).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceTable } from '../../../../src/core/inspect/apk/arsc.js';
import { findIcon, ICON_SEARCH_READS } from '../../../../src/core/inspect/apk/icon.js';
import { ValueType } from '../../../../src/core/inspect/apk/typed-value.js';
import { openZip } from '../../../../src/core/zip/open.js';
import { countReads } from '../../../helpers/counting-reads.js';
import { apkBuffer, encodeArsc, encodeAxml, file, pngOf, scratchDir } from '../../../helpers/synthetic-apk.js';

test('thousands of configurations naming one XML file: it is read once, the search stays within its reads', async () => {
  const configs = 3000;
  const arsc = encodeArsc([
    {
      type: 'mipmap',
      name: 'ic_launcher',
      values: Array.from({ length: configs }, (_, i) => ({ config: { sdkVersion: i + 1 }, value: file('res/a.xml') })),
    },
    // Other resources named like it: each is one more lookup of the same kind.
    ...Array.from({ length: 200 }, (_, i) => ({ type: 'drawable', name: `ic_launcher_${i}`, values: [{ value: file('res/a.xml') }] })),
  ]);
  const scratch = await scratchDir();
  try {
    const path = await scratch.write(
      'amp.apk',
      await apkBuffer({
        arsc: arsc.buf,
        files: {
          // Not an adaptive icon: nothing found behind it, so every lookup would go on to the next.
          'res/a.xml': encodeAxml({ name: 'vector', children: [{ name: 'path' }] }),
          'res/mipmap-xxhdpi/ic_launcher.png': pngOf(144, 144),
        },
      }),
    );
    const archive = await openZip(path);
    try {
      const reads = countReads(archive);
      const table = ResourceTable.parse(await archive.read('resources.arsc', 1 << 24), 'resources.arsc');
      reads.clear();
      const icon = await findIcon(archive, table, [{ type: ValueType.REFERENCE, data: arsc.ids.get('mipmap/ic_launcher')! }]);
      // The conventional name is still found once the table's leads run out.
      assert.equal(icon?.entry, 'res/mipmap-xxhdpi/ic_launcher.png');
      assert.equal(reads.get('res/a.xml'), 1, 'the XML file is parsed once');
      const total = [...reads.values()].reduce((a, b) => a + b, 0);
      assert.ok(total <= ICON_SEARCH_READS + 24, `${total} reads`);
    } finally {
      await archive.close();
    }
  } finally {
    await scratch.remove();
  }
});
