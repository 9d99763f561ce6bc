// A full disk under a running server (fs storage and SQLite on a small tmpfs): a publish answers
// 507 INSUFFICIENT_STORAGE with a message an operator understands (never 500 "bug"), leaves no
// temp file, blob or row behind, and once space is freed the same publish succeeds — no restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.js';

const MIB = 1024 * 1024;
const disk = await mountSmallDisk(32 * MIB);
const skip = typeof disk === 'string' ? disk : false;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('full disk', { skip }, () => {
  const small = disk as SmallDisk;
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { dataDir: join(small.path, 'data') } });
  });
  after(async () => {
    await srv?.stop();
    if (!skip) await small.unmount();
  });

  test('publish on a full disk: 507 naming the full storage, nothing left behind; works once space is freed', async () => {
    const ipa = new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.full', fillerBytes: 2 * MIB })));
    const publish = () =>
      fetch(`${srv.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: ipa,
      });
    const filler = await small.fill(256 * 1024);
    const full = await publish();
    const body = (await full.json()) as { error: { code: string; message: string; hint: string } };
    assert.equal(full.status, 507, JSON.stringify(body));
    assert.equal(body.error.code, 'INSUFFICIENT_STORAGE');
    assert.match(body.error.message, /full/);
    assert.match(body.error.hint, /disk space/);
    assert.doesNotMatch(JSON.stringify(body), /bug/i);

    const blobs = join(srv.config.dataDir, 'blobs');
    assert.deepEqual(await filesUnder(blobs), [], 'no blob or temp file left in storage');
    assert.deepEqual(await filesUnder(srv.config.tmpDir), [], 'no staged upload left');
    const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).json()) as { items?: unknown[] } | unknown[];
    assert.equal((Array.isArray(apps) ? apps : (apps.items ?? [])).length, 0, 'no app recorded');

    await rm(filler);
    const ok = await publish();
    assert.equal(ok.status, 201, await ok.text());
  });
});
