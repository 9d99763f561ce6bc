// The conversion worker taking over a job whose instance died: a claim made by an instance that is
// gone holds the job until its lease lapses, then this instance's worker claims it (a second
// attempt), builds the APK and makes it the release's package; the dead holder can no longer finish
// it. Real parts: SQLite and PostgreSQL, fs blob storage, the real bundletool, keytool and Java.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBundleConverter } from '../../../src/bundle/converter.js';
import { loadConfig } from '../../../src/config/index.js';
import { openRepositories } from '../../../src/db/open.js';
import { createServices, type Services } from '../../../src/services/index.js';
import type { Principal } from '../../../src/services/principal.js';
import { openBlobStore } from '../../../src/storage/index.js';
import { buildAab, bundleTools } from '../../helpers/synthetic-aab.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { testClock } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

const ADMIN: Principal = { tokenId: 'worker-test', name: 'admin', admin: true, appId: null, via: 'bearer' };
const LEASE_MS = 60_000;

let dir: string;
let skip: string | null = null;
let aab: string;
let pg: Promise<PostgresServer> | null = null;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-worker-'));
  const tools = await bundleTools();
  if (typeof tools === 'string') {
    skip = tools;
    return;
  }
  aab = await buildAab(tools, dir, { packageName: 'com.example.takeover', versionCode: 9, versionName: '0.9', labelResource: 'Takeover', minSdk: 24, targetSdk: 34 });
});
after(async () => {
  if (pg) await (await pg).stop();
  await rm(dir, { recursive: true, force: true });
});

async function instance(
  databaseUrl: string,
  name: string,
  extra: { java?: string; stopGraceMs?: number; timeLimitMs?: number } = {},
): Promise<{ services: Services; clock: ReturnType<typeof testClock>; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(dir, `${name}-`));
  const config = loadConfig({ env: {}, overrides: { dataDir, publicUrl: 'https://ota.example.com', databaseUrl } });
  const repos = await openRepositories(config.databaseUrl);
  const blobs = await openBlobStore({ kind: 'fs', root: join(dataDir, 'blobs') });
  const clock = testClock();
  const services = await createServices(config, repos, blobs, {
    signingSecret: 's'.repeat(43),
    clock,
    bundleConverter: openBundleConverter({ workDir: config.tmpDir, ...(extra.java ? { java: extra.java } : {}) }),
    bundleWorker: {
      leaseMs: LEASE_MS,
      ...(extra.stopGraceMs !== undefined ? { stopGraceMs: extra.stopGraceMs } : {}),
      ...(extra.timeLimitMs !== undefined ? { timeLimitMs: extra.timeLimitMs } : {}),
    },
  });
  return {
    services,
    clock,
    async close() {
      await services.bundles.stop();
      await services.publish.close();
      await repos.close();
    },
  };
}

for (const dialect of ['SQLite', 'PostgreSQL'] as const) {
  const pgSkip = dialect === 'PostgreSQL' ? postgresSkipReason() : false;
  describe(`bundle worker on ${dialect}`, { skip: pgSkip }, () => {
    test('a job whose instance died is taken over once its lease lapsed', async (t) => {
      if (skip) return t.skip(skip);
      const url = dialect === 'SQLite' ? `sqlite:${join(await mkdtemp(join(dir, 'db-')), 'otaship.db')}` : await (await (pg ??= startPostgres())).createDatabase();
      const live = await instance(url, dialect);
      try {
        const { services, clock } = live;
        const upload = join(dir, `upload-${dialect}.aab`);
        await copyFile(aab, upload);
        // The worker is not started yet: the job stays queued for the "dead" instance to claim.
        const { release } = await services.publish.publishLocalFile(ADMIN, upload, { filename: 'app.aab' });
        const dead = await services.repos.bundleJobs.claimNext('instance-that-died', clock(), new Date(clock().getTime() + LEASE_MS));
        assert.equal(dead?.releaseId, release.id);

        const outcomes: string[] = [];
        services.bundles.worker.onOutcome((o) => outcomes.push(`${o.releaseId}:${o.state}`));
        assert.equal(await services.bundles.start(), null, 'the tools are here');
        // While the dead instance's lease holds, nobody takes the job.
        assert.equal((await services.repos.bundleJobs.get(release.id))?.holder, 'instance-that-died');
        clock.advance(LEASE_MS + 1000);
        services.bundles.worker.wake();
        // The outcome is reported after the job's row is final: wait for it, not for the row.
        await waitFor(async () => outcomes.length > 0, 50);

        const job = await services.repos.bundleJobs.get(release.id);
        assert.equal(job?.state, 'done', job?.error ?? '');
        assert.equal(job?.attempts, 2, 'the dead claim and the takeover');
        assert.deepEqual(outcomes, [`${release.id}:done`]);
        const ready = await services.repos.releases.get(release.id);
        assert.equal(ready?.bundle?.apkReady, true);
        assert.equal(ready?.packageKey, `releases/${release.id}/package-2.apk`);
        assert.equal(ready?.info.kind, 'apk');
        assert.ok(await services.blobs.stat(ready!.packageKey), 'the APK is stored');
        assert.equal(await services.repos.bundleJobs.finish(release.id, 'instance-that-died', { state: 'failed', error: 'late', at: clock() }), false);
        assert.equal((await services.repos.bundleJobs.get(release.id))?.state, 'done');
      } finally {
        await live.close();
      }
    });
  });
}

