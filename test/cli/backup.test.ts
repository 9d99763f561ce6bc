// `otaship backup` / `restore` / `verify` end to end: the real CLI in child processes against a REAL
// server (test/helpers/server.ts: real socket, SQLite in WAL mode, fs blobs) that keeps publishing
// while the backup runs; the backup is restored into a new data folder, a second real server is
// started on it, and links issued before the backup are opened there.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { mountSmallDisk } from '../helpers/tmpfs.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { BackupManifest } from '../../src/backup/manifest.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// iOS installs only from https: both servers link to this origin, and the test connects to each directly.
const PUBLIC_URL = 'https://ota.example.test';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTASHIP_')) delete env[k];
  return env;
}

function otaship(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the CLI and calls `onLine` for each stdout line as it arrives (to act on its progress). */
function otashipStreaming(args: string[], onLine: (line: string) => void): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) onLine(l);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * GET on a connection of its own that closes afterwards (no keep-alive agent): a kept-alive
 * download connection holds the server's stop() until its idle timeout.
 */
function getClosing(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((done, fail) => {
    httpGet(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.once('error', fail);
    }).once('error', fail);
  });
}

interface Published {
  release: { id: string };
  installPageUrl: string;
  manifestUrl: string | null;
}

let srv: TestServer;
let work: string;
let ipa: Buffer;

async function publish(): Promise<Published> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(ipa),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Published;
}

