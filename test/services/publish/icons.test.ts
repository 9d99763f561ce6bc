// renderIcons with a real icon pool: the PNG's own IHDR is checked against the pixel budget before
// the worker or sharp see it, even when the size the inspector reported says otherwise; the
// renditions are strict standard PNGs of the right sizes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { isOtashipError } from '../../../src/core/errors.js';
import { inspect, readIconFile } from '../../../src/core/inspect/index.js';
import type { IpaInfo } from '../../../src/core/types.js';
import { IconPool } from '../../../src/services/publish/icon-pool.js';
import { renderIcons } from '../../../src/services/publish/icons.js';
import { buildIpa, standardPng, undecodablePng } from '../../helpers/synthetic-ipa.js';
import { assertStrictPng } from '../../helpers/strict-png.js';

const pool = new IconPool();
after(() => pool.close());

describe('renderIcons', () => {
  test('an icon whose IHDR is past the budget is refused before any worker task, whatever inspect() said', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 12000, height: 12000, data: undecodablePng(12000, 12000) }] });
    const info = (await inspect(path)) as IpaInfo;
    assert.ok(info.icon);
    // A result that understates the size (stale, or from another copy of the file).
    const understated: IpaInfo = { ...info, icon: { ...info.icon, width: 180, height: 180 } };
    const before = pool.tasks;
    await assert.rejects(renderIcons(await readIconFile(path, understated), pool), (e: unknown) => isOtashipError(e) && e.code === 'ICON_TOO_LARGE');
    assert.equal(pool.tasks, before);
  });

  test('a CgBI icon becomes three strict PNGs: the original size, 57×57 and 512×512', async () => {
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }] });
    const icons = await renderIcons(await readIconFile(path, (await inspect(path)) as IpaInfo), pool);
    assert.ok(icons);
    const sizes = [icons.original, icons.icon57, icons.icon512].map((png) => {
      assertStrictPng(png);
      return PNG.sync.read(png).width;
    });
    assert.deepEqual(sizes, [180, 57, 512]);
  });

  test('a closed pool refuses new work instead of starting threads again', async () => {
    const closed = new IconPool();
    await closed.close();
    const path = await buildIpa({ icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }] });
    await assert.rejects(renderIcons(await readIconFile(path, (await inspect(path)) as IpaInfo), closed), (e: unknown) => isOtashipError(e) && e.code === 'UNAVAILABLE');
  });
});

describe('IconPool failures', () => {
  test('a worker that cannot start fails the conversion (UNAVAILABLE) instead of leaving it waiting', async () => {
    const broken = new IconPool({ workerUrl: new URL('./no-such-icon-worker.js', import.meta.url).href });
    try {
      await assert.rejects(
        broken.toStandardPng(standardPng(4, 4), 'AppIcon.png'),
        (e: unknown) => isOtashipError(e) && e.code === 'UNAVAILABLE' && /icon converter failed/.test(e.message),
      );
    } finally {
      await broken.close();
    }
  });
});
