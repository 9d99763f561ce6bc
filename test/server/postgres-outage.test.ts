// PostgreSQL going away under a running server (the real server process is stopped, then started
// again; connections are killed with pg_terminate_backend): requests answer 503 UNAVAILABLE with
// Retry-After, never 500 "bug"; readiness names the database; liveness stays 200; install counts
// made during the outage are kept and written once it is back — all without restarting otaship.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const skip = postgresSkipReason();

interface Envelope {
  error: { code: string; message: string; hint: string };
}

async function keys(srv: TestServer): Promise<string[]> {
  const out: string[] = [];
  for await (const k of srv.services.blobs.list('')) out.push(k);
  return out.sort();
}

describe('PostgreSQL outage', { skip }, () => {
  let pg: PostgresServer;
  let srv: TestServer;
  let databaseUrl: string;
  before(async () => {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase();
    srv = await startTestServer({ settings: { databaseUrl } });
  });
  after(async () => {
    await srv?.stop();
    await pg?.stop();
  });

  test('stopped database: 503 with Retry-After, readiness says database, counts kept; back without a restart', async (t) => {
    if (!pg.outage) return t.skip('an external PostgreSQL (OTASHIP_TEST_DATABASE_URL) cannot be stopped by the test');
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.outage' }))),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { release, app } = (await res.json()) as { release: { id: string }; app: { id: string } };
    const before = await srv.services.counters.get(release.id);

    await pg.outage.stop();
    try {
      const down = await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, { headers: srv.auth() });
      const body = (await down.json()) as Envelope;
      assert.equal(down.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'UNAVAILABLE');
      assert.match(body.error.message, /database/);
      assert.doesNotMatch(JSON.stringify(body), /bug/i);
      assert.ok(Number(down.headers.get('retry-after')) > 0, 'Retry-After is set');

      const ready = await fetch(`${srv.baseUrl}/api/v1/ready`);
      const readyBody = (await ready.json()) as { status: string; database: { ok: boolean; error?: string }; storage: { ok: boolean } };
      assert.equal(ready.status, 503);
      assert.ok(ready.headers.get('retry-after'));
      assert.equal(readyBody.database.ok, false);
      assert.equal(readyBody.storage.ok, true, 'the storage is fine: only the database is named');
      assert.equal((await fetch(`${srv.baseUrl}/api/v1/health`)).status, 200, 'liveness does not depend on the database');

      // A publish meanwhile is refused before it stores anything.
      const blobsBefore = await keys(srv);
      const refused = await fetch(`${srv.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.outage2' }))),
      });
      assert.equal(refused.status, 503, await refused.clone().text());
      assert.deepEqual(await keys(srv), blobsBefore, 'nothing stored');
      assert.deepEqual(await readdir(srv.config.tmpDir), [], 'no staged upload left');

      // Installs go on being counted while the database is away; the failed write keeps them.
      for (let i = 0; i < 3; i++) await srv.services.counters.count(release.id, 'download_start');
      await srv.services.counters.flush();
      assert.equal(srv.services.counters.pendingEntries, 1, 'the increment waits for the database');
    } finally {
      await pg.outage.start();
    }

    const back = await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}`, { headers: srv.auth() });
    assert.equal(back.status, 200, 'the pool reconnects by itself');
    assert.equal((await fetch(`${srv.baseUrl}/api/v1/ready`)).status, 200);
    const after = await srv.services.counters.get(release.id);
    assert.equal(after.downloadsStarted, before.downloadsStarted + 3, 'counts made during the outage were written');
    assert.equal(srv.services.counters.pendingEntries, 0);
  });

  test('connections killed mid-run (pg_terminate_backend): no 500, and the next request is served', async () => {
    // Open several pooled connections, then kill them all.
    await Promise.all(Array.from({ length: 4 }, () => fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })));
    assert.ok((await pg.terminateConnections(databaseUrl)) > 0, 'there were connections to kill');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() });
      statuses.push(res.status);
      if (res.status !== 200) assert.equal(((await res.json()) as Envelope).error.code, 'UNAVAILABLE');
    }
    assert.ok(!statuses.includes(500), `statuses ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 200, 'served again without a restart');
  });
});
