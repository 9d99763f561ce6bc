// Two server instances on ONE database (a SQLite file, then PostgreSQL) and ONE fs storage folder —
// the shared-disk deployment — each with its own socket, tus server and database connection. A
// resumable upload is finished and published through A while a PATCH of the same upload is open on
// B: B must not be able to write into the published package (on fs storage the release is the
// upload's file, renamed), and a PATCH sent to B afterwards is refused. The package's bytes and its
// SHA-256 stay those that were inspected and authorised.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function tus(srv: TestServer, extra: Record<string, string> = {}): Record<string, string> {
  return srv.auth({ 'tus-resumable': '1.0.0', ...extra });
}

async function offsetOf(srv: TestServer, id: string): Promise<number> {
  const head = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, { method: 'HEAD', headers: tus(srv) });
  assert.equal(head.status, 200);
  return Number(head.headers.get('upload-offset'));
}

/** What a tus client does: asks for the offset and sends the rest, again after a 409/423. */
async function finish(srv: TestServer, id: string, bytes: Buffer<ArrayBuffer>): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = await offsetOf(srv, id);
    if (offset === bytes.length) return;
    const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, {
      method: 'PATCH',
      headers: tus(srv, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
      body: bytes.subarray(offset),
    });
    const text = await res.text();
    if (res.status !== 204) assert.ok([409, 423].includes(res.status), `PATCH: ${res.status} ${text}`);
  }
  assert.fail('the upload did not finish');
}

/** A PATCH whose body is sent piece by piece by the test, as a slow (or hostile) client would. */
function openPatch(srv: TestServer, id: string, offset: number, length: number) {
  const req: ClientRequest = httpRequest(`${srv.baseUrl}/api/v1/uploads/${id}`, {
    method: 'PATCH',
    headers: tus(srv, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(length) }),
  });
  const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', (e) => resolve({ error: e.message }));
    });
    req.once('error', (e) => resolve({ error: e.message }));
  });
  req.flushHeaders();
  const send = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      if (req.destroyed) return resolve();
      req.write(chunk, () => resolve());
    });
  return { req, answer, send };
}

/** Waits (on the file system, not on time) until `path` holds at least `size` bytes. */
async function untilSize(path: string, size: number): Promise<void> {
  await waitFor(async () => ((await stat(path).catch(() => null))?.size ?? 0) >= size);
}

