// `npm run bench`: every benchmark compares otaship against a reference measured in the same run
// and prints ratios. Flags: --quick (smaller files, fewer runs), --only <inspect|server|scale>.
import { runInspectBench } from './inspect/index.js';
import { runAllCleanups } from './server/cleanup.js';
import { runServerBench } from './server/index.js';
import { runScaleBench } from './scale/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

const sections: Array<[string, () => Promise<string[]>]> = [
  ['inspect', () => runInspectBench({ quick })],
  ['server', () => runServerBench({ quick })],
  ['scale', () => runScaleBench({ quick })],
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
