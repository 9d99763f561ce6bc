// Icon work at publish time against a real server: a large CgBI icon is converted in the icon pool's
// worker while the server keeps answering (health answers arrive while the conversion is still
// running), an icon past the pixel budget is never decoded (the release is published without an icon
// and says why), and the icons the server serves pass a strict PNG check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { isOtashipError } from '../../src/core/errors.js';
import { buildIpa, largeCgbiPng, pngChunk, standardPng, undecodablePng } from '../helpers/synthetic-ipa.js';
import { assertStrictPng } from '../helpers/strict-png.js';

interface Published {
  release: { id: string; hasIcon: boolean };
  installPageUrl: string;
  warnings: string[];
}

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function publish(path: string): Promise<Published> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: await readFile(path),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Published;
}

async function servedIcons(p: Published): Promise<Buffer[]> {
  const token = new URL(p.installPageUrl).searchParams.get('t') ?? '';
  const out: Buffer[] = [];
  for (const name of ['icon.png', 'icon-57.png', 'icon-512.png']) {
    const res = await fetch(`${srv.baseUrl}/i/${p.release.id}/${name}?t=${encodeURIComponent(token)}`);
    assert.equal(res.status, 200, name);
    assert.equal(res.headers.get('content-type'), 'image/png');
    out.push(Buffer.from(await res.arrayBuffer()));
  }
  return out;
}

describe('icon conversion runs off the event loop', () => {
  test('health answers keep arriving while a large CgBI icon is being converted', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.bigicon',
      icons: [{ file: 'AppIcon1024x1024.png', width: 1024, height: 1024, data: largeCgbiPng(1024, 1024) }],
    });
    const pool = srv.services.publish.icons;
    const started = once(pool, 'start');
    let converted = false;
    pool.once('end', () => {
      converted = true;
    });
    const publishing = publish(path);
    await started;
    // Each health request waits for the previous answer. On the main thread the conversion would run
    // to its end before the first of them could be read.
    const answeredWhileConverting: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${srv.baseUrl}/api/v1/health`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      answeredWhileConverting.push(!converted);
    }
    assert.deepEqual(answeredWhileConverting, [true, true, true, true, true]);
    const published = await publishing;
    assert.equal(converted, true);
    assert.equal(published.release.hasIcon, true);
    assert.deepEqual(published.warnings, []);
    for (const icon of await servedIcons(published)) assertStrictPng(icon, 'served icon');
  });
});

describe('the icon pixel budget', () => {
  for (const cgbi of [false, true]) {
    test(`a 12000×12000 ${cgbi ? 'CgBI' : 'standard'} icon is not decoded: published without an icon, with a warning`, async () => {
      // Its IDAT is not deflate data: decoding would fail with a different error (BAD_ICON).
      const path = await buildIpa({
        bundleId: `com.example.huge${cgbi ? 'cgbi' : 'png'}`,
        icons: [{ file: 'AppIcon60x60@3x.png', width: 12000, height: 12000, data: undecodablePng(12000, 12000, { cgbi }) }],
      });
      const tasksBefore = srv.services.publish.icons.tasks;
      const published = await publish(path);
      assert.equal(published.release.hasIcon, false);
      assert.equal(published.warnings.length, 1);
      assert.match(published.warnings[0]!, /AppIcon60x60@3x\.png is 12000×12000 pixels, more than otaship decodes for an icon/);
      assert.equal(srv.services.publish.icons.tasks, tasksBefore, 'no conversion was handed to a worker');
      const token = new URL(published.installPageUrl).searchParams.get('t') ?? '';
      assert.equal((await fetch(`${srv.baseUrl}/i/${published.release.id}/icon.png?t=${token}`)).status, 404);
    });
  }
});

describe('served icons are standard PNGs', () => {
  test('an icon carrying Apple iDOT and private chunks is served with standard chunks only', async () => {
    const clean = standardPng(120, 120);
    // iDOT and a private chunk right after IHDR (signature 8 bytes + IHDR 25 bytes).
    const withPrivate = Buffer.concat([clean.subarray(0, 33), pngChunk('iDOT', Buffer.alloc(28, 1)), pngChunk('prIV', Buffer.from('x')), clean.subarray(33)]);
    assert.throws(() => assertStrictPng(withPrivate));
    const path = await buildIpa({ bundleId: 'com.example.idot', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120, data: withPrivate }] });
    const published = await publish(path);
    assert.equal(published.release.hasIcon, true);
    for (const icon of await servedIcons(published)) assertStrictPng(icon, 'served icon');
  });
});

describe('server shutdown', () => {
  test('stopping the server stops the icon workers: the pool takes no more work', async () => {
    const own = await startTestServer();
    const pool = own.services.publish.icons;
    try {
      const path = await buildIpa({ bundleId: 'com.example.shutdown', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] });
      const res = await fetch(`${own.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: own.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(path),
      });
      assert.equal(res.status, 201);
      assert.equal(pool.tasks, 1);
    } finally {
      await own.stop();
    }
    await assert.rejects(pool.toStandardPng(standardPng(4, 4), 'AppIcon.png'), (e: unknown) => isOtashipError(e) && /shutting down/.test(e.message));
  });
});
