// runLoad() in a process of its own: `node --import tsx bench/lib/load-child.ts '<LoadOptions JSON>'`
// prints the LoadResult as JSON. The benchmark's main process holds the results of earlier phases
// (hashes, downloads, timings); its garbage collector pausing mid-measurement would add its pauses
// to the latencies of whichever server is being measured. A fresh client measures every target alike.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';

const SELF = fileURLToPath(import.meta.url);

export function runLoadInChild(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(opts)], { maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load client failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

if (process.argv[1] === SELF) {
  const result = await runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
