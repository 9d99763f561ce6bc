// Requests shaped by an attacker or a broken client, over a real socket: each gets a clear answer
// and none is logged as a failure of the server (level 50, "this is a bug" or "the database cannot
// be reached").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { clientHungUp } from '../../src/server/http/client-abort.js';
import { infrastructureError } from '../../src/server/infra-fault.js';
import { clientKey } from '../../src/services/client-key.js';
import { logLines, startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';
import { publishFile } from './support/publish.js';

test('clientKey: a request whose socket is already gone has no address; it gets a key, not a TypeError', () => {
  assert.equal(clientKey(undefined), 'unknown');
  assert.equal(clientKey(''), 'unknown');
  assert.equal(clientKey('10.1.2.3'), '10.1.2.3');
});

/** Writes `raw` on a fresh connection and resolves with everything the server sent until it closed. */
async function exchange(baseUrl: string, raw: string, options: { halfClose?: boolean } = {}): Promise<string> {
  const u = new URL(baseUrl);
  const socket = connect({ host: u.hostname, port: Number(u.port) });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  socket.write(raw);
  if (options.halfClose) socket.end();
  await closed;
  return Buffer.concat(chunks).toString('latin1');
}

describe('hostile requests', { timeout: 120_000 }, () => {
  let srv: TestServer;
  const lines: Array<Record<string, unknown>> = [];
  const serverFailures = () => lines.filter((l) => Number(l.level) >= 50);

  before(async () => {
    srv = await startTestServer({ logger: logLines(lines), conformance: false });
  });
  after(() => srv?.stop());

  test('junk after a request that carries a bearer token: refused, nothing logged as a bug', async () => {
    const before = lines.length;
    const host = new URL(srv.baseUrl).host;
    await exchange(srv.baseUrl, `GET /api/v1/apps HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ota_x_y\r\n\r\n{}`);
    // The request itself was handled (refused at info level) even though its socket was cut under it.
    await waitFor(() => lines.slice(before).some((l) => l.msg === 'request refused'));
    assert.deepEqual(serverFailures(), []);
  });

  test('a form whose client hangs up mid-body: an incomplete request at info level, not "the database cannot be reached"', async () => {
    const before = lines.length;
    const host = new URL(srv.baseUrl).host;
    const answer = await exchange(
      srv.baseUrl,
      `POST /admin/login HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${srv.publicUrl}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntoken=abc`,
      { halfClose: true },
    );
    await waitFor(() => lines.slice(before).some((l) => l.msg === 'request refused' || Number(l.level) >= 50));
    assert.deepEqual(serverFailures(), [], JSON.stringify(serverFailures()).slice(0, 400));
    const refused = lines.slice(before).find((l) => l.msg === 'request refused');
    assert.equal(refused?.code, 'UPLOAD_INCOMPLETE');
    assert.ok(!answer.includes(' 503 '), answer.slice(0, 200));
  });

  test('an icon name found on Object.prototype (constructor, __proto__, toString) is not an icon: 404', async () => {
    const { downloadUrl } = await publishFile(srv, await buildIpa({ bundleId: 'com.example.proto', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
    const icon = downloadUrl.replace('/package.ipa', '/icon.png');
    assert.equal((await fetch(icon)).status, 200, 'the real icon is served (the comparison can fail)');
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      const r = await fetch(downloadUrl.replace('/package.ipa', `/${name}`));
      assert.equal(r.status, 404, name);
      await r.body?.cancel();
    }
  });

  test('a tus PATCH without Upload-Offset is a bad request (400) that says what to send', async () => {
    const created = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: srv.auth({ 'tus-resumable': '1.0.0', 'upload-length': '10' }),
    });
    assert.equal(created.status, 201);
    const location = new URL(created.headers.get('location') ?? '', `${srv.baseUrl}/api/v1/uploads`).href;
    const res = await fetch(location, {
      method: 'PATCH',
      headers: srv.auth({ 'tus-resumable': '1.0.0', 'content-type': 'application/offset+octet-stream' }),
      body: 'abc',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /no Upload-Offset header.*HEAD tells it/);
    await fetch(location, { method: 'DELETE', headers: srv.auth({ 'tus-resumable': '1.0.0' }) });
  });

  test('a multipart publish with too many parts names the limit, not busboy\'s "reach files limit"', async () => {
    const form = new FormData();
    for (let i = 0; i < 3; i++) form.append('file', new Blob([new Uint8Array(10)]), `a${i}.ipa`);
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body: form });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 400);
    assert.equal(body.error.code, 'VALIDATION');
    assert.match(body.error.message, /too many parts: send one "file" part/);
  });

  test('a static asset path with a NUL or a ".." escape: a sentence, not a bare "Forbidden"', async () => {
    for (const path of ['/assets/%2e%2e/%2e%2e/package.json', '/assets/install.js%00.png']) {
      const res = await fetch(`${srv.baseUrl}${path}`);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      const text = await res.text();
      assert.ok(!/"message":"Forbidden"/.test(text), `${path}: ${text.slice(0, 200)}`);
    }
  });

  test('nothing above was logged as a failure of the server', () => {
    assert.deepEqual(serverFailures(), []);
  });
});

test('an upstream reset of the same shape ("aborted", ECONNRESET) on a request still connected is a fault of the storage, not the client hanging up', () => {
  const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  assert.equal(clientHungUp({ destroyed: false, complete: false } as never, reset), false);
  assert.equal(clientHungUp({ destroyed: true, complete: true } as never, reset), false, 'a body that arrived whole was not cut');
  assert.equal(clientHungUp({ destroyed: true, complete: false } as never, new Error('wrapped', { cause: reset })), true);
  assert.equal(infrastructureError(reset)?.code, 'UNAVAILABLE', 'retryable 503 for the storage reset');
});

test('an Expect header the server does not know: 417 in the error envelope, saying what to send', async () => {
  const srv = await startTestServer({ conformance: false });
  try {
    const host = new URL(srv.baseUrl).host;
    const answer = await exchange(srv.baseUrl, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}\r\nExpect: foo\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 417 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'VALIDATION');
    assert.match(body.error.message, /Expect header "foo" is not supported.*100-continue/);
  } finally {
    await srv.stop();
  }
});
