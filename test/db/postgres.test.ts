// The repositories conformance suite on PostgreSQL, plus what only PostgreSQL has: several
// instances migrating one fresh database at once, under the advisory lock.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { migrationNames } from '../../src/db/migrations.js';
import { MIGRATION_LOCK_KEY } from '../../src/db/migrate.js';
import { openRepositories } from '../../src/db/open.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import type { PostgresServer } from '../helpers/postgres.js';
import { repositoriesConformance } from './repositories.conformance.js';

const skip = postgresSkipReason();
let serverPromise: Promise<PostgresServer> | null = null;
const server = () => (serverPromise ??= startPostgres());
after(async () => {
  if (serverPromise) await (await serverPromise).stop();
});

let conformanceUrl: Promise<string> | null = null;
repositoriesConformance(
  'PostgreSQL',
  { open: async () => openRepositories(await (conformanceUrl ??= server().then((s) => s.createDatabase()))) },
  skip,
);

describe('PostgreSQL specifics', { skip }, () => {
  test('four instances opening a fresh database at once all migrate and agree', async () => {
    const url = await (await server()).createDatabase();
    const opened = await Promise.all([1, 2, 3, 4].map(() => openRepositories(url)));
    try {
      const app = await opened[0]!.apps.create({ platform: 'ios', bundleId: 'com.example.race', name: 'Race', isPublic: false });
      for (const repos of opened) assert.equal((await repos.apps.get(app.id))?.name, 'Race');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const applied = await client.query('select name from otaship_migrations order by name');
        assert.deepEqual(applied.rows.map((r: { name: string }) => r.name), migrationNames('postgres'));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(opened.map((r) => r.close()));
    }
  });

  test('a connection killed while a transaction holds it fails that transaction, not the process', async () => {
    const pgServer = await server();
    const url = await pgServer.createDatabase();
    const repos = await openRepositories(url);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    // Registered so that a crash shows as a failed assertion here instead of ending the test run.
    process.on('uncaughtException', onUncaught);
    try {
      let killed = 0;
      const outcome = await repos
        .transaction(async (tx) => {
          await tx.apps.list();
          // The transaction's client is checked out and idle between two queries when its backend goes.
          killed = await pgServer.terminateConnections(url);
          // Until the backends are gone from the server (their clients are told as they go), while
          // this transaction's client sits idle between two queries.
          const watcher = new pg.Client({ connectionString: url });
          await watcher.connect();
          try {
            await waitFor(async () => {
              const r = await watcher.query('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
              return (r.rows[0] as { n: number }).n === 0;
            });
          } finally {
            await watcher.end();
          }
          await tx.apps.list();
        })
        .then(
          () => 'committed',
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
      assert.ok(killed > 0, 'the transaction held a connection to kill');
      assert.notEqual(outcome, 'committed');
      assert.deepEqual(uncaught, [], 'no error escaped to the process');
      assert.ok(Array.isArray(await repos.apps.list()), 'the next query gets a fresh connection');
    } finally {
      process.off('uncaughtException', onUncaught);
      await repos.close();
    }
  });

  test('opening waits for the migration advisory lock held by another instance', async () => {
    const url = await (await server()).createDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      let settled = false;
      const opening = openRepositories(url).finally(() => {
        settled = true;
      });
      // Wait until the opener is queued on our lock (observed in pg_locks, not by timing).
      for (let i = 0; ; i++) {
        const waiting = await holder.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted");
        if ((waiting.rows[0] as { n: number }).n > 0) break;
        if (i > 2000) throw new Error('the opener never asked for the migration lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(settled, false, 'open must not finish while another instance holds the migration lock');
      const tables = await holder.query("select count(*)::int as n from information_schema.tables where table_name = 'apps'");
      assert.equal((tables.rows[0] as { n: number }).n, 0, 'no schema was created outside the lock');
      await holder.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const repos = await opening;
      assert.deepEqual(await repos.apps.list(), []);
      await repos.close();
    } finally {
      await holder.end();
    }
  });

  test('connection failures are a STORAGE error that does not show the password', async () => {
    await assert.rejects(openRepositories('postgres://user:s3cret@127.0.0.1:1/nothing'), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal((err as { code?: string }).code, 'STORAGE');
      assert.doesNotMatch(err.message, /s3cret/);
      assert.match(err.message, /127\.0\.0\.1:1/);
      return true;
    });
  });
});
