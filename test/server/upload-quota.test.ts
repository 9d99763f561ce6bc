// The per-token quota of unfinished resumable uploads (count and declared bytes), against a real
// server: beyond it a creation is answered 429 QUOTA_EXCEEDED naming the limit and what to do; other
// tokens are not affected; cancelling frees the room; a creation the server refuses books nothing;
// creations sent all at once cannot slip past the limit together.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MiB = 1024 * 1024;
let srv: TestServer;
before(async () => {
  srv = await startTestServer({ settings: { maxUploadBytes: 10 * MiB, uploadQuotaCount: 3, uploadQuotaBytes: 15 * MiB } });
});
after(async () => {
  await srv?.stop();
});

async function tokenFor(name: string): Promise<string> {
  const res = await fetch(`${srv.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/json' }),
    body: JSON.stringify({ name }),
  });
  assert.equal(res.status, 201);
  return ((await res.json()) as { token: string }).token;
}

async function create(token: string, length: number | 'deferred'): Promise<{ status: number; id?: string; error?: { code: string; message: string } }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'tus-resumable': '1.0.0',
      ...(length === 'deferred' ? { 'upload-defer-length': '1' } : { 'upload-length': String(length) }),
    },
  });
  const text = await res.text();
  if (res.status === 201) return { status: 201, id: res.headers.get('location')!.split('/').pop()! };
  const error = res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as { error: { code: string; message: string } }).error : undefined;
  return { status: res.status, ...(error ? { error } : {}) };
}

async function cancel(token: string, id: string): Promise<void> {
  const res = await fetch(`${srv.baseUrl}/api/v1/uploads/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } });
  assert.equal(res.status, 204);
}

describe('quota of unfinished uploads per token', () => {
  test('the count: the 4th unfinished upload is refused with 429 naming the limit; cancelling one makes room', async () => {
    const alice = await tokenFor('alice');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await create(alice, 1000);
      assert.equal(r.status, 201);
      ids.push(r.id!);
    }
    const refused = await create(alice, 1000);
    assert.equal(refused.status, 429);
    assert.equal(refused.error?.code, 'QUOTA_EXCEEDED');
    assert.match(refused.error!.message, /3 unfinished uploads/);
    assert.match(refused.error!.message, /OTASHIP_UPLOAD_QUOTA_COUNT/);
    assert.match(refused.error!.message, /publish or cancel/);
    assert.equal((await create(await tokenFor('bob'), 1000)).status, 201, 'another token has its own quota');
    await cancel(alice, ids[0]!);
    assert.equal((await create(alice, 1000)).status, 201, 'a cancelled upload no longer counts');
  });

  test('the declared bytes: an upload that would take the token past them is refused; a deferred length books the maximum', async () => {
    const carol = await tokenFor('carol');
    assert.equal((await create(carol, 10 * MiB)).status, 201);
    const refused = await create(carol, 6 * MiB);
    assert.equal(refused.status, 429);
    assert.equal(refused.error?.code, 'QUOTA_EXCEEDED');
    assert.match(refused.error!.message, /OTASHIP_UPLOAD_QUOTA_BYTES/);
    assert.ok(refused.error!.message.includes(String(15 * MiB)), refused.error!.message);
    assert.equal((await create(carol, 5 * MiB)).status, 201, 'what still fits is accepted');

    const dave = await tokenFor('dave');
    assert.equal((await create(dave, 'deferred')).status, 201);
    assert.equal((await create(dave, 6 * MiB)).status, 429, 'a deferred length counts as the largest upload allowed');
  });

  test('a creation the server refuses books nothing', async () => {
    const erin = await tokenFor('erin');
    for (let i = 0; i < 4; i++) assert.equal((await create(erin, 10 * MiB + 1)).status, 413);
    for (let i = 0; i < 3; i++) assert.equal((await create(erin, 1000)).status, 201);
  });

  test('creations sent all at once cannot slip past the limit together', async () => {
    const frank = await tokenFor('frank');
    const results = await Promise.all(Array.from({ length: 8 }, () => create(frank, 1000)));
    const created = results.filter((r) => r.status === 201).length;
    assert.ok(created <= 3, `${created} of 8 were created with a limit of 3`);
    for (const r of results) assert.ok(r.status === 201 || r.status === 429, String(r.status));
  });
});
