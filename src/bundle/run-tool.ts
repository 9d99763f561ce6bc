// Runs one of the bundle tools (java, keytool) as a child process: asynchronously, so the event loop
// keeps serving while bundletool works, with stderr kept (bounded) for the error message, and
// killed when the caller's signal aborts. No shell: arguments are passed as they are.
import { spawn } from 'node:child_process';
import { OtashipError } from '../core/errors.js';

export interface ToolRun {
  /** Names the tool in messages, e.g. "bundletool". */
  label: string;
  command: string;
  args: string[];
  signal?: AbortSignal;
  /** What to say when the command is not installed at all. */
  missing: string;
}

/** The tool's stdout and stderr (each at most ~64 KiB); rejects with `onFail(stderr)` on a non-zero exit. */
export function runTool(run: ToolRun, onFail: (output: string) => OtashipError): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, { stdio: ['ignore', 'pipe', 'pipe'], ...(run.signal ? { signal: run.signal } : {}) });
    let output = '';
    const keep = (d: string): void => {
      if (output.length < 64 * 1024) output += d;
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(new OtashipError('UNAVAILABLE', `${run.label} was stopped before it finished`, { cause: err }));
      else if (err.code === 'ENOENT') reject(new OtashipError('AAB_NOT_SUPPORTED', run.missing, { cause: err }));
      else reject(new OtashipError('UNAVAILABLE', `cannot run ${run.label}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(onFail(output));
    });
  });
}

/**
 * The tool's reason, without the Java stack: bundletool's line starting "[BT:<version>] Error:", else
 * the last line of output (keytool's), cut at `max` characters.
 */
export function toolMessage(output: string, max = 500): string {
  const lines = output.split('\n').map((l) => l.trim());
  const bt = lines.find((l) => /^\[BT:[^\]]*\] Error:/.test(l));
  const line = bt?.replace(/^\[BT:[^\]]*\] Error:\s*/, '') ?? lines.filter((l) => l && !l.startsWith('at ')).slice(-1)[0] ?? 'no message';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
