// SQLite rolls a transaction back by itself on SQLITE_FULL (here: a real database capped with
// max_page_count); Kysely's ROLLBACK then fails with "cannot rollback - no transaction is active".
// The caller must see the SQLITE_FULL, which the error edge answers as 507, not the rollback's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { SqliteDialectKeepingErrors } from '../../src/db/dialects.js';
import { infrastructureError } from '../../src/server/infra-fault.js';

test('a transaction that fills the database fails with SQLITE_FULL, not the failed ROLLBACK', async () => {
  const database = new BetterSqlite3(':memory:');
  const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialectKeepingErrors({ database }, () => database.inTransaction) });
  try {
    await sql`create table t (x blob)`.execute(db);
    const pages = Number(database.pragma('page_count', { simple: true }));
    database.pragma(`max_page_count = ${pages + 2}`);
    const err = await db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into t values (zeroblob(100000))`.execute(trx);
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.equal((err as { code?: string }).code, 'SQLITE_FULL', String(err));
    assert.equal(infrastructureError(err)?.code, 'INSUFFICIENT_STORAGE');
    assert.equal(database.inTransaction, false);
    // The connection is usable afterwards.
    database.pragma('max_page_count = 1000000');
    await sql`insert into t values (1)`.execute(db);
  } finally {
    await db.destroy();
  }
});
