// `npm run bench`: every benchmark compares otaship against a reference measured in the same run
// and prints ratios. Flags: --quick (smaller files, fewer runs), --only <inspect|server|scale|doctor>;
// for the server section --size <MiB> and --parts <ingest,s3,download,manifest,rss,mixed>.
import { runInspectBench } from './inspect/index.js';
import { runAllCleanups } from './server/cleanup.js';
import { SERVER_PARTS, runServerBench, type ServerPart } from './server/index.js';
import { runScaleBench } from './scale/index.js';
import { runDoctorBench } from './doctor/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
// Server section: --size <MiB> (package size) and --parts ingest,s3,download,manifest,rss,mixed.
const sizeIdx = args.indexOf('--size');
const sizeMiB = sizeIdx >= 0 ? Number(args[sizeIdx + 1]) : undefined;
if (sizeMiB !== undefined && !(Number.isInteger(sizeMiB) && sizeMiB > 0)) throw new Error('--size takes a whole number of MiB');
const partsIdx = args.indexOf('--parts');
const parts = partsIdx >= 0 ? new Set((args[partsIdx + 1] ?? '').split(',') as ServerPart[]) : undefined;
for (const part of parts ?? []) if (!SERVER_PARTS.includes(part)) throw new Error(`--parts: ${part} is not one of ${SERVER_PARTS.join(', ')}`);

const sections: Array<[string, () => Promise<string[]>]> = [
  ['inspect', () => runInspectBench({ quick })],
  ['server', () => runServerBench({ quick, ...(sizeMiB ? { sizeMiB } : {}), ...(parts ? { parts } : {}) })],
  ['scale', () => runScaleBench({ quick })],
  ['doctor', () => runDoctorBench({ quick })],
];

// Child servers and multi-GiB temp files must not outlive an interrupted run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void runAllCleanups().finally(() => process.exit(130));
  });
}

let failed = false;
for (const [name, fn] of sections) {
  if (only && only !== name) continue;
  try {
    console.log((await fn()).join('\n'));
    console.log('');
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exit(failed ? 1 : 0);
