// Backups with S3 storage (the local s3rver helper, real AWS SDK calls): a backup of an fs server
// restored into S3 storage, verified there and served by a server on it; a backup taken from that S3
// storage verifies; a bucket that already holds blobs is refused without --force.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackup } from '../../src/backup/create.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { verifyBackup, verifyLive } from '../../src/backup/verify.js';
import { loadConfig, type RawSettings } from '../../src/config/index.js';
import { storageConfig } from '../../src/server/compose.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const PUBLIC_URL = 'https://ota.example.test';
let s3: LocalS3;
let srv: TestServer;
let work: string;
const pages: string[] = [];

before(async () => {
  s3 = await startS3('otaship-backup-test');
  srv = await startTestServer({ settings: { publicUrl: PUBLIC_URL } });
  work = await mkdtemp(join(tmpdir(), 'otaship-backup-s3-'));
  const ipa = await readFile(await buildIpa({ bundleId: 'com.example.s3backup', displayName: 'S3 Backup', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: new Uint8Array(ipa) });
    assert.equal(res.status, 201, await res.clone().text());
    pages.push(((await res.json()) as { installPageUrl: string }).installPageUrl);
  }
});
after(async () => {
  await srv?.stop();
  await s3?.stop();
  await rm(work, { recursive: true, force: true });
});

function s3Settings(dataDir: string): RawSettings {
  return { dataDir, storage: 's3', s3Bucket: s3.bucket, s3Endpoint: s3.endpoint, s3AccessKeyId: 'S3RVER', s3SecretAccessKey: 'S3RVER', s3ForcePathStyle: true, publicUrl: PUBLIC_URL };
}

describe('backups and S3 storage', () => {
  test('an fs backup restored into S3 verifies, serves old links, and backs up again from S3', async () => {
    const fromFs = join(work, 'from-fs');
    await createBackup(srv.config, srv.services.blobs, fromFs, { withSecrets: true, concurrency: 2 });

    const dataDir = join(work, 'on-s3');
    const config = loadConfig({ env: {}, overrides: s3Settings(dataDir) });
    const open = () => openBlobStore(storageConfig(config.storage));
    const restored = await restoreBackup(config, open, fromFs, { force: false, concurrency: 2 });
    assert.equal(restored.verified.releases, 2);
    assert.deepEqual(restored.verified.problems, []);
    const store = await open();
    try {
      assert.deepEqual((await verifyLive(config, store)).problems, []);
      const fromS3 = join(work, 'from-s3');
      const summary = await createBackup(config, store, fromS3, { withSecrets: true, concurrency: 2 });
      assert.equal(summary.manifest.releases.length, 2);
      assert.deepEqual((await verifyBackup(fromS3)).problems, []);
    } finally {
      await store.close?.();
    }

    const server = await startTestServer({ settings: s3Settings(dataDir) });
    try {
      const u = new URL(pages[0]!);
      const page = await fetch(`${server.baseUrl}${u.pathname}${u.search}`);
      assert.equal(page.status, 200, await page.clone().text());
      assert.match(await page.text(), /S3 Backup/);
    } finally {
      await server.stop();
    }

    // Another restore into a new data folder but the same bucket would mix two servers' blobs.
    const other = loadConfig({ env: {}, overrides: s3Settings(join(work, 'other')) });
    await assert.rejects(
      restoreBackup(other, () => openBlobStore(storageConfig(other.storage)), fromFs, { force: false, concurrency: 2 }),
      /the s3 storage already holds blobs.*--force/,
    );
  });
});
