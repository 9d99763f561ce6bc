// Deleting an app while a release of it is being recorded, on PostgreSQL (where transactions do run
// side by side): the release that commits while the deletion waits is deleted with its files, never
// dropped by the app's cascade with its files left in storage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { openRepositories } from '../../src/db/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import type { Repositories } from '../../src/ports/repositories.js';
import { CatalogService } from '../../src/services/catalog.js';
import type { Principal } from '../../src/services/principal.js';
import { openBlobStore } from '../../src/storage/index.js';
import { sampleInfo } from '../db/repositories.conformance.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const admin: Principal = { tokenId: 'bootstrap', name: 'admin token', admin: true, appId: null, via: 'bearer' };

describe('deleting an app while one of its releases is being recorded (PostgreSQL)', { skip: postgresSkipReason() }, () => {
  let server: PostgresServer;
  let url: string;
  let repos: Repositories;
  let blobs: BlobStore;
  let dir: string;
  let watcher: pg.Client;

  before(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    repos = await openRepositories(url);
    dir = await mkdtemp(join(tmpdir(), 'otaship-delete-race-'));
    blobs = await openBlobStore({ kind: 'fs', root: dir });
    watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
  });
  after(async () => {
    await watcher?.end();
    await repos?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const key of blobs.list(prefix)) out.push(key);
    return out;
  }

  test('the release committed while the deletion waits goes with its files', async () => {
    const catalog = new CatalogService(repos, blobs, undefined);
    const app = await repos.apps.create({ platform: 'ios', bundleId: 'com.example.race', name: 'Race', isPublic: false });
    const id = '01m900000000000000000race1';
    const packageKey = `releases/${id}/package.ipa`;
    // As a publish does: the files first, then the record.
    await blobs.put(packageKey, Readable.from([Buffer.from('ipa bytes')]));

    let inserted!: () => void;
    const insertedNow = new Promise<void>((resolve) => (inserted = resolve));
    let commit!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commit = resolve));
    const recording = repos.transaction(async (tx) => {
      await tx.releases.create({
        id,
        appId: app.id,
        version: '1.0',
        build: '1',
        name: 'Race',
        size: 9,
        sha256: 'a'.repeat(64),
        packageKey,
        iconKey: null,
        icon57Key: null,
        icon512Key: null,
        info: sampleInfo('Race', '1'),
        notes: '',
        isPublic: null,
      });
      inserted();
      await mayCommit;
    });
    await insertedNow;

    const deleting = catalog.deleteApp(admin, app.id);
    // The deletion now waits for the recording transaction's lock on the app row; only then commit.
    await waitFor(async () => {
      const res = await watcher.query<{ n: string }>("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock'");
      return Number(res.rows[0]?.n) > 0;
    });
    commit();
    await recording;
    await deleting;

    assert.equal(await repos.releases.get(id), null);
    assert.equal(await repos.apps.get(app.id), null);
    assert.deepEqual(await keys(`releases/${id}/`), [], 'the files of the release recorded meanwhile are gone too');
    assert.deepEqual(await repos.blobIntents.prefixes(), []);
  });
});
