// A PostgreSQL that holds connections open but answers nothing (SIGSTOP: a paused VM, a host
// swapping to death), and one whose tables are locked by another session: requests are answered
// 503 UNAVAILABLE once their query's time is up, never left hanging and never "a bug"; the server
// serves again as soon as the database does. The timeouts come from the database URL here (the
// defaults are a minute: db/open.ts QUERY_TIMEOUTS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { QUERY_TIMEOUTS, sessionTimeouts } from '../../src/db/open.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';

const skip = postgresSkipReason();

describe('PostgreSQL that does not answer', { skip, timeout: 120_000 }, () => {
  let db: PostgresServer;
  let srv: TestServer;
  let databaseUrl: string;
  before(async () => {
    db = await startPostgres();
    databaseUrl = await db.createDatabase();
    srv = await startTestServer({ settings: { databaseUrl: `${databaseUrl}?query_timeout=1500&lock_timeout=1000` } });
  });
  after(async () => {
    db?.outage?.resume();
    await srv?.stop();
    await db?.stop();
  });

  const apps = () => fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth({ 'x-requested-with': 'otaship' }) });

  test('a table locked by another session: 503 naming the database once the lock wait is up; 200 after', async () => {
    assert.equal((await apps()).status, 200);
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table apps in access exclusive mode');
      const res = await apps();
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'UNAVAILABLE');
      assert.match(body.error.message, /database/);
      await locker.query('rollback');
    } finally {
      await locker.end();
    }
    assert.equal((await apps()).status, 200);
  });

  test('a server that stopped answering: 503 once the query times out, not a request left hanging; back after', async (t) => {
    if (!db.outage) return t.skip('an external PostgreSQL (OTASHIP_TEST_DATABASE_URL) cannot be paused by the test');
    assert.equal((await apps()).status, 200);
    db.outage.pause();
    try {
      const res = await apps();
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.equal(body.error.code, 'UNAVAILABLE');
      assert.doesNotMatch(JSON.stringify(body), /bug/i);
    } finally {
      db.outage.resume();
    }
    // Connections whose query timed out are dropped by the driver; the pool makes new ones.
    let status = 0;
    for (let i = 0; i < 5 && status !== 200; i++) status = (await apps()).status;
    assert.equal(status, 200);
  });
});

test('sessionTimeouts: every server-side bound the URL does not set, as one SET (never startup parameters)', () => {
  assert.equal(
    sessionTimeouts('postgres://u@db.example.com/otaship'),
    `set lock_timeout = ${QUERY_TIMEOUTS.lock_timeout}; set statement_timeout = ${QUERY_TIMEOUTS.statement_timeout}; set idle_in_transaction_session_timeout = ${QUERY_TIMEOUTS.idle_in_transaction_session_timeout}`,
  );
  assert.equal(sessionTimeouts('postgres://u@db/otaship?statement_timeout=5000&sslmode=require'), `set lock_timeout = ${QUERY_TIMEOUTS.lock_timeout}; set idle_in_transaction_session_timeout = ${QUERY_TIMEOUTS.idle_in_transaction_session_timeout}`);
  assert.equal(sessionTimeouts('postgres://u@db/o?statement_timeout=&lock_timeout=&idle_in_transaction_session_timeout='), null);
});
