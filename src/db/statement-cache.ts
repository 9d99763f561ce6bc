// better-sqlite3 compiles SQL on every prepare(), and Kysely's SQLite driver prepares each query
// anew: on the hot install routes (a manifest is two primary-key lookups) compiling cost more than
// running. Kysely builds the same SQL text for the same query shape (values travel as parameters),
// so prepared statements are kept by their text, least recently used first out.
//
// Safe to share: Kysely's SQLite driver runs one query at a time on its single connection (a
// connection mutex), so a cached statement is never in use twice at once.
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(db: SqliteDatabase, max = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Map iteration order is insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}
