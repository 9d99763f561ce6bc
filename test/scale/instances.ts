// Server instances as separate OS processes (`node bin/otaship serve`), each with its own port and
// its own empty data dir, configured only through OTASHIP_* variables — the way a deployment behind a
// load balancer runs them. Nothing is shared between them except what the environment points at
// (PostgreSQL, S3), so anything they agree on must come from there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from '../server/support/http.js';
export { freePort } from '../helpers/free-port.js';
import { freePort } from '../helpers/free-port.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Instance {
  name: string;
  url: string;
  dataDir: string;
  /** What the process printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * `bin/otaship` runs the compiled CLI in dist/. `npm test` builds right before the tests; when dist/
 * is missing or older than src/ (a test run on its own after an edit), the same CLI entry point is
 * run from source through tsx instead, so the test never exercises stale code.
 */
export function cliCommand(): { args: string[]; fromSource: boolean } {
  const compiled = join(ROOT, 'dist', 'cli', 'main.js');
  let builtAt: number;
  try {
    builtAt = statSync(compiled).mtimeMs;
  } catch {
    builtAt = 0;
  }
  if (builtAt > 0 && newestMtime(join(ROOT, 'src')) <= builtAt) {
    return { args: [join(ROOT, 'bin', 'otaship')], fromSource: false };
  }
  return { args: ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')], fromSource: true };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export interface InstanceTls {
  /** PEM files given to the server (OTASHIP_TLS_CERT / OTASHIP_TLS_KEY): one certificate for all instances. */
  certFile: string;
  keyFile: string;
  /** The CA that signed it, trusted by the test's clients. */
  ca: string;
}

export async function startInstance(name: string, env: Record<string, string>, tls: InstanceTls): Promise<Instance> {
  const dataDir = await mkdtemp(join(tmpdir(), `otaship-scale-${name}-`));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  // Only our settings: nothing from the developer's own OTASHIP_* environment leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTASHIP_')));
  const child: ChildProcess = spawn(process.execPath, [...cliCommand().args, 'serve'], {
    cwd: ROOT,
    env: {
      ...base,
      OTASHIP_HOST: '127.0.0.1',
      OTASHIP_PORT: String(port),
      OTASHIP_PUBLIC_URL: url,
      OTASHIP_DATA_DIR: dataDir,
      OTASHIP_TLS_CERT: tls.certFile,
      OTASHIP_TLS_KEY: tls.keyFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null = null;
  const exit = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? 128 : 1);
      done();
    });
  });

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  // Ready when /api/v1/health answers; a process that exits first fails with its output.
  for (let i = 0; ; i++) {
    if (exited !== null) {
      await stop();
      throw new Error(`instance ${name} exited with ${exited} before it was ready:\n${output}`);
    }
    try {
      const res = await request(`${url}/api/v1/health`, { ca: tls.ca });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 600) {
      await stop();
      throw new Error(`instance ${name} did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return { name, url, dataDir, log: () => output, stop };
}

/** Every file under a directory (any depth). */
export async function filesIn(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if ((await stat(path)).isFile()) files.push(path);
    }
  };
  await walk(dir);
  return files;
}
