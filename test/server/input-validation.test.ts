// Malformed or loose input is a 400 VALIDATION that says what to send — never a 500, never silently
// ignored. Over a real socket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
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

describe('loose input is refused, not ignored', () => {
  let pub: { release: { id: string; notes: string }; app: { id: string } };
  before(async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(await buildIpa({ bundleId: 'com.example.strict' })),
    });
    assert.equal(res.status, 201);
    pub = (await res.json()) as typeof pub;
  });
  const patch = (path: string, body: unknown) =>
    fetch(`${srv.baseUrl}/api/v1/${path}`, {
      method: 'PATCH',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });

  test('PATCH with an unknown field: 400 naming it and the allowed ones; nothing changes', async () => {
    const res = await patch(`releases/${pub.release.id}`, { nottes: 'typo' });
    assert.equal(res.status, 400);
    const e = await errorOf(res);
    assert.equal(e.code, 'VALIDATION');
    assert.match(e.message, /"nottes"/);
    assert.match(e.message, /allowed: notes, isPublic/);
    const app = await patch(`apps/${pub.app.id}`, { name: 'Ok', public: true });
    assert.equal(app.status, 400);
    assert.match((await errorOf(app)).message, /"public".*allowed: name, isPublic/);
    const got = await fetch(`${srv.baseUrl}/api/v1/apps/${pub.app.id}`, { headers: srv.auth() });
    assert.notEqual(((await got.json()) as { name: string }).name, 'Ok', 'a refused PATCH changes nothing');
  });

  test('force=maybe and limit=abc: 400 naming the parameter', async () => {
    const forced = await fetch(`${srv.baseUrl}/api/v1/releases?force=maybe`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: 'PK',
    });
    assert.equal(forced.status, 400);
    assert.match((await errorOf(forced)).message, /force must be true or false/);
    for (const limit of ['abc', '0', '-1', '100000']) {
      const res = await fetch(`${srv.baseUrl}/api/v1/apps/${pub.app.id}/releases?limit=${limit}`, { headers: srv.auth() });
      assert.equal(res.status, 400, limit);
      assert.match((await errorOf(res)).message, /limit must be a whole number from 1 to 200/);
    }
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps/${pub.app.id}/releases?limit=5`, { headers: srv.auth() })).status, 200);
  });

  test('notes too large for a JSON body: 413 saying notes are limited, not to raise the upload limit', async () => {
    const res = await patch(`releases/${pub.release.id}`, { notes: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(res.status, 413);
    const e = await errorOf(res);
    assert.match(e.message, /notes.*limited to 100000 characters/);
    assert.doesNotMatch(`${e.message} ${e.hint}`, /OTASHIP_MAX_UPLOAD_BYTES/);
  });
});
