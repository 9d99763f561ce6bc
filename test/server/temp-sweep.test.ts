// Temp files a crash left behind (staged uploads in tmp/, the fs blob store's `.<name>.<rand>.tmp`)
// are swept when the server starts, and by the same sweep it repeats while running; files still
// being written (recently touched) are kept, since instances may share the data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { startServer } from '../../src/main.js';
import { sweepStaleTemporaries } from '../../src/server/compose.js';

const exists = (p: string) => stat(p).then(() => true, () => false);

async function put(path: string, ageHours: number): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'partial');
  const t = new Date(Date.now() - ageHours * 3600_000);
  await utimes(path, t, t);
  return path;
}

test('stale upload and blob-store temp files are swept at start; live ones are kept', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'otaship-sweep-'));
  try {
    const blobDir = join(dataDir, 'blobs', 'releases', '01aaaaaaaaaaaaaaaaaaaaaaaa');
    const staleBlob = await put(join(blobDir, '.package.ipa.0123456789ab.tmp'), 48);
    const staleMeta = await put(join(blobDir, '.package.ipa.meta.json.ba9876543210.tmp'), 48);
    const liveBlob = await put(join(blobDir, '.icon.png.abcdefabcdef.tmp'), 0);
    const notTemp = await put(join(blobDir, 'package.ipa'), 48);
    const staleUpload = await put(join(dataDir, 'tmp', 'upload-01old.part'), 48);
    const liveUpload = await put(join(dataDir, 'tmp', 'upload-01new.part'), 0);
    // A conversion's work folder and an opened keystore a crash left (folders: removed whole).
    const staleWork = join(dataDir, 'tmp', 'bundle-Ab12Cd');
    await put(join(staleWork, 'bundle.aab'), 48);
    const staleKey = join(dataDir, 'tmp', 'otaship-key-Zz9Yy8');
    await put(join(staleKey, 'keystore'), 48);
    for (const d of [staleWork, staleKey]) await utimes(d, new Date(Date.now() - 48 * 3600_000), new Date(Date.now() - 48 * 3600_000));
    const liveWork = join(dataDir, 'tmp', 'bundle-Live01');
    await put(join(liveWork, 'bundle.aab'), 0);

    const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', port: 0, dataDir } });
    const server = await startServer(config);
    await server.close();

    assert.equal(await exists(staleBlob), false, 'stale blob temp swept');
    assert.equal(await exists(staleMeta), false, 'stale sidecar temp swept');
    assert.equal(await exists(staleUpload), false, 'stale staged upload swept');
    assert.equal(await exists(staleWork), false, 'a stale conversion folder swept');
    assert.equal(await exists(staleKey), false, 'a stale opened keystore swept');
    assert.equal(await exists(liveWork), true, 'a conversion under way is kept');
    assert.equal(await exists(liveBlob), true, 'a temp still being written is kept');
    assert.equal(await exists(liveUpload), true);
    assert.equal(await exists(notTemp), true, 'blobs themselves are never touched');

    // The periodic sweep is the same function: a day later the "live" files are stale too.
    const { openBlobStore } = await import('../../src/storage/index.js');
    const blobs = await openBlobStore({ kind: 'fs', root: join(dataDir, 'blobs') });
    await sweepStaleTemporaries(config, blobs, Date.now() + 26 * 3600_000);
    assert.equal(await exists(liveBlob), false);
    assert.equal(await exists(liveUpload), false);
    assert.equal(await exists(notTemp), true);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
