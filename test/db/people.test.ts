// The people repositories (migration 0009) on SQLite and PostgreSQL, and the migration from the
// schema before it: tokens and sessions made before people existed keep working as service tokens.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { isOtashipError } from '../../src/core/errors.js';
import { InCodeMigrationProvider } from '../../src/db/migrations.js';
import { openRepositories } from '../../src/db/open.js';
import type { Repositories } from '../../src/ports/repositories.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-people-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pgSkip = postgresSkipReason();
let pgServer: Promise<PostgresServer> | null = null;
after(async () => {
  if (pgServer) await (await pgServer).stop();
});

const backends: Array<{ name: string; open: () => Promise<Repositories>; skip: string | false }> = [
  { name: 'SQLite', open: () => openRepositories(`sqlite:${join(dir, 'people.db')}`), skip: false },
  {
    name: 'PostgreSQL',
    open: async () => openRepositories(await (await (pgServer ??= startPostgres())).createDatabase()),
    skip: pgSkip,
  },
];

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => isOtashipError(err) && err.code === code);
}

for (const backend of backends) {
  describe(`people repository: ${backend.name}`, { skip: backend.skip }, () => {
    let repos: Repositories;
    const at = new Date('2026-12-01T10:00:00Z');
    test('open', async () => {
      repos = await backend.open();
    });
    after(async () => repos?.close());

    test('e-mail is unique case-insensitively and found whatever its case', async () => {
      const ann = await repos.people.createPerson({ email: ' Ann@Example.com ', name: 'Ann', admin: false, createdAt: at });
      assert.equal(ann.email, 'Ann@Example.com');
      await rejectsWith(repos.people.createPerson({ email: 'ann@EXAMPLE.com', name: 'Other', admin: false, createdAt: at }), 'CONFLICT');
      assert.equal((await repos.people.getPersonByEmail('ANN@example.COM'))?.id, ann.id);
      const disabled = await repos.people.updatePerson(ann.id, { disabledAt: at, admin: true });
      assert.equal(disabled?.admin, true);
      assert.equal(disabled?.disabledAt?.toISOString(), at.toISOString());
    });

    test('roles come from direct grants and group grants; removing the membership removes the role', async () => {
      const app = await repos.apps.create({ platform: 'ios', bundleId: `com.example.roles${backend.name}`, name: 'Roles', isPublic: false });
      const other = await repos.apps.create({ platform: 'android', bundleId: `com.example.other${backend.name}`, name: 'Other', isPublic: false });
      const bob = await repos.people.createPerson({ email: 'bob@example.com', name: 'Bob', admin: false, createdAt: at });
      const qa = await repos.people.createGroup({ name: 'QA', createdAt: at });
      await rejectsWith(repos.people.createGroup({ name: 'qa', createdAt: at }), 'CONFLICT');
      await repos.people.setGrant(app.id, { personId: bob.id }, 'tester', at);
      await repos.people.setGrant(app.id, { personId: bob.id }, 'developer', at); // replaces
      await repos.people.setGrant(other.id, { groupId: qa.id }, 'tester', at);
      assert.deepEqual(await repos.people.rolesOf(bob.id), [{ appId: app.id, role: 'developer' }]);
      await repos.people.addMember(qa.id, bob.id, 'admin', at);
      const roles = (await repos.people.rolesOf(bob.id)).sort((a, b) => a.appId.localeCompare(b.appId));
      assert.deepEqual(roles, [{ appId: app.id, role: 'developer' }, { appId: other.id, role: 'tester' }].sort((a, b) => a.appId.localeCompare(b.appId)));
      assert.equal((await repos.people.listMembers(qa.id))[0]?.person.email, 'bob@example.com');
      assert.equal(await repos.people.removeMember(qa.id, bob.id), true);
      assert.deepEqual(await repos.people.rolesOf(bob.id), [{ appId: app.id, role: 'developer' }]);
      await rejectsWith(repos.people.setGrant('01aaaaaaaaaaaaaaaaaaaaaaaa', { personId: bob.id }, 'tester', at), 'NOT_FOUND');
      // Deleting the app removes its grants (cascade).
      await repos.apps.delete(app.id);
      assert.deepEqual(await repos.people.rolesOf(bob.id), []);
    });

    test('claim sync replaces claim memberships and keeps hand-made ones', async () => {
      const cy = await repos.people.createPerson({ email: 'cy@example.com', name: 'Cy', admin: false, createdAt: at });
      const [a, b, c] = await Promise.all(['Ga', 'Gb', 'Gc'].map((name) => repos.people.createGroup({ name, createdAt: at })));
      await repos.people.addMember(a!.id, cy.id, 'admin', at);
      await repos.people.syncClaimMemberships(cy.id, [b!.id], at);
      await repos.people.syncClaimMemberships(cy.id, [c!.id], at);
      const groups = (await repos.people.groupsOf(cy.id)).map((g) => `${g.group.name}:${g.via}`);
      assert.deepEqual(groups, ['Ga:admin', 'Gc:claim']);
    });

    test('a ticket is consumed once, not after expiry, not for another purpose', async () => {
      const t = { purpose: 'email-sign-in' as const, emailKey: 'x@example.com', personId: null, data: null, clientKey: '127.0.0.1', createdAt: at, expiresAt: new Date(at.getTime() + 60_000), usedAt: null };
      await repos.people.createTicket({ ...t, idHash: 'h1' });
      await repos.people.createTicket({ ...t, idHash: 'h2' });
      assert.equal(await repos.people.consumeTicket('h1', 'invitation', at), null);
      assert.equal((await repos.people.consumeTicket('h1', 'email-sign-in', at))?.emailKey, 'x@example.com');
      assert.equal(await repos.people.consumeTicket('h1', 'email-sign-in', at), null);
      assert.equal(await repos.people.consumeTicket('h2', 'email-sign-in', new Date(at.getTime() + 60_000)), null);
      assert.equal(await repos.people.countTickets({ purpose: 'email-sign-in', emailKey: 'x@example.com', since: at }), 2);
      assert.equal(await repos.people.deleteExpiredTickets(new Date(at.getTime() + 60_000)), 2);
    });

    test('deleting a person ends their sessions and personal tokens', async () => {
      const dee = await repos.people.createPerson({ email: 'dee@example.com', name: 'Dee', admin: false, createdAt: at });
      await repos.sessions.create({ idHash: 'sess-dee', subject: `person.${dee.id}`, personId: dee.id, createdAt: at, expiresAt: new Date(at.getTime() + 3600_000) });
      const tok = await repos.tokens.create({ name: 'dee laptop', secretHash: 'ab', appId: null, admin: false, expiresAt: null, personId: dee.id });
      assert.equal((await repos.sessions.getLive('sess-dee', at))?.personId, dee.id);
      await repos.people.deletePerson(dee.id);
      assert.equal(await repos.sessions.getLive('sess-dee', at), null);
      assert.equal(await repos.tokens.get(tok.id), null);
    });

    test('notice recipients: notified groups with a role on the app, each person once, not disabled or opted out (0014)', async () => {
      const app = await repos.apps.create({ platform: 'ios', bundleId: `com.example.notices${backend.name}`, name: 'Notices', isPublic: false });
      const [eve, fay, gus, hal] = await Promise.all(
        ['eve', 'fay', 'gus', 'hal'].map((n) => repos.people.createPerson({ email: `${n}@notices.example`, name: n, admin: false, createdAt: at })),
      );
      const [qa, beta, mute] = await Promise.all(['N-QA', 'N-Beta', 'N-Mute'].map((name) => repos.people.createGroup({ name, createdAt: at })));
      assert.equal(qa!.notifyNewBuilds, false, 'off until switched on');
      for (const [g, people] of [[qa!, [eve!, fay!, gus!]], [beta!, [eve!]], [mute!, [hal!]]] as const) {
        for (const p of people) await repos.people.addMember(g.id, p.id, 'admin', at);
        await repos.people.setGrant(app.id, { groupId: g.id }, 'tester', at);
      }
      assert.equal(await repos.people.setGroupNotices(qa!.id, true), true);
      assert.equal(await repos.people.setGroupNotices(beta!.id, true), true);
      assert.equal((await repos.people.getGroup(qa!.id))?.notifyNewBuilds, true);
      await repos.people.updatePerson(gus!.id, { disabledAt: at });
      assert.deepEqual((await repos.people.noticeRecipients(app.id)).map((p) => p.email), ['eve@notices.example', 'fay@notices.example']);
      await repos.people.setNoticesOff(fay!.id, at);
      assert.equal(await repos.people.noticesOff(fay!.id), true);
      assert.deepEqual((await repos.people.noticeRecipients(app.id)).map((p) => p.email), ['eve@notices.example']);
      await repos.people.setNoticesOff(fay!.id, null);
      assert.equal(await repos.people.noticesOff(fay!.id), false);
    });

    test('a session keeps the ID token of single sign-on (0014)', async () => {
      const ida = await repos.people.createPerson({ email: 'ida@example.com', name: 'Ida', admin: false, createdAt: at });
      await repos.sessions.create({ idHash: 'sess-ida', subject: `person.${ida.id}`, personId: ida.id, idToken: 'eyJ.id.token', createdAt: at, expiresAt: new Date(at.getTime() + 3600_000) });
      assert.equal((await repos.sessions.getLive('sess-ida', at))?.idToken, 'eyJ.id.token');
    });
  });
}

