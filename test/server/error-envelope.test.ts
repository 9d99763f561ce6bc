// Every error answer has the same shape — `{error: {code, message, hint}}`, or the HTML error page on
// page routes — including those raised before routing (a URL that does not decode) and those for
// requests Node could not even parse (oversized headers, not HTTP). Over real sockets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { ErrorJson } from './support/http.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

/** Sends raw bytes and returns everything the server wrote before closing. */
function raw(text: string): Promise<{ head: string; body: string }> {
  const { hostname, port } = new URL(srv.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const done = () => {
      const at = out.indexOf('\r\n\r\n');
      resolve({ head: out.slice(0, at), body: out.slice(at + 4) });
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

describe('the error envelope everywhere', () => {
  test('a URL whose %-escapes do not decode: 400 VALIDATION in the envelope (API) or the error page', async () => {
    const api = await fetch(`${srv.baseUrl}/api/v1/releases/%E0%A4%A`);
    assert.equal(api.status, 400);
    assert.match(api.headers.get('content-type') ?? '', /^application\/json/);
    const e = ((await api.json()) as ErrorJson).error;
    assert.equal(e.code, 'VALIDATION');
    assert.match(e.message, /URL/);
    assert.ok(e.hint);

    const page = await fetch(`${srv.baseUrl}/i/%E0%A4%A`);
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /VALIDATION/);
  });

  test('oversized headers: 431 HEADERS_TOO_LARGE in the envelope', async () => {
    const res = await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.match(res.head, /^HTTP\/1\.1 431 /);
    assert.match(res.head, /content-type: application\/json/i);
    const e = (JSON.parse(res.body) as ErrorJson).error;
    assert.equal(e.code, 'HEADERS_TOO_LARGE');
    assert.ok(e.message && e.hint);
  });

  test('not HTTP at all: 400 VALIDATION in the envelope', async () => {
    const res = await raw('GARBAGE\r\n\r\n');
    assert.match(res.head, /^HTTP\/1\.1 400 /);
    assert.equal((JSON.parse(res.body) as ErrorJson).error.code, 'VALIDATION');
  });
});
