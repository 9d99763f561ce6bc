// Single large downloads are timed with curl, a C client, so that the client is not what is measured
// (a Node client tops out well below what nginx can send over loopback).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Downloads with curl (a C client, so the client is not what is measured); returns ms. */
export async function curlDownload(url: string, expected: number, maxSeconds = 600): Promise<number> {
  const { stdout } = await run('curl', ['-sS', '--max-time', String(maxSeconds), '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', url]);
  const [status, bytes, seconds] = stdout.trim().split(' ');
  if (status !== '200' || Number(bytes) !== expected) {
    throw new Error(`curl ${new URL(url).pathname}: HTTP ${status}, ${bytes} of ${expected} bytes`);
  }
  return Number(seconds) * 1000;
}
