// An upload refused while its body is still arriving (too large, bad token) must reach the client
// as that answer, not as "connection reset": the server lingers after answering instead of closing
// at once (src/server/http/lingering-close.ts). Each case is repeated because the failure it guards
// against is a race the client lost most of the time (24 of 30 oversized CLI uploads before).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OtashipClient } from '../../src/client/index.js';
import { OtashipError } from '../../src/core/errors.js';
import { LINGER_MS } from '../../src/server/http/lingering-close.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TRIES = 10;
const BIG = 48 * 1024 * 1024;
let srv: TestServer;
let dir: string;
let bigFile: string;

before(async () => {
  srv = await startTestServer({ settings: { maxUploadBytes: '8MiB' } });
  dir = await mkdtemp(join(tmpdir(), 'otaship-refused-'));
  bigFile = join(dir, 'big.ipa');
  await writeFile(bigFile, Buffer.alloc(BIG, 1));
});
after(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { status: number; body: string } | { error: string };

/**
 * Streams `bytes` (a file piped into the request, as the CLI does) and stops sending as soon as an
 * answer arrives. `chunked` leaves out Content-Length, so the limit is only found mid-stream.
 */
function pipeUpload(options: { chunked?: boolean; token?: string; multipart?: boolean } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const boundary = 'otashipRefusedBoundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.ipa"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? srv.adminToken}`,
      'content-type': options.multipart ? `multipart/form-data; boundary=${boundary}` : 'application/octet-stream',
    };
    const length = options.multipart ? head.length + BIG + tail.length : BIG;
    if (!options.chunked) headers['content-length'] = String(length);
    const req = request(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers, agent: false });
    const file = createReadStream(bigFile, { highWaterMark: 1024 * 1024 });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      file.unpipe(req);
      file.destroy();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered) resolve({ error: err.code ?? err.message });
    });
    if (options.multipart) {
      req.write(head);
      file.pipe(req, { end: false });
      file.on('end', () => req.end(tail));
    } else {
      file.pipe(req);
    }
  });
}

/**
 * A client that writes the whole body before it reads anything (as many HTTP libraries do): a raw
 * socket kept paused until the last byte is written, then the answer is read.
 */
function sendAllThenRead(): Promise<Outcome> {
  return new Promise((resolve) => {
    const url = new URL(srv.baseUrl);
    const socket = connect(Number(url.port), url.hostname);
    socket.pause();
    const chunks: Buffer[] = [];
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(
      `POST /api/v1/releases HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${srv.adminToken}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${BIG}\r\nConnection: close\r\n\r\n`,
    );
    const file = createReadStream(bigFile, { highWaterMark: 1024 * 1024 });
    file.pipe(socket, { end: false });
    file.on('end', () => {
      // Every byte has been handed over: only now look at the answer.
      socket.write('', () => socket.resume());
    });
  });
}

function assertAnswer(outcomes: Outcome[], status: number, code: string): void {
  for (const o of outcomes) {
    assert.ok('status' in o, `expected a ${status} answer, the client saw ${'error' in o ? o.error : ''}`);
    assert.equal(o.status, status);
    assert.equal((JSON.parse(o.body) as { error: { code: string } }).error.code, code);
  }
}

async function repeat(fn: () => Promise<Outcome>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < TRIES; i++) outcomes.push(await fn());
  return outcomes;
}

describe('refused uploads are answered, not reset', () => {
  test('the CLI client gets PAYLOAD_TOO_LARGE for a package over the limit, every time', async () => {
    for (let i = 0; i < TRIES; i++) {
      const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
      await assert.rejects(client.publish(bigFile), (err: unknown) => {
        assert.ok(err instanceof OtashipError);
        assert.equal(err.code, 'PAYLOAD_TOO_LARGE', err.message);
        return true;
      });
    }
  });

  test('413 from Content-Length reaches a client still streaming the body', async () => {
    assertAnswer(await repeat(() => pipeUpload()), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('413 found mid-stream (no Content-Length) reaches the client', async () => {
    assertAnswer(await repeat(() => pipeUpload({ chunked: true })), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('413 from a multipart form (the web upload) reaches the client', async () => {
    assertAnswer(await repeat(() => pipeUpload({ multipart: true })), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('401 for a bad token reaches a client still streaming the body', async () => {
    assertAnswer(await repeat(() => pipeUpload({ token: 'not-a-token' })), 401, 'UNAUTHENTICATED');
  });

  test('a client that sends everything before reading still gets the 413 (the rest is drained)', async () => {
    assertAnswer(await repeat(sendAllThenRead), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('nothing is kept from any refused upload', async () => {
    for (let i = 0; i < 100 && (await readdir(srv.config.tmpDir)).length > 0; i++) await sleep(50);
    assert.deepEqual(await readdir(srv.config.tmpDir), []);
    assert.deepEqual(await srv.services.repos.apps.list(), []);
  });

  test('shutting down ends a lingering connection instead of waiting it out', async () => {
    const other = await startTestServer({ settings: { maxUploadBytes: '1MiB' } });
    try {
      // Mid-stream refusal, then the client neither reads nor closes: the connection lingers.
      const req = request(`${other.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: other.auth({ 'content-type': 'application/octet-stream' }),
        agent: false,
      });
      req.on('error', () => undefined);
      const answered = new Promise<number>((resolve) => req.on('response', (res) => resolve(res.statusCode ?? 0)));
      const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
      req.write(Buffer.alloc(2 * 1024 * 1024));
      assert.equal(await answered, 413);
      const stopped = other.stop().then(() => 'stopped' as const);
      const outcome = await Promise.race([stopped, sleep(LINGER_MS - 1000).then(() => 'still lingering' as const)]);
      assert.equal(outcome, 'stopped');
      await closed;
    } finally {
      await other.stop();
    }
  });
});
