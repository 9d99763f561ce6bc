// The audit log (migration 0013) on SQLite and PostgreSQL: filters, keyset pagination, who may read
// what, the retention sweep (also two instances sweeping at once), and details scrubbed of secrets.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOtashipError } from '../../src/core/errors.js';
import { openRepositories } from '../../src/db/open.js';
import type { Repositories } from '../../src/ports/repositories.js';
import { AuditService, scrubDetails, type AuditInput } from '../../src/services/audit.js';
import type { Principal } from '../../src/services/principal.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pgSkip = postgresSkipReason();
let pgServer: Promise<PostgresServer> | null = null;
after(async () => {
  if (pgServer) await (await pgServer).stop();
});

const backends: Array<{ name: string; open: () => Promise<{ a: Repositories; b: Repositories }>; skip: string | false }> = [
  {
    name: 'SQLite',
    open: async () => {
      const file = `sqlite:${join(dir, 'audit.db')}`;
      return { a: await openRepositories(file), b: await openRepositories(file) };
    },
    skip: false,
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const url = await (await (pgServer ??= startPostgres())).createDatabase();
      return { a: await openRepositories(url), b: await openRepositories(url) };
    },
    skip: pgSkip,
  },
];

const admin: Principal = { tokenId: 'bootstrap', name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };
const person = (id: string, roles: Record<string, 'manager' | 'developer' | 'tester'>): Principal => ({
  tokenId: `person.${id}`,
  name: id,
  admin: false,
  appId: null,
  via: 'session',
  person: { id, email: `${id}@example.com`, roles: new Map(Object.entries(roles)) },
});
const service: Principal = { tokenId: 'tok1', name: 'ci', admin: false, appId: null, via: 'bearer' };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (isOtashipError(err)) return err.code;
    throw err;
  }
}

