// Small statistics and process-measurement helpers shared by the benchmarks.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface ProcessRun {
  ms: number;
  /** Peak resident set size of the child in MiB (GNU time), or NaN when /usr/bin/time is missing. */
  peakRssMiB: number;
  /**
   * CPU time (user + system) of the child in ms (GNU time, 10 ms resolution), or NaN. Unlike wall
   * time it barely moves when other processes compete for the cores.
   */
  cpuMs: number;
  code: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to completion, measuring wall time and (via GNU time) the child's peak RSS. */
export function runMeasured(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? ['-f', '__PEAK_RSS_KB=%M __CPU_S=%U+%S', cmd, ...args] : args;
  const bin = useTime ? GNU_TIME : cmd;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(bin, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const m = /__PEAK_RSS_KB=(\d+) __CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      stderr = stderr.replace(/__PEAK_RSS_KB=\d+ __CPU_S=[\d.+]+\n?/, '');
      const cpuMs = m ? (Number(m[2]) + Number(m[3])) * 1000 : Number.NaN;
      resolve({ ms, peakRssMiB: m ? Number(m[1]) / 1024 : Number.NaN, cpuMs, code: code ?? -1, stdout, stderr });
    });
  });
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function fmtRatio(ours: number, theirs: number, higherIsBetter = false): string {
  const r = higherIsBetter ? ours / theirs : theirs / ours;
  return `${r.toFixed(2)}x`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}
