// A SQLite database whose file is deleted or replaced while the server runs keeps working on the
// open (now nameless) file: every write after that is lost at the next restart, silently, and the
// restart starts an empty database. So before each query the path must still name the file that was
// opened (same device and inode); when it does not, the query is refused with 503 saying what
// happened, and readiness fails, until someone restores the file and restarts the server.
// One stat per query: about a microsecond, next to tens for the query itself.
import { statSync } from 'node:fs';
import type { SqliteDatabase } from 'kysely';
import { OtashipError } from '../core/errors.js';

export function withFileGuard(db: SqliteDatabase, path: string): SqliteDatabase {
  const opened = statSync(path);
  const check = (): void => {
    let now: { dev: number; ino: number } | null;
    try {
      now = statSync(path);
    } catch {
      now = null;
    }
    if (now && now.dev === opened.dev && now.ino === opened.ino) return;
    throw new OtashipError(
      'UNAVAILABLE',
      `the database file ${path} was ${now ? 'replaced' : 'removed'} while the server was running, so nothing more is written to it: ` +
        'put the file back (or restore a backup with otaship restore), then restart the server',
    );
  };
  return {
    close: () => db.close(),
    prepare(sql) {
      check();
      return db.prepare(sql);
    },
  };
}
