// Writes a command's whole output straight to file descriptor 1 or 2.
//
// Why not process.stdout.write: the first touch of process.stdout builds a stream object, and for a
// pipe (how CI captures output) that loads Node's net and stream modules, ~10 ms of a ~40 ms
// `otaship inspect --json | jq` (measured: bench/inspect, whole process). One-shot commands that
// print one block of text at the end lose nothing by writing it synchronously.
import { writeSync } from 'node:fs';

export function writeStd(fd: 1 | 2, text: string): void {
  const buf = Buffer.from(text);
  let done = 0;
  try {
    while (done < buf.length) done += writeSync(fd, buf, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // The reader went away (`otaship inspect x | head -1`): like any Unix tool, stop quietly.
    if (code === 'EPIPE') return;
    // A descriptor someone left non-blocking and full: hand the rest to Node's stream, which waits.
    if (code === 'EAGAIN') {
      (fd === 1 ? process.stdout : process.stderr).write(buf.subarray(done));
      return;
    }
    throw err;
  }
}
