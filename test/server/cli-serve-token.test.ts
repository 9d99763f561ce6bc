// `otaship serve` and `otaship token` as a user runs them: the built CLI (node bin/otaship, built by
// `npm test` before the tests), a real server process, real signals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/free-port.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'otaship');
const ADMIN = 'cli-test-admin-token-7f3a9c2e51d8b604';

function cli(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-cli-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('otaship serve', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  test('starts from OTASHIP_* settings, warns about http, answers, and stops on SIGTERM', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1'], {
      env: { PATH: process.env.PATH ?? '', OTASHIP_PORT: String(port), OTASHIP_DATA_DIR: dataDir, OTASHIP_ADMIN_TOKEN: ADMIN, OTASHIP_PUBLIC_URL: base },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let health: Response | undefined;
    for (let i = 0; i < 300 && !health; i++) {
      try {
        health = await fetch(`${base}/api/v1/health`);
      } catch {
        await sleep(100);
      }
    }
    assert.ok(health, `server did not come up:\n${output}`);
    assert.equal(health.status, 200);
    for (let i = 0; i < 100 && !/iOS refuses/.test(output); i++) await sleep(50); // stdout may trail the socket
    assert.match(output, /iOS refuses to install apps over plain http/);

    const created = cli(['token', 'create', '--name', 'remote-ci', '--server', base, '--token', ADMIN, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const token = JSON.parse(created.stdout) as { id: string; token: string };
    assert.match(token.token, /^ota_/);
    const apps = await fetch(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${token.token}` } });
    assert.equal(apps.status, 200);

    const listed = cli(['token', 'list', '--server', base, '--token', ADMIN]);
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(`${token.id}\\s+remote-ci`));
    assert.ok(!listed.stdout.includes(token.token));

    const wrong = cli(['token', 'list', '--server', base, '--token', 'ota_wrong']);
    assert.equal(wrong.code, 3);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);

    assert.equal(cli(['token', 'revoke', token.id, '--server', base, '--token', ADMIN]).code, 0);
    assert.equal((await fetch(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${token.token}` } })).status, 401);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  test('invalid settings stop it at start with one line naming the setting (exit 2)', () => {
    const bad = cli(['serve'], { OTASHIP_PORT: 'eighty', OTASHIP_DATA_DIR: dataDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /OTASHIP_PORT/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    const ttl = cli(['serve'], { OTASHIP_LINK_TTL: 'forever', OTASHIP_DATA_DIR: dataDir });
    assert.equal(ttl.code, 2);
    assert.match(ttl.stderr, /OTASHIP_LINK_TTL/);
  });

  test('a config file is read, and its unknown keys are refused by name', async () => {
    const file = join(dataDir, 'bad.json');
    await writeFile(file, JSON.stringify({ port: 1, publicURL: 'https://x' }));
    const res = cli(['serve', '--config', file]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /publicURL/);
  });
});

describe('otaship token (local data dir)', () => {
  test('create, list, revoke against the data directory', () => {
    const dir = join(dataDir, 'local');
    const created = cli(['token', 'create', '--name', 'local-ci', '--data-dir', dir, '--expires-in-days', '30', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const t = JSON.parse(created.stdout) as { id: string; token: string; expiresAt: string };
    assert.ok(t.expiresAt);
    const list = cli(['token', 'list', '--data-dir', dir, '--json']);
    assert.equal(list.code, 0);
    assert.deepEqual((JSON.parse(list.stdout) as { id: string }[]).map((x) => x.id), [t.id]);
    assert.equal(cli(['token', 'revoke', t.id, '--data-dir', dir]).code, 0);
    const after = JSON.parse(cli(['token', 'list', '--data-dir', dir, '--json']).stdout) as { revokedAt: string | null }[];
    assert.ok(after[0]?.revokedAt);
    const unknown = cli(['token', 'revoke', '01m85xe9tjnesg94nw3syqh9yx', '--data-dir', dir]);
    assert.equal(unknown.code, 3);
    const limitedToMissingApp = cli(['token', 'create', '--name', 'x', '--app', '01m85xe9tjnesg94nw3syqh9yx', '--data-dir', dir]);
    assert.notEqual(limitedToMissingApp.code, 0);
  });
});
