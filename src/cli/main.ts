// CLI entry. Each command lives in src/cli/commands/<name>.ts and registers itself (program.ts);
// command modules import heavy code (zip, crypto, server) lazily inside their actions so
// `otaship --help` and `otaship link` start fast.
import { CommanderError } from 'commander';
import { followCommand, reportAndExit } from './report-error.js';
import { buildProgram } from './program.js';

const program = buildProgram();
const running = followCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  reportAndExit(err, running());
}
