// The same server on PostgreSQL (throwaway cluster from test/helpers/postgres.ts): publish, list,
// tokens, counters and delete (a release, a whole app) work through the one repositories layer; two instances sharing the
// database share the signing secret, so a link made by one opens on the other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const skip = postgresSkipReason();

describe('server on PostgreSQL', { skip }, () => {
  let pg: PostgresServer;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    pg = await startPostgres();
    const databaseUrl = await pg.createDatabase();
    a = await startTestServer({ settings: { databaseUrl } });
    // A second instance on the same database and the same blob directory, as behind a load balancer.
    b = await startTestServer({ settings: { databaseUrl, dataDir: a.dataDir } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await pg?.stop();
  });

  test('publish on one instance, install links open on the other; counts add up across instances', async () => {
    const res = await fetch(`${a.baseUrl}/api/v1/releases?notes=pg`, {
      method: 'POST',
      headers: a.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.pg' }))),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const pub = (await res.json()) as { release: { id: string }; app: { id: string }; downloadUrl: string };
    const onB = pub.downloadUrl.replace(a.baseUrl, b.baseUrl);
    assert.equal((await fetch(onB)).status, 200, 'the signing secret is shared through the database');
    assert.equal((await fetch(pub.downloadUrl)).status, 200);
    // Each instance batches its increments; once both have flushed, both see the sum.
    await a.services.counters.flush();
    await b.services.counters.flush();
    const countsA = await a.services.counters.get(pub.release.id);
    const countsB = await b.services.counters.get(pub.release.id);
    assert.equal(countsB.downloadsStarted, 2);
    assert.equal(countsA.downloadsStarted, 2);

    const list = (await (await fetch(`${b.baseUrl}/api/v1/apps/${pub.app.id}/releases`, { headers: b.auth() })).json()) as {
      items: { id: string; notes: string }[];
    };
    assert.deepEqual(list.items.map((r) => [r.id, r.notes]), [[pub.release.id, 'pg']]);

    const token = (await (
      await fetch(`${a.baseUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ name: 'pg', appId: pub.app.id }),
      })
    ).json()) as { token: string };
    assert.equal((await fetch(`${b.baseUrl}/api/v1/apps/${pub.app.id}`, { headers: { authorization: `Bearer ${token.token}` } })).status, 200);

    assert.equal((await fetch(`${b.baseUrl}/api/v1/releases/${pub.release.id}`, { method: 'DELETE', headers: b.auth() })).status, 204);
    assert.equal((await fetch(pub.downloadUrl)).status, 404);
  });

  test('deleting an app on one instance: records, files and intents gone; the other instance agrees', async () => {
    const publish = async (build: string) => {
      const res = await fetch(`${a.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/octet-stream' }),
        body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.pg-delete', build }))),
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as { release: { id: string }; app: { id: string } };
    };
    const first = await publish('1');
    const second = await publish('2');
    const hook = (await (
      await fetch(`${a.baseUrl}/api/v1/webhooks`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ url: 'https://hooks.example.invalid/pg', events: ['release.deleted'] }),
      })
    ).json()) as { id: string };
    assert.equal((await fetch(`${b.baseUrl}/api/v1/apps/${first.app.id}`, { method: 'DELETE', headers: b.auth() })).status, 204);
    assert.equal((await fetch(`${a.baseUrl}/api/v1/apps/${first.app.id}`, { headers: a.auth() })).status, 404);
    for (const id of [first.release.id, second.release.id]) {
      const left: string[] = [];
      for await (const key of a.services.blobs.list(`releases/${id}/`)) left.push(key);
      assert.deepEqual(left, []);
    }
    assert.deepEqual(await a.services.repos.blobIntents.prefixes(), []);
    const deliveries = (await (await fetch(`${a.baseUrl}/api/v1/webhooks/${hook.id}/deliveries`, { headers: a.auth() })).json()) as {
      items: { event: string }[];
    };
    assert.deepEqual(deliveries.items.map((d) => d.event), ['release.deleted', 'release.deleted']);
    // The audit log is shared: the deletion made on b is read on a, with the app's name it had.
    const audit = (await (await fetch(`${a.baseUrl}/api/v1/audit?action=app.delete&appId=${first.app.id}`, { headers: a.auth() })).json()) as {
      items: { action: string; target: { label: string | null } }[];
    };
    assert.deepEqual(audit.items.map((e) => [e.action, e.target.label]), [['app.delete', 'Example (ios com.example.pg-delete)']]);
  });
});
