// The scenario both crash tests run (fs storage in upload-crash.test.ts, S3 in
// upload-crash-s3.test.ts): `otaship serve` as a child process receives one PATCH for a whole
// package of which only SYNC_EVERY + 4 MiB are sent; once the server has stored some of it (seen in
// storage: a HEAD would end the PATCH, as tus asks) it is killed with SIGKILL, started again on the
// same data, and must report exactly what it had stored; the client then resumes from there to a
// package whose SHA-256 is the file's.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OtashipClient } from '../../src/client/index.js';
import { SYNC_EVERY } from '../../src/ports/blob-store.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';
import { cliCommand, freePort } from './instances.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1024 * 1024;
const token = `admin-${randomBytes(18).toString('base64url')}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const auth = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra });

export interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** `otaship serve` on the data folder with these settings, ready once its health endpoint answers. */
async function serve(dataDir: string, env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTASHIP_')));
  const child = spawn(process.execPath, [...cliCommand().args, 'serve'], {
    cwd: ROOT,
    env: { ...base, OTASHIP_HOST: '127.0.0.1', OTASHIP_PORT: String(port), OTASHIP_PUBLIC_URL: url, OTASHIP_DATA_DIR: dataDir, OTASHIP_ADMIN_TOKEN: token, ...env },
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
  return { url, child, exited };
}

export interface CrashScenario {
  dataDir: string;
  /** Extra settings (storage). */
  env: Record<string, string>;
  /** The end of the upload's stored bytes, read from storage (0 when none). */
  stored(id: string): Promise<number>;
  /** Checks the bytes stored before the crash, [0, offset), against the file's. */
  checkStoredBytes(id: string, offset: number, file: Buffer): Promise<void>;
  /** What may have been stored when the kill came: an exact size or a range. */
  expectStored(seen: number, sent: number): void;
}

/** Runs the scenario; the running server is handed to `track` so the caller can stop it at the end. */
export async function crashMidPatch(s: CrashScenario, track: (served: Served) => void): Promise<void> {
  const path = await buildIpa({
    bundleId: 'com.example.crash',
    extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(20 * MiB), compress: false }],
  });
  const bytes = await readFile(path);
  let running = await serve(s.dataDir, s.env);
  track(running);
  const created = await fetch(`${running.url}/api/v1/uploads`, { method: 'POST', headers: auth({ 'upload-length': String(bytes.length) }) });
  assert.equal(created.status, 201);
  const id = created.headers.get('location')!.split('/').pop()!;

  // One PATCH for the whole file, of which only the first SYNC_EVERY + 4 MiB are sent: the server
  // stores its progress once, and cannot again before the kill.
  const sent = SYNC_EVERY + 4 * MiB;
  const req = httpRequest(`${running.url}/api/v1/uploads/${id}`, {
    method: 'PATCH',
    headers: auth({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) }),
  });
  req.on('error', () => undefined); // the server is killed under it
  for (let at = 0; at < sent; at += MiB) await new Promise<void>((done) => req.write(bytes.subarray(at, at + MiB), () => done()));

  await waitFor(async () => (await s.stored(id)) > 0);
  const seen = await s.stored(id);
  s.expectStored(seen, sent);

  running.child.kill('SIGKILL');
  await running.exited;
  req.destroy();

  running = await serve(s.dataDir, s.env);
  track(running);
  const head = await fetch(`${running.url}/api/v1/uploads/${id}`, { method: 'HEAD', headers: auth() });
  assert.equal(head.status, 200);
  const offset = Number(head.headers.get('upload-offset'));
  assert.equal(offset, seen, 'after the crash the upload holds what was stored before it');
  await s.checkStoredBytes(id, offset, bytes);

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
}
