// CounterService while its database is away: failed writes are kept (merged), reported once per
// outage and written when the database is back; waiting entries are bounded; close() writes them.
// A unit test over the CounterRepository port (as test/cli/shutdown.test.ts does) whose writes fail
// while `down` is set; the real outage, against PostgreSQL, is in test/server/postgres-outage.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CounterKind, CounterRepository } from '../../src/ports/repositories.js';
import { CounterService } from '../../src/services/counters.js';

function database() {
  const rows = new Map<string, number>();
  const state = { down: false, attempts: 0 };
  const counters: CounterRepository = {
    async increment(releaseId: string, kind: CounterKind, by = 1) {
      state.attempts++;
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      rows.set(`${releaseId} ${kind}`, (rows.get(`${releaseId} ${kind}`) ?? 0) + by);
    },
    get: () => Promise.reject(new Error('not used')),
  };
  return { repos: { counters }, rows, state };
}

// A retry delay no test waits for: retries here are driven by flush() and close().
const NEVER = 3_600_000;

test('counts that fail to write are kept, reported once, and written when the database is back', async () => {
  const db = database();
  const errors: unknown[] = [];
  const counters = new CounterService(db.repos, (err) => errors.push(err), { retryMs: NEVER });
  db.state.down = true;
  for (let i = 0; i < 5; i++) await counters.count('r1', 'download_start');
  await counters.count('r2', 'page_view');
  await counters.flush();
  await counters.count('r1', 'download_start');
  await counters.flush();
  assert.equal(counters.pendingEntries, 2, 'kept, merged per (release, event)');
  assert.equal(db.state.attempts, 2, 'a flush stops at the first failure instead of meeting the outage once per entry');
  assert.equal(errors.length, 1, 'one report per outage, not one per retry');
  db.state.down = false;
  await counters.close();
  assert.equal(db.rows.get('r1 download_start'), 6);
  assert.equal(db.rows.get('r2 page_view'), 1);
  assert.equal(counters.pendingEntries, 0);
});

test('while the database is away, waiting entries are bounded; new ones are dropped, counted and reported', async () => {
  const db = database();
  const errors: unknown[] = [];
  const counters = new CounterService(db.repos, (err) => errors.push(err), { retryMs: NEVER, maxPending: 2 });
  db.state.down = true;
  await counters.count('r1', 'page_view');
  await counters.count('r2', 'page_view');
  await counters.flush();
  await counters.count('r3', 'page_view'); // a third entry: over the bound
  await counters.count('r1', 'page_view'); // an entry already waiting still counts
  assert.equal(counters.pendingEntries, 2);
  assert.equal(counters.dropped, 1);
  db.state.down = false;
  await counters.flush();
  assert.equal(db.rows.get('r1 page_view'), 2);
  assert.equal(db.rows.get('r3 page_view'), undefined);
  assert.match(String(errors.at(-1)), /1 install count\(s\) were dropped/);
});

test('close() with the database still away reports how many counts are lost', async () => {
  const db = database();
  const errors: unknown[] = [];
  const counters = new CounterService(db.repos, (err) => errors.push(err), { retryMs: NEVER });
  db.state.down = true;
  await counters.count('r1', 'manifest_fetch');
  await counters.count('r1', 'manifest_fetch');
  await counters.close();
  assert.match(String(errors.at(-1)), /2 install count\(s\) could not be written before shutdown/);
});
