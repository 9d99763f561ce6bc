// The GitHub Action (action.yml → action/index.mjs), run the way a runner runs it: `node` on the
// committed bundle with INPUT_* variables and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, against a
// REAL server (socket, SQLite, fs blobs).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTION_BUNDLE, bundleAction } from '../../scripts/bundle-action.mjs';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHA = '0123456789abcdef0123456789abcdef01234567';

let srv: TestServer;
let dir: string;
let ipa: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** The runner's multi-line output format: name<<DELIM \n value \n DELIM. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    assert.ok(end > i, `delimiter of ${m[1]} closes`);
    out[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<Run> {
  const work = await mkdtemp(join(dir, 'run-'));
  const outputFile = join(work, 'output');
  const summaryFile = join(work, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: work,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, [ACTION_BUNDLE], { cwd: work, env }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
  return { ...result, outputs: parseOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-action-'));
  srv = await startTestServer();
  ipa = await buildIpa({ bundleId: 'com.example.action', displayName: 'Action Demo', version: '1.4', build: '21', out: join(dir, 'Action.ipa') });
});
after(async () => {
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('GitHub Action', () => {
  test('action/index.mjs is the bundle of the current sources (run `node scripts/bundle-action.mjs`)', async () => {
    assert.equal(await readFile(ACTION_BUNDLE, 'utf8'), await bundleAction());
  });

  test('action.yml: node24 runtime on the committed bundle, the documented inputs and outputs', async () => {
    const yml = await readFile(join(ROOT, 'action.yml'), 'utf8');
    assert.match(yml, /\nruns:\n {2}using: node24\n {2}main: action\/index\.mjs\n/);
    for (const name of ['server', 'token', 'file', 'notes', 'force']) assert.match(yml, new RegExp(`\\n {2}${name}:\\n {4}description:`), name);
    for (const name of ['release-id', 'install-page-url', 'install-link']) assert.match(yml, new RegExp(`\\n {2}${name}:\\n {4}description:`), name);
  });

  test('publishes with the runner environment: outputs, job summary with QR code, provenance, notes', async () => {
    const run = await runAction(
      { server: srv.baseUrl, token: srv.adminToken, file: ipa, notes: 'Built by **CI**', force: 'false' },
      { GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '99' },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(run.stdout.includes(`::add-mask::${srv.adminToken}\n`), 'the token is masked in the log');
    const { outputs } = run;
    assert.match(outputs['release-id']!, /^\S+$/);
    assert.ok(outputs['install-page-url']!.startsWith(srv.publicUrl));
    assert.ok(outputs['install-link']!.startsWith('itms-services://?action=download-manifest&url='));

    const release = (await (await fetch(`${srv.baseUrl}/api/v1/releases/${outputs['release-id']}`, { headers: srv.auth() })).json()) as {
      notes: string;
      source: unknown;
    };
    assert.equal(release.notes, 'Built by **CI**');
    assert.deepEqual(release.source, { ci: 'github-actions', branch: 'main', commit: SHA, buildUrl: 'https://github.com/acme/app/actions/runs/99' });
    assert.equal((await fetch(outputs['install-page-url']!)).status, 200);

    assert.ok(run.summary.includes(`<a href="${outputs['install-page-url']!.replace(/&/g, '&amp;')}">`), run.summary);
    const qr = /<pre>([\s\S]*)<\/pre>/.exec(run.summary)?.[1] ?? '';
    assert.ok(qr.split('\n').length > 20 && /[█▀▄]/.test(qr), 'a QR code drawn in block characters');
  });

  test('a missing input or a refused token: exit 1 with one ::error:: line, no outputs', async () => {
    const missing = await runAction({ server: srv.baseUrl, file: ipa });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^::error title=otaship publish failed::The action input "token" is required/m);
    assert.deepEqual(missing.outputs, {});

    const refused = await runAction({ server: srv.baseUrl, token: 'ota_nope_nope', file: ipa });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^::error title=otaship publish failed::.*token/im);
    assert.deepEqual(refused.outputs, {});
    assert.equal(refused.summary, '');

    const badFlag = await runAction({ server: srv.baseUrl, token: srv.adminToken, file: ipa, force: 'yes' });
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stdout, /input "force" must be true or false/);
  });

  test('the app name from the package cannot add markup or links to the job summary', async () => {
    const hostile = await buildIpa({ bundleId: 'com.example.hostile', displayName: '<img src=x onerror=alert(1)> [click](https://evil.example)', out: join(dir, 'Hostile.ipa') });
    const run = await runAction({ server: srv.baseUrl, token: srv.adminToken, file: hostile });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const heading = run.summary.split('\n')[0]!;
    assert.ok(!heading.includes('<img') && !heading.includes('[click]('), heading);
    assert.ok(heading.includes('&#60;img src=x onerror=alert&#40;1&#41;&#62;'), heading);
  });
});
