// Malformed or loose input is a 400 VALIDATION that says what to send — never a 500, never silently
// ignored. Over a real socket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { ErrorJson } from './support/http.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function errorOf(res: Response): Promise<ErrorJson['error']> {
  return ((await res.json()) as ErrorJson).error;
}

describe('multipart uploads', () => {
  const post = (contentType: string, body: string) =>
    fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': contentType }), body });

  test('a body that is not multipart at all: 400 VALIDATION saying how to send the package', async () => {
    for (const body of ['garbage', '--zz\r\n\r\n']) {
      const res = await post('multipart/form-data; boundary=zz', body);
      assert.equal(res.status, 400, body);
      const e = await errorOf(res);
      assert.equal(e.code, 'VALIDATION');
      assert.match(e.message, /multipart\/form-data body is malformed/);
      assert.match(e.message, /field named "file"/);
    }
  });

  test('multipart without a boundary: 400 VALIDATION', async () => {
    const res = await post('multipart/form-data', 'x');
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, 'VALIDATION');
  });
});