describe('bundle worker on shutdown', () => {
  test('a conversion still running when the server stops is stopped, its job queued again for another instance, nothing left behind', async (t) => {
    if (skip) return t.skip(skip);
    // A "java" that answers -version like the real one and otherwise never finishes: bundletool is
    // then certainly still running when the server stops (no timing involved).
    const java = join(dir, 'slow-java');
    await writeFile(java, '#!/bin/sh\nif [ "$1" = "-version" ]; then exec java -version; fi\nexec sleep 600\n', { mode: 0o755 });
    const url = `sqlite:${join(await mkdtemp(join(dir, 'db-')), 'otaship.db')}`;
    const live = await instance(url, 'shutdown', { java, stopGraceMs: 0 });
    const { services } = live;
    let closed = false;
    try {
      const upload = join(dir, 'upload-shutdown.aab');
      await copyFile(aab, upload);
      const { release } = await services.publish.publishLocalFile(ADMIN, upload, { filename: 'app.aab' });
      assert.equal(await services.bundles.start(), null);
      await waitFor(async () => (await services.repos.bundleJobs.get(release.id))?.state === 'running', 20);
      await services.bundles.stop();
      const job = await services.repos.bundleJobs.get(release.id);
      assert.deepEqual([job?.state, job?.holder, job?.attempts], ['queued', null, 1]);
      assert.match(job?.error ?? '', /stopped/);
      const apks: string[] = [];
      for await (const key of services.blobs.list(`releases/${release.id}/`)) if (key.endsWith('.apk')) apks.push(key);
      assert.deepEqual(apks, []);
      assert.deepEqual((await readdir(services.config.tmpDir)).filter((n) => n.startsWith('bundle-') || n.startsWith('otaship-key-')), []);
      await services.publish.close();
      await services.repos.close();
      closed = true;
    } finally {
      if (!closed) await live.close();
    }
  });
});

describe('bundle worker time limit', () => {
  test('a conversion that runs past its time limit is stopped and its job failed (not queued again), nothing left behind', async (t) => {
    if (skip) return t.skip(skip);
    // bundletool "hangs" (a java that never finishes): only the time limit can end the attempt.
    const java = join(dir, 'hanging-java');
    await writeFile(java, '#!/bin/sh\nif [ "$1" = "-version" ]; then exec java -version; fi\nexec sleep 600\n', { mode: 0o755 });
    const url = `sqlite:${join(await mkdtemp(join(dir, 'db-')), 'otaship.db')}`;
    const live = await instance(url, 'time-limit', { java, timeLimitMs: 1 });
    try {
      const { services } = live;
      const upload = join(dir, 'upload-time-limit.aab');
      await copyFile(aab, upload);
      const { release } = await services.publish.publishLocalFile(ADMIN, upload, { filename: 'app.aab' });
      const outcomes: string[] = [];
      services.bundles.worker.onOutcome((o) => outcomes.push(o.state));
      assert.equal(await services.bundles.start(), null);
      await waitFor(async () => outcomes.length > 0, 20);
      assert.deepEqual(outcomes, ['failed']);
      const job = await services.repos.bundleJobs.get(release.id);
      assert.deepEqual([job?.state, job?.attempts], ['failed', 1]);
      assert.match(job?.error ?? '', /ran longer than 1 s and was stopped/);
      const apks: string[] = [];
      for await (const key of services.blobs.list(`releases/${release.id}/`)) if (key.endsWith('.apk')) apks.push(key);
      assert.deepEqual(apks, []);
      assert.deepEqual((await readdir(services.config.tmpDir)).filter((n) => n.startsWith('bundle-') || n.startsWith('otaship-key-')), []);
    } finally {
      await live.close();
    }
  });
});
