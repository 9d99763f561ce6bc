// The prepared-statement cache in front of better-sqlite3: same text → same statement, bounded size,
// and results stay correct when a cached statement is reused with other parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from '../../src/db/statement-cache.js';

test('a statement is compiled once per SQL text and reused with new parameters', () => {
  const raw = new BetterSqlite3(':memory:');
  let compiled = 0;
  const counting = { close: () => raw.close(), prepare: (sql: string) => (compiled++, raw.prepare(sql)) };
  const db = withStatementCache(counting, 2);
  db.prepare('create table t (id integer primary key, v text)').run([]);
  const insert = 'insert into t (id, v) values (?, ?)';
  db.prepare(insert).run([1, 'a']);
  db.prepare(insert).run([2, 'b']);
  assert.equal(db.prepare(insert), db.prepare(insert));
  const select = 'select v from t where id = ?';
  assert.deepEqual(db.prepare(select).all([1]), [{ v: 'a' }]);
  assert.deepEqual(db.prepare(select).all([2]), [{ v: 'b' }]);
  assert.equal(compiled, 3);
  db.close();
});

test('the least recently used statement is dropped past the bound', () => {
  const raw = new BetterSqlite3(':memory:');
  const seen: string[] = [];
  const db = withStatementCache({ close: () => raw.close(), prepare: (sql: string) => (seen.push(sql), raw.prepare(sql)) }, 2);
  db.prepare('select 1');
  db.prepare('select 2');
  db.prepare('select 1'); // touch: 'select 2' is now the oldest
  db.prepare('select 3'); // evicts 'select 2'
  db.prepare('select 1'); // still cached
  db.prepare('select 2'); // compiled again
  assert.deepEqual(seen, ['select 1', 'select 2', 'select 3', 'select 2']);
  db.close();
});
