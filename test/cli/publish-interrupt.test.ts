// Ctrl-C on `otaship publish` during a resumable upload prints one line saying where the upload
// stopped and that the same command resumes it; running it again does. The upload is held mid-way
// by a relay between the CLI and the server that stops passing bytes, so the interrupt always
// lands mid-upload, whatever the machine's speed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ResumeState, defaultResumeStatePath, resumeFingerprint } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** A TCP relay to the server that passes at most `budget` bytes upstream while `hold` is on. */
interface Relay {
  url: string;
  forwarded: number;
  hold: boolean;
  close(): Promise<void>;
}

async function relay(target: URL, budget: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const state = { forwarded: 0, hold: true };
  const waiting: (() => void)[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      const pass = () => {
        state.forwarded += chunk.length;
        upstream.write(chunk);
      };
      if (!state.hold || state.forwarded + chunk.length <= budget) return pass();
      client.pause();
      waiting.push(() => {
        pass();
        client.resume();
      });
    });
    for (const s of [client, upstream]) s.on('error', () => undefined).on('close', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get forwarded() {
      return state.forwarded;
    },
    get hold() {
      return state.hold;
    },
    set hold(v: boolean) {
      state.hold = v;
      if (!v) for (const go of waiting.splice(0)) go();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let srv: TestServer;
let dir: string;
before(async () => {
  srv = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'otaship-publish-interrupt-'));
});
after(async () => {
  await srv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function publish(path: string, server: string, cache: string) {
  const base = { ...process.env };
  delete base.OTASHIP_TOKEN;
  delete base.OTASHIP_SERVER;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'publish', path, '--server', server, '--token', srv.adminToken, '--json'], {
    cwd: ROOT,
    env: { ...base, XDG_CACHE_HOME: cache },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) =>
    child.on('close', (code) => r({ code, stdout, stderr })),
  );
  return { child, done };
}

test('Ctrl-C mid-upload says where it stopped and how to resume; the same command resumes', { timeout: 120_000 }, async () => {
  const path = await buildIpa({
    bundleId: 'com.example.interrupt',
    extraEntries: [{ name: 'Payload/Example.app/payload.bin', data: randomBytes(12 * 1024 * 1024), compress: false }],
  });
  const cache = join(dir, 'cache');
  const proxy = await relay(new URL(srv.baseUrl), 3 * 1024 * 1024);
  try {
    const first = publish(path, proxy.url, cache);
    // Wait until the upload exists (its resume entry is saved) and the relay holds it mid-way.
    const st = await stat(path);
    const state = new ResumeState(defaultResumeStatePath({ XDG_CACHE_HOME: cache }));
    const fingerprint = resumeFingerprint(new URL(`${proxy.url}/`).href, { path, size: st.size, mtimeMs: st.mtimeMs });
    for (let i = 0; i < 600 && !((await state.get(fingerprint)) && proxy.forwarded > 2 * 1024 * 1024); i++) await sleep(50);
    assert.ok(await state.get(fingerprint), 'the upload was created');
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    const lines = interrupted.stderr.trim().split('\n');
    assert.match(lines.at(-1)!, /^Upload interrupted at [\d.]+ [KM]iB of [\d.]+ MiB \(\d+%\): run the same command again to resume it\.$/);

    proxy.hold = false;
    const again = await publish(path, proxy.url, cache).done;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Resuming the upload at \d+%/);
    assert.ok((JSON.parse(again.stdout) as { releaseId?: string }).releaseId);
  } finally {
    await proxy.close();
  }
});
