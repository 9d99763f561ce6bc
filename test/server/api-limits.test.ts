// Numbers the API takes are checked, not coerced: a token lives a whole number of days within a
// maximum, and a list's page size is a whole number within its maximum. Anything else is a
// 400 VALIDATION naming the field, never a clamp or a silent default.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { ErrorJson } from './support/http.js';

describe('API numbers are validated', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('expiresInDays of a new token must be a whole number of days from 1 to 36500', async () => {
    for (const expiresInDays of [0.5, 1.5, 7.25, 0, -1, 36501, 1e308, '7', true]) {
      const res = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ name: 'ci', expiresInDays }),
      });
      assert.equal(res.status, 400, String(expiresInDays));
      const { error } = (await res.json()) as ErrorJson;
      assert.equal(error.code, 'VALIDATION');
      assert.match(error.message, /expiresInDays/);
    }
    const ok = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'ci', expiresInDays: 7 }),
    });
    assert.equal(ok.status, 201);
    const created = (await ok.json()) as { expiresAt: string; createdAt: string };
    assert.equal(Date.parse(created.expiresAt) - Date.parse(created.createdAt), 7 * 86400_000);
  });

  test('the delivery log’s limit must be a whole number from 1 to 200', async () => {
    const create = await fetch(`${srv.baseUrl}/api/v1/webhooks`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ url: 'https://hooks.example.com/otaship' }),
    });
    assert.equal(create.status, 201);
    const hook = (await create.json()) as { id: string };
    for (const limit of ['0', '-1', '201', '1000000', '1.5', '1e2', 'abc', ' 5']) {
      const res = await fetch(`${srv.baseUrl}/api/v1/webhooks/${hook.id}/deliveries?limit=${encodeURIComponent(limit)}`, { headers: srv.auth() });
      assert.equal(res.status, 400, limit);
      const { error } = (await res.json()) as ErrorJson;
      assert.equal(error.code, 'VALIDATION');
      assert.match(error.message, /limit/);
    }
    for (const query of ['?limit=200', '?limit=1', '']) {
      const res = await fetch(`${srv.baseUrl}/api/v1/webhooks/${hook.id}/deliveries${query}`, { headers: srv.auth() });
      assert.equal(res.status, 200, query);
    }
  });
});
