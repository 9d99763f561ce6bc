// The icon worker pool from the BUILT server (node bin/otaship serve → dist/), as users run it: the
// worker module is found beside the compiled pool (icon-worker.js, not the .ts the tests run), a CgBI
// icon is converted there, and the process still stops cleanly on SIGTERM. Needs `npm run build`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { assertStrictPng } from '../helpers/strict-png.js';
import { freePort } from '../helpers/free-port.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'otaship');
const ADMIN = randomBytes(24).toString('hex');

let child: ChildProcess | undefined;
let dataDir: string | undefined;
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('the built server converts a CgBI icon in its worker pool and stops cleanly', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-icon-built-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1'], {
    env: { PATH: process.env.PATH ?? '', OTASHIP_PORT: String(port), OTASHIP_DATA_DIR: dataDir, OTASHIP_ADMIN_TOKEN: ADMIN, OTASHIP_PUBLIC_URL: base },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('admin: ')) resolve(); // logged once the server listens
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  await ready;

  const path = await buildIpa({ bundleId: 'com.example.builticon', icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }] });
  const res = await fetch(`${base}/api/v1/releases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/octet-stream' },
    body: await readFile(path),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const published = (await res.json()) as { release: { id: string; hasIcon: boolean }; installPageUrl: string; warnings: string[] };
  assert.deepEqual(published.warnings, [], output);
  assert.equal(published.release.hasIcon, true);
  const token = new URL(published.installPageUrl).searchParams.get('t') ?? '';
  const icon = await fetch(`${base}/i/${published.release.id}/icon.png?t=${encodeURIComponent(token)}`);
  assert.equal(icon.status, 200);
  assertStrictPng(Buffer.from(await icon.arrayBuffer()));

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, output);
});
