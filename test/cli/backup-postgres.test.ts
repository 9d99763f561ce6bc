// `otaship backup` / `restore` / `verify` on PostgreSQL: pg_dump on the snapshot the blob listing
// was read from, pg_restore into a new database, a server on the restored database and data folder
// opening links issued before the backup. Real PostgreSQL (test/helpers/postgres.ts), real CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { BackupManifest } from '../../src/backup/manifest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const PUBLIC_URL = 'https://ota.example.test';

function otaship(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('OTASHIP_')) delete base[k];
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const skip = postgresSkipReason();

describe('backup and restore on PostgreSQL', { skip }, () => {
  let pg: PostgresServer;
  let srv: TestServer;
  let work: string;
  let databaseUrl: string;
  const published: { release: { id: string }; installPageUrl: string }[] = [];

  before(async () => {
    pg = await startPostgres();
    databaseUrl = await pg.createDatabase();
    work = await mkdtemp(join(tmpdir(), 'otaship-backup-pg-'));
    srv = await startTestServer({ settings: { databaseUrl, publicUrl: PUBLIC_URL } });
    const ipa = await readFile(await buildIpa({ bundleId: 'com.example.pgbackup', displayName: 'PG Backup', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: new Uint8Array(ipa) });
      assert.equal(res.status, 201, await res.clone().text());
      published.push((await res.json()) as (typeof published)[number]);
    }
  });
  after(async () => {
    await srv?.stop();
    await pg?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('pg_dump backup, pg_restore into a new database, links issued before open there', async () => {
    const dir = join(work, 'pg-backup');
    const res = await otaship(['backup', dir, '--data-dir', srv.dataDir, '--database-url', databaseUrl]);
    assert.equal(res.code, 0, res.stderr);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    assert.equal(manifest.database.dialect, 'postgres');
    assert.ok(existsSync(join(dir, 'otaship.pgdump')));
    assert.deepEqual(manifest.releases.map((r) => r.id).sort(), published.map((p) => p.release.id).sort());

    const target = await pg.createDatabase();
    const dataDir = join(work, 'restored');
    const restore = await otaship(['restore', dir, '--data-dir', dataDir, '--database-url', target]);
    assert.equal(restore.code, 0, restore.stderr);
    const verify = await otaship(['verify', '--data-dir', dataDir, '--database-url', target]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /^3 release\(s\), \d+ blob\(s\) checked: all match/m);

    // Restoring again into the now non-empty database is refused.
    const again = await otaship(['restore', dir, '--data-dir', join(work, 'again'), '--database-url', target]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds otaship tables/);

    const restored = await startTestServer({ settings: { dataDir, databaseUrl: target, publicUrl: PUBLIC_URL } });
    try {
      const u = new URL(published[0]!.installPageUrl);
      const page = await fetch(`${restored.baseUrl}${u.pathname}${u.search}`);
      assert.equal(page.status, 200, await page.clone().text());
      assert.match(await page.text(), /PG Backup/);
    } finally {
      await restored.stop();
    }
  });

  test('without pg_dump on PATH the backup is refused, saying what to install', async () => {
    const res = await otaship(['backup', join(work, 'no-tools'), '--data-dir', srv.dataDir, '--database-url', databaseUrl], { PATH: '/nonexistent' });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^otaship: pg_dump is not on PATH/m);
    assert.equal(existsSync(join(work, 'no-tools')), false);
  });
});