test('migration 0009 from the schema before it: existing tokens become service tokens, sessions survive', async () => {
  const file = join(dir, 'upgrade.db');
  const raw = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  const migrator = new Migrator({ db: raw, provider: new InCodeMigrationProvider('sqlite'), migrationTableName: 'otaship_migrations', migrationLockTableName: 'otaship_migrations_lock' });
  const { error } = await migrator.migrateTo('0008_release_source');
  assert.equal(error, undefined);
  const now = new Date().toISOString();
  await raw.insertInto('api_tokens').values({ id: '01jz0000000000000000000000', name: 'ci', secret_hash: 'ff', app_id: null, admin: 0, created_at: now }).execute();
  await raw.insertInto('sessions').values({ id_hash: 'old', subject: 'bootstrap.x', created_at: now, expires_at: new Date(Date.now() + 3600_000).toISOString() }).execute();
  await raw.destroy();
  const repos = await openRepositories(`sqlite:${file}`);
  try {
    const token = await repos.tokens.get('01jz0000000000000000000000');
    assert.equal(token?.name, 'ci');
    assert.equal(token?.personId ?? null, null);
    assert.equal((await repos.sessions.getLive('old', new Date()))?.subject, 'bootstrap.x');
  } finally {
    await repos.close();
  }
});

test('migration 0009 from the schema before it on PostgreSQL', { skip: pgSkip }, async () => {
  const url = await (await (pgServer ??= startPostgres())).createDatabase();
  const raw = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) }); // eslint-disable-line @typescript-eslint/no-explicit-any
  const migrator = new Migrator({ db: raw, provider: new InCodeMigrationProvider('postgres'), migrationTableName: 'otaship_migrations', migrationLockTableName: 'otaship_migrations_lock' });
  assert.equal((await migrator.migrateTo('0008_release_source')).error, undefined);
  const now = new Date().toISOString();
  await raw.insertInto('api_tokens').values({ id: '01jz0000000000000000000001', name: 'ci', secret_hash: 'ff', app_id: null, admin: false, created_at: now }).execute();
  await raw.destroy();
  const repos = await openRepositories(url);
  try {
    const token = await repos.tokens.get('01jz0000000000000000000001');
    assert.equal(token?.name, 'ci');
    assert.equal(token?.personId ?? null, null);
  } finally {
    await repos.close();
  }
});
