// Secrets at rest: the signing key is kept out of the database (a 0600 key file in the data folder),
// an older database's key is moved out on start, and the data folder, database and blobs are private.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig, type RawSettings } from '../../src/config/index.js';
import { isOtashipError } from '../../src/core/errors.js';
import { openRepositories } from '../../src/db/index.js';
import { startServer } from '../../src/main.js';
import { Signer } from '../../src/services/signing.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const ADMIN = `admin-${randomBytes(18).toString('base64url')}`;
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'otaship-secrets-'));
});
after(async () => rm(root, { recursive: true, force: true }));

async function start(dataDir: string, settings: RawSettings = {}) {
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', port: 0, dataDir, adminToken: ADMIN, ...settings } });
  return startServer(config);
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** Every value in the settings table of a SQLite database, read as an attacker with the file would. */
function settingsValues(dbPath: string): Map<string, string> {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const rows = db.prepare('select key, value from settings').all() as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, r.value]));
  } finally {
    db.close();
  }
}

describe('the signing key is not in the database', () => {
  test('a fresh server keeps its key in a 0600 file; the database holds no key; folders 0700, files 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const server = await start(dataDir);
    try {
      const ipa = await buildIpa({ displayName: 'Private' });
      const res = await fetch(`${server.listenUrl}/api/v1/releases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/octet-stream' },
        body: await readFile(ipa),
      });
      assert.equal(res.status, 201);
      const key = (await readFile(join(dataDir, 'signing.key'), 'utf8')).trim();
      assert.ok(key.length >= 32);
      assert.equal(await mode(join(dataDir, 'signing.key')), 0o600);

      const dbPath = join(dataDir, 'otaship.db');
      for (const value of settingsValues(dbPath).values()) assert.ok(!value.includes(key), 'no setting holds the key');
      const file = await readFile(dbPath);
      assert.ok(!file.includes(Buffer.from(key)), 'the key appears nowhere in the database file');

      assert.equal(await mode(dataDir), 0o700);
      assert.equal(await mode(join(dataDir, 'tmp')), 0o700);
      for (const f of ['otaship.db', 'otaship.db-wal', 'otaship.db-shm']) assert.equal(await mode(join(dataDir, f)), 0o600, f);
      // Every folder and file of the blob store is private too.
      const walk = async (dir: string): Promise<void> => {
        assert.equal(await mode(dir), 0o700, dir);
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walk(path);
          else assert.equal(await mode(path), 0o600, path);
        }
      };
      await walk(join(dataDir, 'blobs'));
      assert.ok((await readdir(join(dataDir, 'blobs'), { recursive: true })).length > 0, 'the package was stored');
    } finally {
      await server.close();
    }
  });

  test('an older database: its key moves to the key file and out of the database; its links stay valid', async () => {
    const dataDir = join(root, 'legacy');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const dbPath = join(dataDir, 'otaship.db');
    const legacyKey = randomBytes(32).toString('base64url');
    const repos = await openRepositories(dbPath);
    await repos.settings.putIfAbsent('link_signing_secret', legacyKey);
    await repos.close();
    await chmod(dbPath, 0o644);

    const server = await start(dataDir);
    try {
      assert.equal((await readFile(join(dataDir, 'signing.key'), 'utf8')).trim(), legacyKey);
      assert.equal(settingsValues(dbPath).has('link_signing_secret'), false, 'deleted from the database');
      for (const value of settingsValues(dbPath).values()) assert.ok(!value.includes(legacyKey));
      assert.equal(await mode(dataDir), 0o700, 'an open data folder is made private');
      assert.equal(await mode(dbPath), 0o600, 'an open database file is made private');
      // The server signs with the moved key: links made before the upgrade stay valid.
      const fresh = server.services.links.forApp('some-app', 600);
      assert.equal(new Signer(legacyKey).verify(fresh, Date.now()).sub, 'some-app');
    } finally {
      await server.close();
    }
    // And the next start uses the file, the same key.
    const again = await start(dataDir);
    await again.close();
    assert.equal((await readFile(join(dataDir, 'signing.key'), 'utf8')).trim(), legacyKey);
  });

  test('a second data folder on the same database without the key file: a CONFIG error saying what to do', async () => {
    const first = join(root, 'shared-a');
    const second = join(root, 'shared-b');
    const databaseUrl = join(root, 'shared.db');
    const a = await start(first, { databaseUrl });
    await a.close();
    const err: unknown = await start(second, { databaseUrl }).then(
      async (started) => {
        await started.close();
        return new Error('it started, with a signing key of its own');
      },
      (e: unknown) => e,
    );
    assert.ok(isOtashipError(err) && err.code === 'CONFIG', String(err));
    assert.match(err.message, /signing\.key.*OTASHIP_SECRET/);
    // With the key copied over, it starts.
    const copy = await readFile(join(first, 'signing.key'), 'utf8');
    await writeFile(join(second, 'signing.key'), copy, { mode: 0o600 });
    const b = await start(second, { databaseUrl });
    await b.close();
  });

  test('a key file that cannot be read (a folder in its place): a CONFIG error naming the file, not "a bug"', async () => {
    const dataDir = join(root, 'unreadable-key');
    const a = await start(dataDir);
    await a.close();
    await rm(join(dataDir, 'signing.key'));
    await mkdir(join(dataDir, 'signing.key'));
    const err: unknown = await start(dataDir).then(
      async (started) => {
        await started.close();
        return new Error('it started');
      },
      (e: unknown) => e,
    );
    assert.ok(isOtashipError(err) && err.code === 'CONFIG', String(err));
    assert.match(err.message, /signing\.key cannot be read \(EISDIR\).*server's user can read/);
  });
});

describe('OTASHIP_SECRET on several instances of one database', () => {
  const secretWarning = (w: string[]) => w.filter((x) => x.startsWith('OTASHIP_SECRET differs'));

  test('a start with another value than the last instance is warned about; the same value, or every instance moved to a new one, is not', async () => {
    const databaseUrl = join(root, 'secret-shared.db');
    const one = 'a'.repeat(20) + randomBytes(16).toString('hex');
    const two = 'b'.repeat(20) + randomBytes(16).toString('hex');
    const a = await start(join(root, 'secret-a'), { databaseUrl, secret: one });
    assert.deepEqual(secretWarning(a.services.status.warnings), [], 'the first start records its secret');
    const b = await start(join(root, 'secret-b'), { databaseUrl, secret: one });
    assert.deepEqual(secretWarning(b.services.status.warnings), [], 'the same secret');
    await b.close();
    const c = await start(join(root, 'secret-c'), { databaseUrl, secret: two });
    const [warning] = secretWarning(c.services.status.warnings);
    assert.match(warning ?? '', /refused by the other.*same OTASHIP_SECRET on every instance/);
    assert.ok(!warning!.includes(one) && !warning!.includes(two), 'the warning names no secret');
    await a.close();
    await c.close();
    // A rotation finished (the next start has the new value too): no more warning.
    const d = await start(join(root, 'secret-d'), { databaseUrl, secret: two });
    assert.deepEqual(secretWarning(d.services.status.warnings), []);
    await d.close();
    // The database keeps a fingerprint, never the secret.
    for (const value of settingsValues(databaseUrl).values()) {
      assert.ok(!value.includes(one) && !value.includes(two));
    }
  });
});
