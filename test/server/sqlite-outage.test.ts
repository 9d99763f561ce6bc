// SQLite that cannot be written for longer than busy_timeout (another process holds its write lock:
// a stuck CLI, a backup tool) under a running server: the write answers 503 UNAVAILABLE with
// Retry-After, never 500 "bug"; reads go on (WAL); once the lock is released, writes work again
// without restarting otaship.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { parseDatabaseUrl } from '../../src/db/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('SQLite locked by another process', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('a write past busy_timeout: 503 with Retry-After; works again once the lock is gone', async () => {
    const target = parseDatabaseUrl(srv.config.databaseUrl);
    assert.equal(target.dialect, 'sqlite');
    const holder = new BetterSqlite3(target.dialect === 'sqlite' ? target.path : '');
    const createToken = () =>
      fetch(`${srv.baseUrl}/api/v1/tokens`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ name: 'ci' }),
      });
    try {
      holder.exec('BEGIN EXCLUSIVE');
      const locked = await createToken();
      const body = (await locked.json()) as { error: { code: string; message: string } };
      assert.equal(locked.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'UNAVAILABLE');
      assert.match(body.error.message, /database.*SQLITE_BUSY/);
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      assert.equal((await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).status, 200, 'reads go on beside the lock');
      holder.exec('COMMIT');
      assert.equal((await createToken()).status, 201, 'writes work again without a restart');
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
