// `otaship publish` with a resumable upload: an upload cut off at ~60% (by the client library, with
// the same state file the CLI uses) is continued by running the CLI, which says where it resumed;
// the published package is byte-identical and the resume entry is gone afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient, ResumeState, defaultResumeStatePath, resumeFingerprint } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

function otaship(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.OTASHIP_TOKEN;
  delete base.OTASHIP_SERVER;
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...base, ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let srv: TestServer;
let dir: string;
before(async () => {
  srv = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'otaship-publish-resume-'));
});
after(async () => {
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('otaship publish (resumable)', () => {
  test('the state file lives under XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultResumeStatePath({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/otaship/uploads.json');
    assert.match(defaultResumeStatePath({}), /\/\.cache\/otaship\/uploads\.json$/);
  });

  test('--no-resume sends a large package in one plain request (no resumable upload, no state)', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.noresume',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(9 * 1024 * 1024), compress: false }],
    });
    const cache = join(dir, 'cache-no-resume');
    const run = await otaship(['publish', path, '--server', srv.baseUrl, '--token', srv.adminToken, '--json', '--no-resume'], {
      XDG_CACHE_HOME: cache,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(defaultResumeStatePath({ XDG_CACHE_HOME: cache })), false);
    // Without the flag the same size goes through tus, which records (then clears) its state.
    const again = await otaship(['publish', path, '--server', srv.baseUrl, '--token', srv.adminToken, '--json'], {
      XDG_CACHE_HOME: cache,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(existsSync(defaultResumeStatePath({ XDG_CACHE_HOME: cache })), true);
  });

  test('running the same command after a cut-off resumes where it stopped', async () => {
    const path = await buildIpa({
      bundleId: 'com.example.cliresume',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(10 * 1024 * 1024), compress: false }],
    });
    const bytes = await readFile(path);
    const cache = join(dir, 'cache');
    const state = new ResumeState(defaultResumeStatePath({ XDG_CACHE_HOME: cache }));
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    const ac = new AbortController();
    await assert.rejects(
      client.publishResumable(path, {
        resumeState: state,
        chunkSize: 1024 * 1024,
        signal: ac.signal,
        onProgress: (sent, total) => {
          if (sent >= total * 0.6) ac.abort();
        },
      }),
    );
    const st = await stat(path);
    const fingerprint = resumeFingerprint(client.baseUrl.href, { path, size: st.size, mtimeMs: st.mtimeMs });
    assert.ok(await state.get(fingerprint));

    const run = await otaship(['publish', path, '--server', srv.baseUrl, '--token', srv.adminToken, '--json'], {
      XDG_CACHE_HOME: cache,
    });
    assert.equal(run.code, 0, run.stderr);
    const m = /Resuming the upload at (\d+)%/.exec(run.stderr);
    assert.ok(m, run.stderr);
    assert.ok(Number(m[1]) >= 30 && Number(m[1]) < 100, run.stderr);
    assert.match(run.stderr, /resumed at/);
    const summary = JSON.parse(run.stdout) as { downloadUrl: string; releaseId: string };
    const download = await fetch(summary.downloadUrl);
    const got = Buffer.from(await download.arrayBuffer());
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
    assert.equal(await state.get(fingerprint), null, 'the entry is removed once published');
  });
});