function releaseIdsIn(dbFile: string): string[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('select id from releases order by id').all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'otaship-backup-'));
  srv = await startTestServer({ settings: { publicUrl: PUBLIC_URL } });
  ipa = await readFile(await buildIpa({ bundleId: 'com.example.backup', displayName: 'Backup Demo', fillerBytes: 64 * 1024, icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
});
after(async () => {
  await srv?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('otaship backup while serving, restore, verify', () => {
  let backupDir: string;
  let before: Published[];
  let manifest: BackupManifest;

  test('a backup taken while releases are published holds every release committed before it, with its blobs', async () => {
    // Releases published now sit in the server's WAL (nothing has checkpointed them into the main
    // file): a plain file copy would lose them, the online backup must not.
    before = [];
    for (let i = 0; i < 12; i++) before.push(await publish());

    // The server keeps its signing key in <data dir>/signing.key (or, in versions before the key
    // file, in the database): make sure one is there to be carried, without replacing the server's.
    await writeFile(join(srv.dataDir, 'signing.key'), `${'k'.repeat(43)}\n`, { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });

    backupDir = join(work, 'nightly');
    let backupDone = false;
    let started!: () => void;
    const backupStarted = new Promise<void>((r) => (started = r));
    const during: Published[] = [];
    // Publishers start once the backup has begun and keep going until it has finished (up to a
    // bound that keeps the restore below small), so publishes overlap its snapshot and blob copying.
    const publisher = async () => {
      await backupStarted;
      while (!backupDone && during.length < 16) during.push(await publish());
    };
    const publishers = [publisher(), publisher()];
    const run = otashipStreaming(['backup', backupDir, '--data-dir', srv.dataDir], (line) => {
      if (line.startsWith('database')) started();
    });
    const result = await run.finally(() => {
      backupDone = true;
      started();
    });
    await Promise.all(publishers);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Backed up \d+ release\(s\)/);
    assert.match(result.stdout, /link-signing key IS included/);
    assert.ok(during.length > 0, 'publishes ran while the backup did');

    manifest = JSON.parse(await readFile(join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    const inDb = releaseIdsIn(join(backupDir, 'otaship.db'));
    for (const p of before) assert.ok(inDb.includes(p.release.id), `release ${p.release.id} published before the backup is in it`);
    // Whatever the snapshot holds, the manifest lists, with the package and icon copied.
    assert.deepEqual(manifest.releases.map((r) => r.id).sort(), inDb);
    const keys = new Set(manifest.blobs.map((b) => b.key));
    for (const r of manifest.releases) {
      assert.ok(keys.has(r.packageKey), `package of ${r.id}`);
      assert.ok(r.iconKeys.length > 0 && r.iconKeys.every((k) => keys.has(k)), `icons of ${r.id}`);
    }
    // Nothing half-written is left next to it.
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual((await readdir(work)).filter((n) => n.includes('partial')), []);
  });

  test('backup files are private (0600) and folders 0700', async () => {
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(backupDir)).mode & 0o777, 0o700);
    assert.equal((await stat(join(backupDir, 'manifest.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(backupDir, 'otaship.db'))).mode & 0o777, 0o600);
    assert.ok(manifest.secrets.includes('signing.key'));
    assert.equal((await stat(join(backupDir, 'secrets', 'signing.key'))).mode & 0o777, 0o600);
    assert.equal(await readFile(join(backupDir, 'secrets', 'signing.key'), 'utf8'), await readFile(join(srv.dataDir, 'signing.key'), 'utf8'));
    const blob = manifest.blobs[0]!;
    assert.equal((await stat(join(backupDir, 'blobs', ...blob.key.split('/')))).mode & 0o777, 0o600);
  });

  test('verify passes on the backup', async () => {
    const res = await otaship(['verify', backupDir]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`^${manifest.releases.length} release\\(s\\), ${manifest.blobs.length} blob\\(s\\) checked: all match`, 'm'));
  });

  test('restored into a new data folder, a server on it verifies every release and opens links issued before the backup', async () => {
    const dataDir = join(work, 'restored');
    const res = await otaship(['restore', backupDir, '--data-dir', dataDir]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`Restored and verified ${manifest.releases.length} release\\(s\\)`));

    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(join(dataDir, 'signing.key'))).mode & 0o777, 0o600);
    assert.equal(await readFile(join(dataDir, 'signing.key'), 'utf8'), await readFile(join(backupDir, 'secrets', 'signing.key'), 'utf8'));
    const restored = await startTestServer({ settings: { dataDir, publicUrl: PUBLIC_URL } });
    try {
      const verify = await otaship(['verify', dataDir]);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, new RegExp(`^${manifest.releases.length} release\\(s\\)`, 'm'));
      // Every release of the backup is served by the restored server, byte for byte as recorded.
      for (const r of manifest.releases) assert.ok(await restored.services.repos.releases.get(r.id), `release ${r.id} restored`);
      // Links signed by the first server, before the backup, open on the restored one.
      const first = before[0]!;
      const onRestored = (url: string) => {
        const u = new URL(url);
        return `${restored.baseUrl}${u.pathname}${u.search}`;
      };
      const page = await fetch(onRestored(first.installPageUrl));
      assert.equal(page.status, 200, await page.clone().text());
      assert.match(await page.text(), /Backup Demo/);
      const plist = await fetch(onRestored(first.manifestUrl!));
      assert.equal(plist.status, 200, `${first.manifestUrl} → ${await plist.clone().text()}`);
      const xml = await plist.text();
      assert.match(xml, /com\.example\.backup/);
      // The package it points at downloads from the restored storage, byte for byte.
      const packageUrl = /<string>(https:\/\/[^<]*\/package\.ipa[^<]*)<\/string>/.exec(xml)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(packageUrl, xml);
      const download = await getClosing(onRestored(packageUrl));
      assert.equal(download.status, 200);
      assert.deepEqual(download.body, ipa);
    } finally {
      await restored.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a corrupted blob in a backup makes verify fail naming it; restore refuses that backup', async () => {
    const damaged = join(work, 'damaged');
    await cp(backupDir, damaged, { recursive: true });
    const pkg = manifest.releases[0]!.packageKey;
    const file = join(damaged, 'blobs', ...pkg.split('/'));
    const bytes = await readFile(file);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    await writeFile(file, bytes);
    const res = await otaship(['verify', damaged]);
    assert.equal(res.code, 3);
    assert.ok(res.stderr.includes(`damaged  ${pkg}`), res.stderr);
    assert.match(res.stderr, /^otaship: the backup .* failed verification: 1 problem\(s\)/m);

    const restore = await otaship(['restore', damaged, '--data-dir', join(work, 'from-damaged')]);
    assert.equal(restore.code, 3);
    assert.ok(restore.stderr.includes(pkg), restore.stderr);
    assert.equal(existsSync(join(work, 'from-damaged')), false, 'nothing was restored');
  });

  test('a blob missing from a live data folder makes verify fail naming it', async () => {
    const dataDir = join(work, 'live-copy');
    assert.equal((await otaship(['restore', backupDir, '--data-dir', dataDir])).code, 0);
    const icon = manifest.releases[0]!.iconKeys[0]!;
    await rm(join(dataDir, 'blobs', ...icon.split('/')));
    const res = await otaship(['verify', '--data-dir', dataDir]);
    assert.equal(res.code, 3);
    assert.ok(res.stderr.includes(`missing  ${icon}`), res.stderr);
  });

  test('restore refuses a data folder that is not empty, unless --force', async () => {
    const dataDir = join(work, 'occupied');
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'something'), 'x');
    const res = await otaship(['restore', backupDir, '--data-dir', dataDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /is not empty.*--force/);
    assert.equal(existsSync(join(dataDir, 'otaship.db')), false);
    const forced = await otaship(['restore', backupDir, '--data-dir', dataDir, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
  });

  test('a restore that runs out of disk takes back what it wrote: the folder is left empty', async (t) => {
    const disk = await mountSmallDisk(256 * 1024);
    if (typeof disk === 'string') return t.skip(disk);
    try {
      const dataDir = join(disk.path, 'data');
      const res = await otaship(['restore', backupDir, '--data-dir', dataDir]);
      assert.equal(res.code, 3, res.stderr);
      // This machine's disk, not a server's an upload could be retried on.
      assert.match(res.stderr, /a disk \(or storage quota\) this command writes to is full/);
      assert.doesNotMatch(res.stderr, /upload can be retried/);
      // Nothing half-restored is left, so a retry (with room) is not refused as "not empty".
      assert.deepEqual(await readdir(dataDir).catch(() => []), []);
    } finally {
      await disk.unmount();
    }
  });

  test('backup never writes into an existing folder', async () => {
    const res = await otaship(['backup', backupDir, '--data-dir', srv.dataDir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /already exists/);
  });

  test('--without-secrets leaves the signing key out and says so', async () => {
    const dir = join(work, 'no-secrets');
    const res = await otaship(['backup', dir, '--data-dir', srv.dataDir, '--without-secrets']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /link-signing key is NOT included \(--without-secrets\)/);
    assert.equal(existsSync(join(dir, 'secrets')), false);
    const db = new Database(join(dir, 'otaship.db'), { readonly: true });
    try {
      assert.deepEqual(db.prepare("select key from settings where key = 'link_signing_secret'").all(), []);
    } finally {
      db.close();
    }
  });
});