for (const backend of backends) {
  describe(`audit log: ${backend.name}`, { skip: backend.skip }, () => {
    let repos: Repositories;
    let other: Repositories;
    let now = new Date('2026-06-01T12:00:00Z').getTime();
    const clock = () => new Date(now);
    let audit: AuditService;
    const entry = (action: string, extra: Partial<AuditInput> = {}): AuditInput => ({
      actor: { kind: 'person', id: 'ann', label: 'Ann@example.com' },
      client: '203.0.113.7',
      action,
      outcome: 'success',
      ...extra,
    });

    test('open', async () => {
      ({ a: repos, b: other } = await backend.open());
      audit = new AuditService(repos, clock, 30);
    });
    after(async () => {
      await repos?.close();
      await other?.close();
    });

    test('entries come back newest first, a page at a time, every entry once', async () => {
      for (let i = 0; i < 7; i++) {
        await audit.record(entry('release.publish', { appId: 'app1', target: { type: 'release', id: `r${i}`, label: `1.${i}` } }));
        // Two entries in the same millisecond: the id breaks the tie, so none is skipped or repeated.
        if (i % 2 === 0) now += 1000;
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await audit.list(admin, { action: 'release.publish', limit: 3, ...(cursor ? { cursor } : {}) });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((e) => e.targetId!));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const all = (await audit.list(admin, { action: 'release.publish', limit: 200 })).items;
      assert.deepEqual(seen, all.map((e) => e.targetId), 'the pages together are the whole listing');
      assert.deepEqual([...seen].sort(), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.at >= all[i]!.at, 'newest first');
      assert.deepEqual(all.slice(0, 2).map((e) => e.targetId).sort(), ['r5', 'r6'], 'the newest second');
      assert.equal(all[6]!.targetId, 'r0', 'alone in the oldest second');
      assert.equal(await code(audit.list(admin, { cursor: 'not-a-cursor!' })), 'VALIDATION');
    });

    test('filters: actor (id or e-mail, any case), action family, app, time range', async () => {
      const from = new Date(now + 1);
      now += 60_000;
      await audit.record(entry('token.create', { actor: { kind: 'token', id: 'tok9', label: 'deploy bot' } }));
      await audit.record(entry('release.delete', { appId: 'app2' }));
      now += 60_000;
      const to = new Date(now);
      now += 60_000;
      await audit.record(entry('sign-in', { actor: { kind: 'admin-token', id: null, label: 'admin token' } }));

      const actions = async (q: Parameters<AuditService['list']>[1]) => (await audit.list(admin, q)).items.map((e) => e.action);
      assert.deepEqual(await actions({ actor: 'deploy bot' }), ['token.create']);
      assert.deepEqual(await actions({ actor: 'tok9' }), ['token.create']);
      assert.deepEqual(await actions({ actor: 'ADMIN TOKEN' }), ['sign-in']);
      assert.equal((await actions({ actor: 'ann@EXAMPLE.com' })).length, 8);
      assert.deepEqual(await actions({ action: 'release', from: from.toISOString() }), ['release.delete']);
      assert.deepEqual(await actions({ appId: 'app2' }), ['release.delete']);
      assert.deepEqual((await actions({ from: from.toISOString(), to: to.toISOString() })).sort(), ['release.delete', 'token.create']);
      // "release" is a family; "releas" is not a prefix match, and wildcards are not action names.
      assert.deepEqual(await actions({ action: 'releas' }), []);
      assert.equal(await code(audit.list(admin, { action: 'release%' })), 'VALIDATION');
      assert.equal(await code(audit.list(admin, { from: 'yesterday' })), 'VALIDATION');
    });

    test("an app's managers read its entries only; testers, service tokens and strangers nothing", async () => {
      const manager = person('mia', { app1: 'manager', app2: 'tester' });
      const mine = await audit.list(manager, {});
      assert.ok(mine.items.length > 0);
      assert.ok(mine.items.every((e) => e.appId === 'app1'), 'only the managed app');
      assert.equal((await audit.list(manager, { appId: 'app1' })).items.length, mine.items.length);
      assert.equal(await code(audit.list(manager, { appId: 'app2' })), 'FORBIDDEN'); // a tester there
      assert.equal(await code(audit.list(manager, { appId: 'app3' })), 'NOT_FOUND'); // no role: invisible
      assert.equal(await code(audit.list(person('tom', { app1: 'tester' }), {})), 'FORBIDDEN');
      assert.equal(await code(audit.list(service, {})), 'FORBIDDEN');
      assert.equal(await code(audit.list(service, { appId: 'app1' })), 'FORBIDDEN');
    });

    test('the retention sweep deletes what is older than the retention, on two instances at once', async () => {
      const before = (await audit.list(admin, { limit: 200 })).items.length;
      now += 40 * 86400_000; // everything so far is now 40 days old
      await audit.record(entry('sign-out'));
      const second = new AuditService(other, clock, 30);
      const [a, b] = await Promise.all([audit.sweep(), second.sweep()]);
      assert.equal(a + b, before, 'each old entry deleted once between the two');
      assert.deepEqual((await audit.list(admin, {})).items.map((e) => e.action), ['sign-out']);
      assert.equal(await new AuditService(repos, () => new Date(now + 400 * 86400_000), 0).sweep(), 0, '0 keeps entries for ever');
    });

    test('details keep no secrets, whoever wrote them', async () => {
      const stored = await audit.record(
        entry('token.create', {
          details: { token: 'ota_x', secret: 's', password: 'p', passcode: '1234', t: 'link secret', code: 'first-run', apiKey: 'k', name: 'ci', leak: 'ota_01aaaaaaaaaaaaaaaaaaaaaaaa_c2VjcmV0c2VjcmV0c2VjcmV0' },
        }),
      );
      assert.deepEqual(stored.details, { name: 'ci', leak: '[redacted]' });
      const [back] = (await audit.list(admin, { action: 'token.create', limit: 1 })).items;
      assert.deepEqual(back?.details, { name: 'ci', leak: '[redacted]' });
      assert.deepEqual(scrubDetails({ nested: { secret: 'x' }, list: ['a', 'b'], n: 3, long: 'y '.repeat(150), opaque: 'y'.repeat(60) }), { list: ['a', 'b'], n: 3, long: `${'y '.repeat(100)}…`, opaque: '[redacted]' });
    });
  });
}
