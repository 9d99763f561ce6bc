// `otaship inspect` without commander: the launcher (bin/otaship) comes here when the first word is
// `inspect`. CI pipelines run inspect once per build, so its whole-process time is mostly Node's own
// start-up plus whatever the CLI loads; commander and the seven other commands' modules were a third
// of that. node:util's parseArgs handles the three options; anything it does not accept (--help, an
// unknown option, a missing or extra file argument) goes to the full CLI, which prints the usual help
// or usage error, so both paths answer alike.
import { parseArgs } from 'node:util';
import { reportAndExit } from './report-error.js';
import { runInspect } from './commands/inspect.js';
import { useBlockingFileReads } from '../core/fs/read-only-file.js';

function parse(args: string[]): { file: string; options: { json?: boolean; icon?: string; at?: string } } | null {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, icon: { type: 'string' }, at: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) return null;
    return { file: positionals[0]!, options: values };
  } catch {
    return null;
  }
}

// No top-level await: the build also bundles this file, with everything it imports, into one
// CommonJS file (scripts/bundle-inspect.mjs), and CommonJS has none. What this does not parse is
// left to the launcher, which then loads the full CLI: a dynamic import() from here would not work
// in the code-cached script the launcher runs (bin/code-cache.js).
const parsed = parse(process.argv.slice(3));
if (parsed) {
  useBlockingFileReads();
  runInspect(parsed.file, parsed.options).catch((err: unknown) => reportAndExit(err, 'inspect'));
}

/** False when the arguments are left to the full CLI. */
export const handled = parsed !== null;
