// Upgrading a database made before the team features (share links, per-person installs, audit log,
// notices, bundles): rows written by the schema of that version are read back unchanged through the
// current repositories, on SQLite and PostgreSQL. The rows are written with plain SQL at the old
// schema, as an older otaship would have left them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { InCodeMigrationProvider, migrationNames } from '../../src/db/migrations.js';
import { openRepositories } from '../../src/db/open.js';
import type { SqlDialect } from '../../src/db/schema.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-upgrade-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pgSkip = postgresSkipReason();
let pgServer: Promise<PostgresServer> | null = null;
after(async () => {
  if (pgServer) await (await pgServer).stop();
});

/** The schema the team features started from: people existed, nothing after them. */
const FROM = '0009_people';

const backends: Array<{ name: string; dialect: SqlDialect; skip: string | false; url: () => Promise<string> }> = [
  { name: 'SQLite', dialect: 'sqlite', skip: false, url: async () => `sqlite:${join(dir, 'upgrade.db')}` },
  { name: 'PostgreSQL', dialect: 'postgres', skip: pgSkip, url: async () => (await (pgServer ??= startPostgres())).createDatabase() },
];

function rawDb(url: string, dialect: SqlDialect): Kysely<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return dialect === 'sqlite'
    ? new Kysely({ dialect: new SqliteDialect({ database: new Database(url.replace(/^sqlite:/, '')) }) })
    : new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
}

for (const backend of backends) {
  describe(`upgrade from ${FROM}: ${backend.name}`, { skip: backend.skip }, () => {
    test('apps, releases, devices, people, groups, grants, tokens and sessions survive every later migration', async () => {
      assert.ok(migrationNames(backend.dialect).indexOf(FROM) < migrationNames(backend.dialect).length - 1, 'there are migrations after it');
      const url = await backend.url();
      const raw = rawDb(url, backend.dialect);
      const migrator = new Migrator({ db: raw, provider: new InCodeMigrationProvider(backend.dialect), migrationTableName: 'otaship_migrations', migrationLockTableName: 'otaship_migrations_lock' });
      assert.equal((await migrator.migrateTo(FROM)).error, undefined);
      const bool = (b: boolean) => (backend.dialect === 'sqlite' ? (b ? 1 : 0) : b);
      const now = '2026-11-01T10:00:00.000Z';
      const later = new Date(Date.now() + 86400_000).toISOString();
      const appId = '01jz00000000000000000000a1';
      const releaseId = '01jz00000000000000000000r1';
      const info = { kind: 'ipa', bundleId: 'com.example.old', version: '1.0', build: '7', name: 'Old', devices: ['00008110-000A1B2C3D4E801E'] };
      await raw.insertInto('apps').values({ id: appId, platform: 'ios', bundle_id: 'com.example.old', name: 'Old', is_public: bool(false), created_at: now, updated_at: now }).execute();
      await raw
        .insertInto('releases')
        .values({ id: releaseId, app_id: appId, version: '1.0', build: '7', name: 'Old', size: 1234, sha256: 'ab'.repeat(32), package_key: `releases/${releaseId}/app.ipa`, icon_key: null, icon57_key: null, icon512_key: null, info: JSON.stringify(info), notes: 'first', is_public: null, created_at: now, source: null })
        .execute();
      await raw.insertInto('devices').values({ id: '01jz00000000000000000000d1', udid: '00008110-000A1B2C3D4E801E', product: 'iPhone16,1', version: '21E236', serial: null, device_name: 'Ann’s phone', label: 'QA', first_registered_at: now, last_registered_at: now }).execute();
      await raw.insertInto('people').values({ id: '01jz00000000000000000000p1', email: 'Ann@Example.com', email_key: 'ann@example.com', name: 'Ann', admin: bool(false), disabled_at: null, created_at: now, last_sign_in_at: null }).execute();
      await raw.insertInto('groups').values({ id: '01jz00000000000000000000g1', name: 'QA', name_key: 'qa', created_at: now }).execute();
      await raw.insertInto('group_members').values({ group_id: '01jz00000000000000000000g1', person_id: '01jz00000000000000000000p1', via: 'admin', created_at: now }).execute();
      await raw.insertInto('grants').values({ id: '01jz00000000000000000000x1', app_id: appId, subject_key: 'g:01jz00000000000000000000g1', person_id: null, group_id: '01jz00000000000000000000g1', role: 'tester', created_at: now }).execute();
      await raw.insertInto('api_tokens').values({ id: '01jz00000000000000000000t1', name: 'ci', secret_hash: 'ff', app_id: appId, admin: bool(false), created_at: now, person_id: null }).execute();
      await raw.insertInto('sessions').values({ id_hash: 'old-session', subject: 'p.01jz00000000000000000000p1', created_at: now, expires_at: later, person_id: '01jz00000000000000000000p1' }).execute();
      await raw.destroy();

      const repos = await openRepositories(url);
      try {
        const app = await repos.apps.get(appId);
        assert.equal(app?.bundleId, 'com.example.old');
        assert.equal(app?.isPublic, false);
        const release = await repos.releases.get(releaseId);
        assert.equal(release?.notes, 'first');
        assert.equal(release?.sha256, 'ab'.repeat(32));
        assert.deepEqual((release?.info as { devices?: string[] }).devices, info.devices);
        const device = await repos.devices.get('01jz00000000000000000000d1');
        assert.equal(device?.label, 'QA');
        assert.equal(device?.personId ?? null, null, 'a device registered before people is nobody’s');
        assert.equal((await repos.people.getPerson('01jz00000000000000000000p1'))?.email, 'Ann@Example.com');
        assert.deepEqual((await repos.people.listMembers('01jz00000000000000000000g1')).map((m) => m.person.id), ['01jz00000000000000000000p1']);
        assert.deepEqual((await repos.people.listGrants({ appId })).map((g) => g.role), ['tester']);
        assert.equal((await repos.tokens.get('01jz00000000000000000000t1'))?.appId, appId);
        assert.equal((await repos.sessions.getLive('old-session', new Date()))?.personId, '01jz00000000000000000000p1');
        assert.deepEqual((await repos.shareLinks.listByApp(appId)).length, 0);
        assert.equal((await repos.audit.list({}, null, 10)).items.length, 0);
      } finally {
        await repos.close();
      }
    });
  });
}
