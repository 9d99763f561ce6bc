// Leftovers of crashed publishes on a real SQLite database and fs storage (and PostgreSQL where it
// runs): a publish records its blob intent before writing and forgets it with the release; blobs
// under a stale intent are removed by exactly one of two instances sweeping at once; fresh intents,
// recorded releases and referenced blobs are kept; `otaship storage gc` lists (dry run by default)
// and with --delete removes, also unreferenced blobs and staged temp files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openRepositories } from '../../src/db/index.js';
import { BlobGc } from '../../src/services/blob-gc.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import type { Repositories } from '../../src/ports/repositories.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const HOUR = 3600_000;
const later = (hours: number) => () => new Date(Date.now() + hours * HOUR);

async function keys(blobs: BlobStore, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for await (const k of blobs.list(prefix)) out.push(k);
  return out.sort();
}

/** What a publish that died after writing its blobs leaves: the intent and the blobs, no release. */
async function crashedPublish(repos: Repositories, blobs: BlobStore, id: string, at = new Date()): Promise<string[]> {
  const prefix = `releases/${id}/`;
  await repos.blobIntents.record(prefix, at);
  const written = [`${prefix}package.ipa`, `${prefix}icon.png`];
  for (const key of written) await blobs.put(key, Readable.from([Buffer.from(key)]));
  return written;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('blob intents and garbage collection', () => {
  let srv: TestServer;
  let second: Repositories;
  before(async () => {
    srv = await startTestServer();
    // A second instance's database handle on the same file.
    second = await openRepositories(srv.config.databaseUrl);
  });
  after(async () => {
    await second?.close();
    await srv?.stop();
  });

  test('a publish forgets its intent with the release; a refused one leaves neither intent nor blobs', async () => {
    const publish = async (bundleId: string, extra = {}) =>
      fetch(`${srv.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: new Uint8Array(await readFile(await buildIpa({ bundleId, ...extra }))),
      });
    const ok = await publish('com.example.gc');
    assert.equal(ok.status, 201, await ok.text());
    const refused = await publish('com.example.gc.sim', { platforms: ['iPhoneSimulator'] });
    assert.equal(refused.status, 422, await refused.text());
    assert.deepEqual(await srv.services.repos.blobIntents.prefixes(), [], 'no intent outlives its publish');
    const referenced = new Set(await srv.services.repos.releases.allBlobKeys());
    assert.deepEqual((await keys(srv.services.blobs)).filter((k) => !referenced.has(k)), [], 'only the release’s blobs are stored');
  });

  test('a crashed publish’s blobs are removed by exactly one of two instances after the grace period; fresh ones are kept', async () => {
    const { repos, blobs } = srv.services;
    const stale = await crashedPublish(repos, blobs, '01crashedaaaaaaaaaaaaaaaaa');
    const fresh = await crashedPublish(repos, blobs, '01livebbbbbbbbbbbbbbbbbbbb', new Date(Date.now() + 2 * HOUR));

    // Before the grace period nothing is touched.
    assert.deepEqual(await new BlobGc(repos, blobs, () => new Date()).sweepIntents(), []);

    const dry = await new BlobGc(repos, blobs, later(26)).sweepIntents({ dryRun: true });
    assert.deepEqual(dry.map((d) => d.keys), [stale.slice().sort()]);
    assert.deepEqual(await keys(blobs, 'releases/01crashed'), stale.slice().sort(), 'a dry run removes nothing');

    const [a, b] = await Promise.all([
      new BlobGc(repos, blobs, later(26)).sweepIntents(),
      new BlobGc({ ...second, releases: second.releases }, blobs, later(26)).sweepIntents(),
    ]);
    assert.equal(a.length + b.length, 1, 'one instance claimed the intent');
    assert.deepEqual(await keys(blobs, 'releases/01crashed'), []);
    assert.deepEqual(await keys(blobs, 'releases/01live'), fresh.slice().sort(), 'a publish still within its grace period is kept');
    assert.deepEqual(await repos.blobIntents.prefixes(), ['releases/01livebbbbbbbbbbbbbbbbbbbb/']);
    await repos.blobIntents.forget('releases/01livebbbbbbbbbbbbbbbbbbbb/');
    for (const k of fresh) await blobs.delete(k);
  });

  test('otaship storage gc: dry run by default, --delete removes unfinished publishes, unreferenced blobs and staged temp files', async () => {
    const { repos, blobs } = srv.services;
    const old = new Date(Date.now() - 30 * HOUR);
    const crashed = await crashedPublish(repos, blobs, '01clicrashcccccccccccccccc', old);
    // An unreferenced blob (no intent: e.g. from before intents), last written long ago.
    await blobs.put('releases/01strayddddddddddddddddd/package.apk', Readable.from([Buffer.from('stray')]));
    const strayPath = join(srv.config.dataDir, 'blobs', 'releases', '01strayddddddddddddddddd', 'package.apk');
    await utimes(strayPath, old, old);
    await mkdir(srv.config.tmpDir, { recursive: true });
    const staged = join(srv.config.tmpDir, 'upload-01old.part');
    await writeFile(staged, 'partial');
    await utimes(staged, old, old);
    const referencedBefore = (await keys(blobs)).filter((k) => !k.startsWith('releases/01clicrash') && !k.startsWith('releases/01stray'));

    const args = ['storage', 'gc', '--data-dir', srv.config.dataDir, '--database-url', srv.config.databaseUrl];
    const shown = await cli(args);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Unfinished publishes: 1/);
    assert.match(shown.stdout, /releases\/01clicrashcccccccccccccccc\/package\.ipa/);
    assert.match(shown.stdout, /Unreferenced blobs: 1 to remove\n {2}releases\/01strayddddddddddddddddd\/package\.apk/);
    assert.match(shown.stdout, /1 staged upload/);
    assert.match(shown.stdout, /Nothing was removed \(dry run\)/);
    assert.deepEqual(await keys(blobs, 'releases/01clicrash'), crashed.slice().sort());

    const removed = await cli([...args, '--delete']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await keys(blobs, 'releases/01clicrash'), []);
    assert.deepEqual(await keys(blobs, 'releases/01stray'), []);
    assert.equal(await stat(staged).then(() => true, () => false), false);
    assert.deepEqual(await repos.blobIntents.prefixes(), []);
    const left = await keys(blobs);
    assert.deepEqual(left, referencedBefore.sort(), 'every blob a release names is kept');
    assert.ok(left.length > 0);
    assert.deepEqual(await readdir(srv.config.tmpDir), []);
  });
});
