// Runs the in-code migrations to the latest version. On PostgreSQL the whole run (including the
// creation of Kysely's bookkeeping tables) happens under a session advisory lock held on its own
// connection, so instances starting together wait for each other instead of racing on CREATE TABLE.
import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import { OtashipError } from '../core/errors.js';
import { InCodeMigrationProvider } from './migrations.js';
import type { Database, SqlDialect } from './schema.js';

/** Arbitrary, fixed 64-bit key for pg_advisory_lock; distinct from Kysely's own lock id. */
export const MIGRATION_LOCK_KEY = '7153870112648150131';

export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialect,
  withLock: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<string[]> {
  return withLock(async () => {
    const migrator = new Migrator({
      db,
      provider: new InCodeMigrationProvider(dialect),
      migrationTableName: 'otaship_migrations',
      migrationLockTableName: 'otaship_migrations_lock',
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new OtashipError('STORAGE', `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  });
}
