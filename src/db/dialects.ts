// Kysely's SQLite and PostgreSQL dialects with one change: a failed ROLLBACK never takes the place
// of the error that made the transaction roll back. Kysely runs ROLLBACK in its catch block and, if
// that throws, the caller sees only the rollback's error. SQLite rolls a transaction back by itself
// on SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY and the like, so its ROLLBACK then fails with "cannot
// rollback - no transaction is active" and a full disk was reported as that; on PostgreSQL a
// connection lost mid-transaction fails the ROLLBACK too, hiding what the query met.
import {
  PostgresDialect,
  PostgresDriver,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type SqliteDialectConfig,
} from 'kysely';

class SqliteDriverKeepingErrors extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly inTransaction: () => boolean,
  ) {
    super(config);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // Already rolled back by SQLite itself: nothing to undo, and the caller's error stands.
    if (!this.inTransaction()) return;
    await super.rollbackTransaction(connection);
  }
}

/** `inTransaction` reads better-sqlite3's Database#inTransaction (the one connection's state). */
export class SqliteDialectKeepingErrors extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly inTransaction: () => boolean,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new SqliteDriverKeepingErrors(this.settings, this.inTransaction);
  }
}

class PostgresDriverKeepingErrors extends PostgresDriver {
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } catch {
      // The connection broke (the error the caller gets says how); pg's pool drops a client that is
      // no longer queryable when it is released, so no half-open transaction is handed out again.
    }
  }
}

export class PostgresDialectKeepingErrors extends PostgresDialect {
  constructor(private readonly settings: PostgresDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new PostgresDriverKeepingErrors(this.settings);
  }
}
