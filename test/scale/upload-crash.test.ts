// A server process killed (SIGKILL) in the middle of a resumable upload's PATCH: the bytes it had
// flushed and recorded survive. The server runs as a child process (`otaship serve`, fs storage,
// SQLite); the test sends part of a PATCH and waits until the server has recorded some of it (the
// upload's offset moves while the PATCH is still open), kills it, starts it again on the same data
// folder, and finds exactly that offset; the client then resumes from there to a correct package.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient } from '../../src/client/index.js';
import { SYNC_EVERY } from '../../src/storage/fs.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';
import { cliCommand, freePort } from './instances.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1024 * 1024;
const token = `admin-${randomBytes(18).toString('base64url')}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
  log(): string;
}

/** `otaship serve` on the data folder, ready once its health endpoint answers. */
async function serve(dataDir: string): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTASHIP_')));
  const child = spawn(process.execPath, [...cliCommand().args, 'serve'], {
    cwd: ROOT,
    env: { ...base, OTASHIP_HOST: '127.0.0.1', OTASHIP_PORT: String(port), OTASHIP_PUBLIC_URL: url, OTASHIP_DATA_DIR: dataDir, OTASHIP_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  let gone = false;
  const exited = new Promise<void>((done) => child.once('exit', () => ((gone = true), done())));
  // Ready when /api/v1/health answers (polled; a process that exits first fails with its output).
  await waitFor(async () => {
    if (gone) throw new Error(`otaship serve exited before it was ready:\n${output}`);
    return fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false);
  }, 100);
  return { url, child, exited, log: () => output };
}

const auth = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra });

async function offsetOf(url: string, id: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/uploads/${id}`, { method: 'HEAD', headers: auth() });
  assert.equal(res.status, 200);
  return Number(res.headers.get('upload-offset'));
}

/** The end of the upload's recorded bytes, from its marker parts' names (0 when none). */
async function recorded(id: string): Promise<number> {
  const names = await readdir(join(dataDir, 'blobs', 'uploads', id)).catch(() => [] as string[]);
  return Math.max(0, ...names.map((n) => /^part-(\d{16})-(\d{16})-/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]) + Number(m[2])));
}

let dataDir: string;
let running: Served | undefined;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-crash-'));
});
after(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a server killed in the middle of a PATCH', () => {
  test(`keeps what it had recorded; the upload resumes from there (${cliCommand().fromSource ? 'from source' : 'bin/otaship'})`, { timeout: 180_000 }, async () => {
    const path = await buildIpa({
      bundleId: 'com.example.crash',
      extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(20 * MiB), compress: false }],
    });
    const bytes = await readFile(path);
    running = await serve(dataDir);
    const created = await fetch(`${running.url}/api/v1/uploads`, { method: 'POST', headers: auth({ 'upload-length': String(bytes.length) }) });
    assert.equal(created.status, 201);
    const id = created.headers.get('location')!.split('/').pop()!;

    // One PATCH for the whole file, of which only the first SYNC_EVERY + 4 MiB are sent: the server
    // records its progress once (at SYNC_EVERY or a little more), and cannot again before the kill.
    const sent = SYNC_EVERY + 4 * MiB;
    const req = httpRequest(`${running.url}/api/v1/uploads/${id}`, {
      method: 'PATCH',
      headers: auth({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) }),
    });
    req.on('error', () => undefined); // the server is killed under it
    for (let at = 0; at < sent; at += MiB) await new Promise<void>((done) => req.write(bytes.subarray(at, at + MiB), () => done()));

    // The event: the server records the bytes on disk while the PATCH is still open (a marker part
    // named for its offset and size). Watched on disk: a HEAD would end the PATCH, as tus asks.
    await waitFor(async () => (await recorded(id)) > 0);
    const seen = await recorded(id);
    assert.ok(seen >= SYNC_EVERY && seen <= sent, `recorded ${seen} of the ${sent} bytes sent`);

    running.child.kill('SIGKILL');
    await running.exited;
    req.destroy();

    running = await serve(dataDir);
    const offset = await offsetOf(running.url, id);
    assert.equal(offset, seen, 'after the crash the upload holds what was recorded before it');
    const handle = await open(join(dataDir, 'blobs', 'uploads', id, 'data'), 'r');
    try {
      const head = Buffer.alloc(offset);
      await handle.read(head, 0, offset, 0);
      assert.ok(head.equals(bytes.subarray(0, offset)), 'and those bytes are the file\'s');
    } finally {
      await handle.close();
    }

    // The client resumes there. The killed process's write lease lapses on its own; until then the
    // new PATCH waits (or is told 423 and retried by the client).
    let resumedAt = -1;
    const res = await new OtashipClient({ server: running.url, token }).publishResumable(path, {
      uploadId: id,
      chunkSize: 8 * MiB,
      onStart: (at) => {
        resumedAt = at;
      },
    });
    assert.equal(resumedAt, seen);
    assert.equal((res.release as { sha256?: string }).sha256, sha256(bytes));
    const download = await fetch(res.downloadUrl);
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(bytes));
  });
});
