// As upload-crash.test.ts, with S3 storage (the local s3rver): a server process killed (SIGKILL) in
// the middle of a resumable upload's PATCH keeps the parts it had stored in the bucket (one every
// SYNC_EVERY bytes). The server runs as a child process (`otaship serve`, S3 storage, SQLite); the
// test sends part of a PATCH, waits until a part of it is in the bucket, kills the server, starts it
// again, and finds exactly that offset; the client then resumes from there to a correct package.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient } from '../../src/client/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { SYNC_EVERY } from '../../src/ports/blob-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
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
    env: {
      ...base,
      OTASHIP_HOST: '127.0.0.1',
      OTASHIP_PORT: String(port),
      OTASHIP_PUBLIC_URL: url,
      OTASHIP_DATA_DIR: dataDir,
      OTASHIP_ADMIN_TOKEN: token,
      OTASHIP_STORAGE: 's3',
      OTASHIP_S3_BUCKET: s3.bucket,
      OTASHIP_S3_ENDPOINT: s3.endpoint,
      OTASHIP_S3_REGION: 'us-east-1',
      OTASHIP_S3_FORCE_PATH_STYLE: 'true',
      OTASHIP_S3_ACCESS_KEY_ID: 'S3RVER',
      OTASHIP_S3_SECRET_ACCESS_KEY: 'S3RVER',
      OTASHIP_S3_PREFIX: PREFIX,
    },
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

/** The upload's parts in the bucket (offset, size and key from their names), seen as the server sees them. */
async function partsIn(id: string): Promise<Array<{ key: string; offset: number; size: number }>> {
  const parts = [];
  for await (const key of bucket.list(`uploads/${id}/part-`)) {
    const m = /\/part-(\d{16})-(\d{16})-[a-f0-9]+$/.exec(key);
    if (m) parts.push({ key, offset: Number(m[1]), size: Number(m[2]) });
  }
  return parts.sort((a, b) => a.offset - b.offset);
}

/** The end of the upload's stored bytes, from its parts' names (0 when none). */
async function recorded(id: string): Promise<number> {
  return Math.max(0, ...(await partsIn(id)).map((p) => p.offset + p.size));
}

const PREFIX = 'crash/';
let dataDir: string;
let s3: LocalS3;
let bucket: BlobStore;
let running: Served | undefined;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-crash-s3-'));
  s3 = await startS3('otaship-crash');
  bucket = await openBlobStore(s3.config(PREFIX));
});
after(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  await s3?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a server on S3 storage killed in the middle of a PATCH', () => {
  test(`keeps the parts it had stored; the upload resumes from there (${cliCommand().fromSource ? 'from source' : 'bin/otaship'})`, { timeout: 180_000 }, async () => {
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
    // stores one part (SYNC_EVERY bytes), and cannot store another before the kill.
    const sent = SYNC_EVERY + 4 * MiB;
    const req = httpRequest(`${running.url}/api/v1/uploads/${id}`, {
      method: 'PATCH',
      headers: auth({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) }),
    });
    req.on('error', () => undefined); // the server is killed under it
    for (let at = 0; at < sent; at += MiB) await new Promise<void>((done) => req.write(bytes.subarray(at, at + MiB), () => done()));

    // The event: the server stores a part in the bucket while the PATCH is still open. Watched in
    // the bucket: a HEAD would end the PATCH, as tus asks.
    await waitFor(async () => (await recorded(id)) > 0);
    const seen = await recorded(id);
    assert.equal(seen, SYNC_EVERY, `stored ${seen} of the ${sent} bytes sent`);

    running.child.kill('SIGKILL');
    await running.exited;
    req.destroy();

    running = await serve(dataDir);
    const offset = await offsetOf(running.url, id);
    assert.equal(offset, seen, 'after the crash the upload holds what was recorded before it');
    const chunks: Buffer[] = [];
    for (const part of await partsIn(id)) for await (const c of await bucket.get(part.key)) chunks.push(c as Buffer);
    assert.ok(Buffer.concat(chunks).equals(bytes.subarray(0, offset)), "and those bytes are the file's");

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
