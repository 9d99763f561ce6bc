// Renaming and deleting apps through the API on a real server (socket, SQLite file, fs blobs): who may
// (no token, a wrong token, another app's token are refused), strict input, the release files and
// blob intents gone after a delete, release.deleted for the all-app webhooks, and a delete whose
// storage fails half-way leaving intents that the blob sweeper finishes. Also the admin pages'
// search parameters: checked and escaped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { BlobGc } from '../../src/services/blob-gc.js';
import { CatalogService } from '../../src/services/catalog.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

interface Published {
  app: { id: string; name: string };
  release: { id: string };
}

let srv: TestServer;

before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = srv.auth()): Promise<Response> {
  return fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function publish(bundleId: string, build = '1'): Promise<Published> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(await readFile(await buildIpa({ bundleId, displayName: bundleId, build }))),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Published;
}

async function tokenFor(appId: string | null): Promise<string> {
  const res = await api('POST', '/api/v1/tokens', { name: `for ${appId ?? 'all'}`, ...(appId ? { appId } : {}) });
  assert.equal(res.status, 201, await res.clone().text());
  const body = (await res.json()) as { secret?: string; token?: string | { secret: string } };
  const secret = body.secret ?? (typeof body.token === 'string' ? body.token : body.token?.secret);
  assert.ok(secret);
  return secret;
}

