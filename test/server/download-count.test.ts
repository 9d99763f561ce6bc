// Completed downloads are counted from the bytes handed to the socket, not from the response's
// 'finish' event: a client that closes right after the last byte still completed its download; a
// suffix range (`bytes=-N`) peeks and never completes one; a reader that stops early never does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ReleaseCounts } from '../../src/ports/repositories.js';
import { countsReach as reachCounts } from './support/counts.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function publish(bundleId: string, fillerBytes: number): Promise<{ id: string; downloadUrl: string; size: number }> {
  const bytes = await readFile(await buildIpa({ bundleId, fillerBytes }));
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(bytes),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const j = (await res.json()) as { release: { id: string }; downloadUrl: string };
  return { id: j.release.id, downloadUrl: j.downloadUrl, size: bytes.length };
}

/**
 * GET that reads until `stopAfter` bytes (default: the whole body, by Content-Length) and then
 * destroys its socket at once, as curl or a killed pipe does.
 */
function get(url: string, headers: Record<string, string> = {}, stopAfter?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const want = stopAfter ?? Number(res.headers['content-length']);
      let got = 0;
      res.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= want) {
          req.destroy();
          resolve(got);
        }
      });
      res.on('end', () => resolve(got));
    });
    req.on('error', reject);
    req.end();
  });
}

const countsReach = (releaseId: string, expected: Partial<ReleaseCounts>) => reachCounts(srv.services, releaseId, expected);

describe('download completion counts', () => {
  test('20 whole downloads whose clients close right after the last byte: 20 completed', async () => {
    const rel = await publish('com.example.count20', 1_100_000);
    for (let i = 0; i < 20; i++) assert.equal(await get(rel.downloadUrl), rel.size);
    const counts = await countsReach(rel.id, { downloadsStarted: 20, downloadsCompleted: 20 });
    assert.equal(counts.downloadsStarted, 20);
    assert.equal(counts.downloadsCompleted, 20);
  });

  test('suffix ranges (bytes=-1) neither start nor complete a download', async () => {
    const rel = await publish('com.example.suffix', 10_000);
    for (let i = 0; i < 5; i++) assert.equal(await get(rel.downloadUrl, { range: 'bytes=-1' }), 1);
    // Then one whole download: once it is counted, the suffix requests (answered before it) are too.
    await get(rel.downloadUrl);
    const counts = await countsReach(rel.id, { downloadsStarted: 1, downloadsCompleted: 1 });
    assert.equal(counts.downloadsStarted, 1);
    assert.equal(counts.downloadsCompleted, 1);
  });

  test('a reader that stops after 1000 bytes started a download but did not complete it', async () => {
    const rel = await publish('com.example.headc', 32 * 1024 * 1024);
    await get(rel.downloadUrl, {}, 1000);
    await get(rel.downloadUrl);
    const counts = await countsReach(rel.id, { downloadsStarted: 2, downloadsCompleted: 1 });
    assert.equal(counts.downloadsStarted, 2);
    assert.equal(counts.downloadsCompleted, 1);
  });

  test('a range from byte 0 to the end completes; a continuation to the end completes', async () => {
    const rel = await publish('com.example.ranges', 10_000);
    await get(rel.downloadUrl, { range: `bytes=0-${rel.size - 1}` });
    await get(rel.downloadUrl, { range: 'bytes=0-99' });
    await get(rel.downloadUrl, { range: 'bytes=100-' });
    const counts = await countsReach(rel.id, { downloadsStarted: 2, downloadsCompleted: 2 });
    assert.equal(counts.downloadsStarted, 2);
    assert.equal(counts.downloadsCompleted, 2);
  });
});
