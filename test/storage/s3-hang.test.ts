// An S3 endpoint that takes connections and then answers nothing (a paused service, a half-dead
// proxy): requests fail once their socket has idled past the store's timeout, with an error the
// server answers 503 (never a request left hanging, never "a bug").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { infrastructureError } from '../../src/server/infra-fault.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startTestServer } from '../helpers/server.js';

test('a silent endpoint: stat and put fail as UNAVAILABLE after the socket timeout', { timeout: 60_000 }, async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // reads the request, never answers
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as { port: number };
  try {
    const store = await openBlobStore({
      kind: 's3',
      bucket: 'otaship',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      socketTimeoutMs: 500,
    });
    for (const attempt of [() => store.stat('releases/x/package.ipa'), () => store.put('releases/x/icon.png', Readable.from([Buffer.from('png')]))]) {
      const err = await attempt().then(
        () => assert.fail('a silent endpoint cannot answer'),
        (e: unknown) => e,
      );
      const answer = infrastructureError(err);
      assert.equal(answer?.code, 'UNAVAILABLE', String(err));
      assert.match(answer?.message ?? '', /blob storage/);
    }
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a server whose S3 endpoint is silent still starts; readiness names the storage', { timeout: 120_000 }, async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address() as { port: number };
  const srv = await startTestServer({
    settings: {
      storage: 's3',
      s3Bucket: 'otaship',
      s3Endpoint: `http://127.0.0.1:${port}`,
      s3Region: 'us-east-1',
      s3ForcePathStyle: 'true',
      s3AccessKeyId: 'key',
      s3SecretAccessKey: 'secret',
    },
    conformance: false,
  });
  try {
    const ready = await fetch(`${srv.baseUrl}/api/v1/ready`);
    const body = (await ready.json()) as { status: string; storage: { ok: boolean } };
    assert.equal(ready.status, 503);
    assert.equal(body.storage.ok, false);
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/health`)).status, 200, 'alive while its storage is not');
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
    await srv.stop();
  }
});