async function blobKeys(prefix: string, blobs: BlobStore = srv.services.blobs): Promise<string[]> {
  const out: string[] = [];
  for await (const key of blobs.list(prefix)) out.push(key);
  return out.sort();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('PATCH /api/v1/apps/:appId (rename)', () => {
  test('renames; the answer is the app as GET shows it', async () => {
    const { app } = await publish('com.example.rename');
    const res = await api('PATCH', `/api/v1/apps/${app.id}`, { name: '  New <name>  ' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.name, 'New <name>');
    assert.deepEqual(Object.keys(body).sort(), ['bundleId', 'createdAt', 'id', 'isPublic', 'name', 'platform', 'updatedAt']);
    const got = (await (await api('GET', `/api/v1/apps/${app.id}`)).json()) as { name: string };
    assert.equal(got.name, 'New <name>');
  });

  test('strict input: a number, an empty name, an unknown field are 400 VALIDATION and change nothing', async () => {
    const { app } = await publish('com.example.rename-strict');
    for (const body of [{ name: 123 }, { name: '' }, { name: 'x'.repeat(201) }, { isPublic: 'true' }, { nmae: 'typo' }]) {
      const res = await api('PATCH', `/api/v1/apps/${app.id}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'VALIDATION');
    }
    const got = (await (await api('GET', `/api/v1/apps/${app.id}`)).json()) as { name: string; isPublic: boolean };
    assert.equal(got.name, 'com.example.rename-strict');
    assert.equal(got.isPublic, false);
  });

  test('no token, a wrong token: 401; another app’s token: 404 as for an unknown id; nothing changes', async () => {
    const { app } = await publish('com.example.rename-authz');
    const other = await publish('com.example.rename-other');
    const otherToken = await tokenFor(other.app.id);
    assert.equal((await api('PATCH', `/api/v1/apps/${app.id}`, { name: 'x' }, {})).status, 401);
    assert.equal((await api('PATCH', `/api/v1/apps/${app.id}`, { name: 'x' }, bearer('ota_nope_wrongsecret'))).status, 401);
    const hidden = await api('PATCH', `/api/v1/apps/${app.id}`, { name: 'x' }, bearer(otherToken));
    assert.equal(hidden.status, 404);
    assert.equal(((await hidden.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const own = await api('PATCH', `/api/v1/apps/${other.app.id}`, { name: 'Mine' }, bearer(otherToken));
    assert.equal(own.status, 200, 'an app-limited token may rename its own app');
    const got = (await (await api('GET', `/api/v1/apps/${app.id}`)).json()) as { name: string };
    assert.equal(got.name, 'com.example.rename-authz');
  });
});

describe('DELETE /api/v1/apps/:appId', () => {
  test('refused without a token, with a wrong one, and with another app’s token (404); the app stays', async () => {
    const { app } = await publish('com.example.delete-authz');
    const other = await publish('com.example.delete-other');
    const otherToken = await tokenFor(other.app.id);
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}`, undefined, {})).status, 401);
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}`, undefined, bearer('ota_nope_wrongsecret'))).status, 401);
    assert.equal((await api('DELETE', `/api/v1/apps/${app.id}`, undefined, bearer(otherToken))).status, 404);
    assert.equal((await api('GET', `/api/v1/apps/${app.id}`)).status, 200);
  });

  test('removes the app, every release and their files; all-app webhooks hear release.deleted for each', async () => {
    const first = await publish('com.example.delete-me', '1');
    const second = await publish('com.example.delete-me', '2');
    const keep = await publish('com.example.keep-me');
    const hook = (await (
      await api('POST', '/api/v1/webhooks', { url: 'https://hooks.example.invalid/otaship', events: ['release.deleted'] })
    ).json()) as { id: string };
    assert.equal((await blobKeys(`releases/${first.release.id}/`)).length > 0, true);

    const res = await api('DELETE', `/api/v1/apps/${first.app.id}`);
    assert.equal(res.status, 204);
    assert.equal((await api('GET', `/api/v1/apps/${first.app.id}`)).status, 404);
    for (const id of [first.release.id, second.release.id]) {
      assert.equal((await api('GET', `/api/v1/releases/${id}`)).status, 404);
      assert.deepEqual(await blobKeys(`releases/${id}/`), [], `files of release ${id}`);
    }
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [], 'no intent left once the files are gone');
    assert.ok((await blobKeys(`releases/${keep.release.id}/`)).length > 0, 'other apps keep their files');

    const deliveries = (await (await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).json()) as { items: { event: string }[] };
    assert.deepEqual(deliveries.items.map((d) => d.event), ['release.deleted', 'release.deleted']);
    assert.equal((await api('DELETE', `/api/v1/webhooks/${hook.id}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/apps/${first.app.id}`)).status, 404, 'deleting twice: 404');
  });

  test('storage failing half-way: the records are gone, the files stay under intents, and the sweeper removes them', async () => {
    const { app, release } = await publish('com.example.delete-storage-down');
    const files = await blobKeys(`releases/${release.id}/`);
    assert.ok(files.length > 0);
    const real = srv.services.blobs;
    const catalog = catalogWithFailingDeletes();
    const admin = await srv.services.tokens.authenticate(srv.adminToken);
    await assert.rejects(catalog.deleteApp(admin, app.id));
    assert.equal((await api('GET', `/api/v1/apps/${app.id}`)).status, 404);
    assert.deepEqual(await blobKeys(`releases/${release.id}/`), files, 'the files are still there…');
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [`releases/${release.id}/`], '…under an intent');

    // After the grace period, the sweeper (every instance runs it hourly) removes them.
    const gc = new BlobGc(srv.services.repos, real, () => new Date(Date.now() + 26 * 3600_000));
    const swept = await gc.sweepIntents();
    assert.deepEqual(swept.map((s) => s.prefix), [`releases/${release.id}/`]);
    assert.deepEqual(await blobKeys(`releases/${release.id}/`), []);
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), []);
  });
});

describe('DELETE /api/v1/releases/:id', () => {
  test('storage failing after the commit: the files stay under an intent the sweeper finishes', async () => {
    const { release } = await publish('com.example.release-storage-down');
    const files = await blobKeys(`releases/${release.id}/`);
    const real = srv.services.blobs;
    const catalog = catalogWithFailingDeletes();
    const admin = await srv.services.tokens.authenticate(srv.adminToken);
    await assert.rejects(catalog.deleteRelease(admin, release.id));
    assert.equal((await api('GET', `/api/v1/releases/${release.id}`)).status, 404);
    assert.deepEqual(await blobKeys(`releases/${release.id}/`), files);
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [`releases/${release.id}/`]);
    const gc = new BlobGc(srv.services.repos, real, () => new Date(Date.now() + 26 * 3600_000));
    await gc.sweepIntents();
    assert.deepEqual(await blobKeys(`releases/${release.id}/`), []);
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), []);
  });

  test('deleted through the API: files and intent gone', async () => {
    const { release } = await publish('com.example.release-delete');
    assert.equal((await api('DELETE', `/api/v1/releases/${release.id}`)).status, 204);
    assert.deepEqual(await blobKeys(`releases/${release.id}/`), []);
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), []);
  });
});

describe('admin search parameters', () => {
  test('the search text is escaped in the page; unknown platform or profile values are 400', async () => {
    const { app } = await publish('com.example.search-escape');
    const q = '<script>alert(1)</script>"';
    const page = await fetch(`${srv.baseUrl}/admin?q=${encodeURIComponent(q)}`, { headers: srv.auth() });
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.ok(!text.includes('<script>alert(1)'), 'not raw');
    assert.ok(text.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;"'), 'escaped in the search box');
    const releases = await fetch(`${srv.baseUrl}/admin/apps/${app.id}?q=${encodeURIComponent(q)}`, { headers: srv.auth() });
    assert.equal(releases.status, 200);
    assert.ok(!(await releases.text()).includes('<script>alert(1)'));
    for (const path of ['/admin?platform=windows', `/admin/apps/${app.id}?profile=store`, `/admin?q=${'x'.repeat(201)}`]) {
      const res = await fetch(`${srv.baseUrl}${path}`, { headers: srv.auth() });
      assert.equal(res.status, 400, path);
    }
  });

  test('the webhooks page is for admin tokens only', async () => {
    const token = await tokenFor(null);
    const res = await fetch(`${srv.baseUrl}/admin/webhooks`, { headers: bearer(token) });
    assert.equal(res.status, 403);
  });
});

/** The real services, except that the blob store's deletes fail (a storage outage during a delete). */
function catalogWithFailingDeletes(): CatalogService {
  const failing: BlobStore = Object.assign(Object.create(srv.services.blobs) as BlobStore, {
    delete: async () => {
      throw Object.assign(new Error('storage unreachable'), { code: 'EIO' });
    },
  });
  return new CatalogService(srv.services.repos, failing, undefined, srv.clock);
}
