// Bad startup settings stop `otaship serve` with ONE line naming the setting and what to do, exit 2
// (CONFIG) — not "unexpected error … a bug in otaship" (exit 3), and never a hang. The built CLI, as a
// user runs it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa } from '../../src/tls/certificates.js';
import { testSigner } from '../helpers/synthetic-profile.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'otaship');

/** Runs `otaship serve`; a server that starts (or hangs) instead of failing is killed, and fails the test. */
function serve(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', OTASHIP_HOST: '127.0.0.1', OTASHIP_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A hang must fail the test, not outlive it.
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('otaship listening')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function assertConfigLine(result: { code: number | null; stderr: string }, mentions: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^otaship: /);
  assert.doesNotMatch(lines[0]!, /unexpected error|bug in otaship/);
  assert.match(lines[0]!, mentions);
  assert.equal(result.code, 2, result.stderr);
}

describe('otaship serve: bad startup settings', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'otaship-startup-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    busyPort = typeof address === 'object' && address ? address.port : 0;
  });
  after(async () => {
    busy.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('TLS files that are not PEM', { timeout: 60_000 }, async () => {
    await writeFile(join(dir, 'junk.pem'), 'not a certificate\n');
    const r = await serve({ OTASHIP_DATA_DIR: join(dir, 'd'), OTASHIP_TLS_CERT: join(dir, 'junk.pem'), OTASHIP_TLS_KEY: join(dir, 'junk.pem') });
    assertConfigLine(r, /OTASHIP_TLS_CERT .*not a PEM certificate/);
  });

  test('a certificate with the wrong key', { timeout: 60_000 }, async () => {
    const now = new Date();
    // The subject is named decoded: a comma, a plus, quotes and non-ASCII, not `A\, Ltd \+ …`.
    const a = await testSigner(new Date(now.getTime() + 86400_000), 'A, Ltd + "Q" 帅');
    const b = await createCa({ commonName: 'B', organization: 'test', now });
    await writeFile(join(dir, 'a.crt'), new X509Certificate(Buffer.from(a.certDer)).toString());
    await writeFile(join(dir, 'b.key'), b.keyPem);
    const r = await serve({ OTASHIP_DATA_DIR: join(dir, 'd'), OTASHIP_TLS_CERT: join(dir, 'a.crt'), OTASHIP_TLS_KEY: join(dir, 'b.key') });
    assertConfigLine(r, /OTASHIP_TLS_KEY .*does not belong to the certificate .*\(CN=A, Ltd \+ "Q" 帅, O=Example Inc, C=US\)/);
  });

  test('a port already in use', { timeout: 60_000 }, async () => {
    const r = await serve({ OTASHIP_DATA_DIR: join(dir, 'd'), OTASHIP_PORT: String(busyPort) });
    assertConfigLine(r, new RegExp(`port ${busyPort} is already in use.*OTASHIP_PORT`));
  });

  test('a host name that does not resolve', { timeout: 60_000 }, async () => {
    const r = await serve({ OTASHIP_DATA_DIR: join(dir, 'd'), OTASHIP_HOST: 'not..a..host' });
    assertConfigLine(r, /OTASHIP_HOST not\.\.a\.\.host cannot be resolved/);
  });

  test('a data directory that is a file', { timeout: 60_000 }, async () => {
    await writeFile(join(dir, 'afile'), '');
    const r = await serve({ OTASHIP_DATA_DIR: join(dir, 'afile') });
    assertConfigLine(r, /OTASHIP_DATA_DIR.*is a file, not a directory/);
  });

  test('a data directory that cannot be created (/proc/nope) fails at once, not hangs', { timeout: 60_000 }, async () => {
    const r = await serve({ OTASHIP_DATA_DIR: '/proc/nope' });
    assertConfigLine(r, /OTASHIP_DATA_DIR.*\/proc\/nope cannot be created/);
  });
});
