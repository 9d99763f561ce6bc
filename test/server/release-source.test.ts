// Where a build came from: `otaship publish` in a CI detects it from the environment and sends it; the
// REAL server (socket, SQLite, fs blobs) validates it, stores it (migration 0008) and shows it in the
// API, the install page and the admin. Refusals are checked before any release exists.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';

let srv: TestServer;
let ipa: string;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  // The test's own CI variables must not leak into the child: only the ones a case sets.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_|GITLAB|CIRCLE|BITRISE|BUILDKITE|TF_BUILD|JENKINS|CM_|OTASHIP_)/.test(k)));
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...base, ...env } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function releaseJson(id: string): Promise<{ source: unknown }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases/${id}`, { headers: srv.auth() });
  assert.equal(res.status, 200);
  return (await res.json()) as { source: unknown };
}

async function rawPublish(query: Record<string, string>): Promise<Response> {
  const url = new URL('/api/v1/releases', srv.baseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return fetch(url, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: await readFile(ipa) });
}

async function releaseCount(): Promise<number> {
  const apps = (await (await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() })).json()) as { items: { id: string }[] };
  let n = 0;
  for (const app of apps.items) {
    n += ((await (await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}/releases`, { headers: srv.auth() })).json()) as { items: unknown[] }).items.length;
  }
  return n;
}

before(async () => {
  srv = await startTestServer();
  ipa = await buildIpa({ bundleId: 'com.example.provenance', displayName: 'Provenance', version: '3.0', build: '9' });
});
after(async () => {
  await srv?.stop();
});

describe('release source', () => {
  test('publish in GitHub Actions: the API and the install page show branch and commit', async () => {
    const run = await cli(['publish', ipa, '--server', srv.baseUrl, '--token', srv.adminToken, '--json'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_REF_NAME: 'release/<3.0>',
      GITHUB_SHA: SHA,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_RUN_ID: '4242',
    });
    assert.equal(run.code, 0, run.stderr);
    const { releaseId, installPageUrl } = JSON.parse(run.stdout) as { releaseId: string; installPageUrl: string };
    assert.deepEqual((await releaseJson(releaseId)).source, {
      ci: 'github-actions',
      branch: 'release/<3.0>',
      commit: SHA,
      buildUrl: 'https://github.com/acme/app/actions/runs/4242',
    });
    const page = await (await fetch(installPageUrl)).text();
    assert.ok(page.includes('GitHub Actions · release/&lt;3.0&gt; · <code title="c0ffee0123456789abcdef0123456789abcdef01">c0ffee012345</code>'), page);
    assert.ok(!page.includes('release/<3.0>'));
    // The build log link is for the team (admin), not for every tester holding the page link.
    assert.ok(!page.includes('actions/runs/4242'));
  });

  test('--no-source, or no CI: the release has source null', async () => {
    const run = await cli(['publish', ipa, '--server', srv.baseUrl, '--token', srv.adminToken, '--json', '--no-source'], { GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await releaseJson((JSON.parse(run.stdout) as { releaseId: string }).releaseId)).source, null);
  });

  test('the resumable upload carries the source too', async () => {
    const client = new OtashipClient({ server: srv.baseUrl, token: srv.adminToken });
    const published = await client.publishResumable(ipa, { source: { ci: 'gitlab-ci', branch: 'main', commit: SHA, buildUrl: 'https://gitlab.com/acme/app/-/jobs/1' } });
    assert.deepEqual((await releaseJson(published.release.id)).source, { ci: 'gitlab-ci', branch: 'main', commit: SHA, buildUrl: 'https://gitlab.com/acme/app/-/jobs/1' });
  });

  test('the multipart form carries the source as fields', async () => {
    const form = new FormData();
    form.set('ci', 'bitrise');
    form.set('branch', 'develop');
    form.set('file', new Blob([await readFile(ipa)]), 'app.ipa');
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body: form });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { release: { id: string; source: unknown } };
    assert.deepEqual(body.release.source, { ci: 'bitrise', branch: 'develop' });
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['a javascript: build URL', { ci: 'jenkins', buildUrl: 'javascript:alert(1)' }, /buildUrl must be an absolute http\(s\) URL/],
    ['a relative build URL', { ci: 'jenkins', buildUrl: '/job/1' }, /buildUrl must be an absolute http\(s\) URL/],
    ['an over-long branch', { ci: 'jenkins', branch: 'b'.repeat(256) }, /branch is longer than 255/],
    ['an over-long build URL', { ci: 'jenkins', buildUrl: `https://ci.example.com/${'x'.repeat(2048)}` }, /buildUrl is longer than 2048/],
    ['a control character in the branch', { ci: 'jenkins', branch: 'main\u001b[31m' }, /branch contains control characters/],
    ['a commit that is not a revision', { ci: 'jenkins', commit: 'abc def' }, /commit must be a revision id/],
    ['a CI name that is not a short name', { ci: 'Jenkins <1>' }, /ci must be a short lower-case name/],
    ['fields without a CI', { branch: 'main' }, /need source ci/],
  ];
  for (const [what, query, message] of refusals) {
    test(`refused before publishing: ${what}`, async () => {
      const before = await releaseCount();
      const res = await rawPublish(query);
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'VALIDATION');
      assert.match(body.error.message, message);
      assert.equal(await releaseCount(), before);
    });
  }

  test('a bad source is refused from the headers, before the body is read (no upload wasted)', async () => {
    // This server gives up on a silent body after 1 s: were the source checked only after reading
    // the body, the answer would be that idle refusal, not the source's VALIDATION.
    const quick = await startTestServer({ settings: { uploadIdleTimeout: 1 } });
    try {
      const url = new URL('/api/v1/releases?ci=jenkins&buildUrl=javascript:alert(1)', quick.baseUrl);
      const answer = await new Promise<{ status: number; body: string }>((done, fail) => {
        const req = httpRequest(url, { method: 'POST', headers: quick.auth({ 'content-type': 'application/octet-stream', 'content-length': String(50 * 1024 * 1024) }) });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', fail);
        req.flushHeaders(); // headers only: not one byte of the announced 50 MiB is sent
      });
      assert.equal(answer.status, 400, answer.body);
      assert.match(answer.body, /buildUrl must be an absolute http\(s\) URL/);
    } finally {
      await quick.stop();
    }
  });
});