function sharedInstances(label: string, databaseUrl: () => Promise<string | undefined>, skip: string | false) {
  describe(`two instances, one fs storage folder, ${label}`, { skip }, () => {
    let shared: string;
    let a: TestServer;
    let b: TestServer;
    let ipa: Buffer<ArrayBuffer>;
    let other: Buffer<ArrayBuffer>;

    before(async () => {
      shared = await mkdtemp(join(tmpdir(), 'otaship-shared-'));
      const url = await databaseUrl();
      const settings = { dataDir: shared, ...(url ? { databaseUrl: url } : {}) };
      a = await startTestServer({ settings });
      b = await startTestServer({ settings });
      const payload = (n: number) => [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(n), compress: false as const }];
      ipa = await readFile(await buildIpa({ bundleId: 'com.example.genuine', extraEntries: payload(2 * 1024 * 1024) }));
      other = await readFile(await buildIpa({ bundleId: 'com.example.intruder', extraEntries: payload(2 * 1024 * 1024) }));
    });
    after(async () => {
      await a?.stop();
      await b?.stop();
      if (shared) await rm(shared, { recursive: true, force: true });
    });

    async function create(srv: TestServer, size: number): Promise<string> {
      const res = await fetch(`${srv.baseUrl}/api/v1/uploads`, { method: 'POST', headers: tus(srv, { 'upload-length': String(size) }) });
      assert.equal(res.status, 201, await res.text());
      return res.headers.get('location')!.split('/').pop()!;
    }

    async function publish(srv: TestServer, id: string) {
      const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}/publish`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: '{}',
      });
      const text = await res.text();
      assert.equal(res.status, 201, text);
      return JSON.parse(text) as { release: { id: string; sha256: string }; downloadUrl: string };
    }

    /** The published package, as stored and as served by both instances. */
    async function assertPackage(release: { id: string }, downloadUrl: string, expected: Buffer) {
      const onDisk = await readFile(join(shared, 'blobs', 'releases', release.id, 'package.ipa'));
      assert.equal(onDisk.length, expected.length, 'the package keeps its length');
      assert.equal(sha256(onDisk), sha256(expected), 'the package on disk holds the bytes that were published');
      for (const srv of [a, b]) {
        const res = await fetch(downloadUrl.replace(a.baseUrl, srv.baseUrl));
        assert.equal(res.status, 200);
        assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(expected));
      }
    }

    test('a PATCH left open on B while A finishes and publishes cannot write into the package', async () => {
      const id = await create(a, ipa.length);
      const half = Math.floor(ipa.length / 2);
      const first = await fetch(`${a.baseUrl}/api/v1/uploads/${id}`, {
        method: 'PATCH',
        headers: tus(a, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
        body: ipa.subarray(0, half),
      });
      assert.equal(first.status, 204);

      // B's PATCH passes its offset check and starts writing (its first bytes are the genuine ones,
      // as a client that copies them would send), then holds its connection open.
      const intruder = openPatch(b, id, half, ipa.length - half);
      await intruder.send(ipa.subarray(half, half + 1000));
      await untilSize(join(shared, 'blobs', 'uploads', id, 'data'), half + 1000);

      // The client finishes through A and publishes.
      await finish(a, id, ipa);
      const published = await publish(a, id);
      assert.equal(published.release.sha256, sha256(ipa));

      // B's request now sends another build's bytes for the rest of the file.
      await intruder.send(other.subarray(half + 1000, ipa.length));
      // Whatever B answers (204 for the bytes it wrote before it let go, or an error), it is over.
      await intruder.answer;
      await assertPackage(published.release, published.downloadUrl, ipa);

      // A PATCH sent to B now is refused, with a message.
      for (const offset of [0, half, ipa.length]) {
        const late = await fetch(`${b.baseUrl}/api/v1/uploads/${id}`, {
          method: 'PATCH',
          headers: tus(b, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
          body: other.subarray(0, 1000),
        });
        assert.ok([404, 409, 410].includes(late.status), `late PATCH at ${offset}: ${late.status}`);
        assert.match(await late.text(), /finished/, `late PATCH at ${offset}: a message that says why`);
      }
      await assertPackage(published.release, published.downloadUrl, ipa);
    });

    test('a finished upload takes no more bytes on the other instance, before and after publishing', async () => {
      const id = await create(a, ipa.length);
      await finish(a, id, ipa);
      for (const offset of [0, 1000, ipa.length]) {
        const res = await fetch(`${b.baseUrl}/api/v1/uploads/${id}`, {
          method: 'PATCH',
          headers: tus(b, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
          body: other.subarray(0, 1000),
        });
        assert.ok([409, 410, 413].includes(res.status), `PATCH at ${offset} on B: ${res.status}`);
        await res.text();
      }
      // B publishes what A received: the genuine build.
      const published = await publish(b, id);
      assert.equal(published.release.sha256, sha256(ipa));
      await assertPackage(published.release, published.downloadUrl, ipa);
    });

    test('PATCHes sent to B while A publishes are refused, whichever comes first', async () => {
      const id = await create(a, ipa.length);
      await finish(a, id, ipa);
      const patchOnB = (offset: number) =>
        fetch(`${b.baseUrl}/api/v1/uploads/${id}`, {
          method: 'PATCH',
          headers: tus(b, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
          body: other.subarray(offset, offset + 100_000),
        }).then(async (res) => ({ offset, status: res.status, text: await res.text() }));
      const [published, ...patches] = await Promise.all([publish(a, id), patchOnB(0), patchOnB(100_000), patchOnB(ipa.length - 100_000)]);
      for (const p of patches) {
        assert.ok([404, 409, 410].includes(p.status), `PATCH at ${p.offset} on B: ${p.status} ${p.text}`);
        assert.match(p.text, /finished/);
      }
      assert.equal(published!.release.sha256, sha256(ipa));
      await assertPackage(published!.release, published!.downloadUrl, ipa);
    });
  });
}

sharedInstances('one SQLite file', async () => undefined, false);

const pgSkip = postgresSkipReason();
let pg: PostgresServer | undefined;
after(async () => {
  await pg?.stop();
});
sharedInstances(
  'PostgreSQL',
  async () => {
    pg = await startPostgres();
    return pg.createDatabase();
  },
  pgSkip,
);
