// createBackup against a real server (SQLite, fs blobs) at the two moments a CLI run cannot be timed
// to: a release deleted between the database snapshot and the copy of its blobs (left out of the
// backup, which stays consistent), and a blob lost from storage while its release still exists (the
// backup fails, naming it, and leaves nothing behind). The store is the server's own; the wrapper
// only deletes the release through the real API at the moment its package is first read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createBackup } from '../../src/backup/create.js';
import { verifyBackup } from '../../src/backup/verify.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let srv: TestServer;
let work: string;
let ipa: Buffer;

async function publish(): Promise<string> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: new Uint8Array(ipa) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { release: { id: string } }).release.id;
}

before(async () => {
  srv = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'otaship-backup-create-'));
  ipa = await readFile(await buildIpa({ bundleId: 'com.example.drop', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] }));
});
after(async () => {
  await srv?.stop();
  await rm(work, { recursive: true, force: true });
});

/** The server's store; reading `key` first deletes `releaseId` through the API, once. */
function deletingOnRead(store: BlobStore, key: string, releaseId: string): BlobStore {
  let done = false;
  return Object.assign(Object.create(store) as BlobStore, {
    async get(k: string, ...rest: [undefined?, AbortSignal?]) {
      if (k === key && !done) {
        done = true;
        const res = await fetch(`${srv.baseUrl}/api/v1/releases/${releaseId}`, { method: 'DELETE', headers: srv.auth() });
        assert.equal(res.status, 204, await res.text());
      }
      return store.get(k, ...rest);
    },
  });
}

describe('createBackup while releases change', () => {
  test('a release deleted after the snapshot is left out, and the backup verifies', async () => {
    const keep = await publish();
    const gone = await publish();
    const goneRelease = (await srv.services.repos.releases.get(gone))!;
    const dir = join(work, 'dropped');
    const store = deletingOnRead(srv.services.blobs, goneRelease.packageKey, gone);
    const summary = await createBackup(srv.config, store, dir, { withSecrets: true, concurrency: 1 });
    assert.deepEqual(summary.manifest.releases.map((r) => r.id), [keep]);
    assert.ok(summary.manifest.blobs.every((b) => !b.key.startsWith(goneRelease.packageKey.split('/').slice(0, -1).join('/'))), 'no blob of the deleted release');
    const db = new Database(join(dir, 'otaship.db'), { readonly: true });
    try {
      assert.deepEqual((db.prepare('select id from releases').all() as { id: string }[]).map((r) => r.id), [keep]);
    } finally {
      db.close();
    }
    assert.deepEqual((await verifyBackup(dir)).problems, []);
  });

  test('a blob lost from storage while its release exists fails the backup, naming it, and leaves nothing', async () => {
    const id = await publish();
    const release = (await srv.services.repos.releases.get(id))!;
    const icon = release.icon57Key ?? release.iconKey!;
    await srv.services.blobs.delete(icon);
    const dir = join(work, 'lost');
    await assert.rejects(createBackup(srv.config, srv.services.blobs, dir, { withSecrets: true, concurrency: 1 }), (err: Error) => {
      assert.match(err.message, new RegExp(`${icon.replaceAll('.', '\\.')} of release ${id} is missing from storage`));
      return true;
    });
    assert.equal(existsSync(dir), false);
    assert.deepEqual((await readdir(work)).filter((n) => n.includes('partial')), []);
  });
});
