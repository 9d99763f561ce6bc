// An otaship server as a child process (`node bin/otaship serve`, the way users run it), configured only
// through OTASHIP_* variables, on loopback at a free port. Two public URLs, because the server builds
// every link from it: for serving, https (as behind a TLS-terminating proxy) so the iOS install
// surface is enabled — `local()` maps those links back to the loopback address; for ingest, its own
// loopback http URL, because the resumable-upload client follows the upload URL the server hands out.
// Instances on the same data dir/database share releases and the signing secret, so a bench ingests
// through one and serves through the next.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OTASHIP_BIN = join(ROOT, 'bin', 'otaship');
export const PUBLIC_URL = 'https://ota.bench.invalid';

export interface OtashipProcess {
  url: string;
  pid: number;
  /** Points a link (built from any instance's public URL) at this instance's loopback address. */
  local(link: string): string;
  /** Peak resident set (VmHWM) of the server process, MiB. */
  peakRssMiB(): number;
  /** Current resident set (VmRSS), MiB. */
  rssMiB(): number;
  /** CPU time (user + system) the server process has used so far, ms. */
  cpuMs(): number;
  /** Resets VmHWM to the current RSS (Linux clear_refs "5"); false when the kernel refuses. */
  resetPeakRss(): boolean;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** utime + stime of a process from /proc/<pid>/stat, in ms. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may itself contain spaces); utime, stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Reads one `Vm*` line of /proc/<pid>/status, in MiB. */
export function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export async function startOtaship(env: Record<string, string>, publicUrl: 'https' | 'loopback' = 'https'): Promise<OtashipProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Only our settings: nothing from the developer's own OTASHIP_* environment leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTASHIP_')));
  // BENCH_SERVER_NODE_ARGS passes flags to the servers' Node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, OTASHIP_BIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...base,
      OTASHIP_HOST: '127.0.0.1',
      OTASHIP_PORT: String(port),
      OTASHIP_PUBLIC_URL: publicUrl === 'https' ? PUBLIC_URL : url,
      OTASHIP_MAX_UPLOAD_BYTES: '16GiB',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`otaship serve exited with ${child.exitCode}: ${stderr.trim()}`);
      if (i > 600) throw new Error(`otaship serve did not answer /api/v1/health within 60 s: ${stderr.trim()}`);
      try {
        if ((await fetch(`${url}/api/v1/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    local: (link) => {
      const u = new URL(link);
      return `${url}${u.pathname}${u.search}`;
    },
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    rssMiB: () => procStatusMiB(pid, 'VmRSS'),
    cpuMs: () => procCpuMs(pid),
    resetPeakRss() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    stop,
  };
}

export interface Published {
  releaseId: string;
  installPageUrl: string;
  manifestUrl: string;
  downloadUrl: string;
}

/** Bound on one `otaship publish` run: a stuck upload fails the section instead of hanging the bench. */
export const PUBLISH_TIMEOUT_SECONDS = 900;

/**
 * Command and arguments for `otaship publish --json` (resumable by default, `resume: false` for one
 * raw request), run under coreutils `timeout`.
 */
export function publishCommand(file: string, server: OtashipProcess, token: string, resume = true): [string, string[]] {
  return [
    'timeout',
    [String(PUBLISH_TIMEOUT_SECONDS), process.execPath, OTASHIP_BIN, 'publish', file, '--server', server.url, '--token', token, '--json', ...(resume ? [] : ['--no-resume'])],
  ];
}
