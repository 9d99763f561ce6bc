// CLI entry. Each command lives in src/cli/commands/<name>.ts and registers itself; command modules
// import heavy code (zip, crypto, server) lazily inside their actions so `otaship --help` and
// `otaship link` start fast.
import { Command, CommanderError } from 'commander';
import { reportAndExit } from './report-error.js';
import { register as registerLink } from './commands/link.js';
import { register as registerLint } from './commands/lint.js';
import { register as registerManifest } from './commands/manifest.js';
import { register as registerInspect } from './commands/inspect.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerPublish } from './commands/publish.js';
import { register as registerToken } from './commands/token.js';
import { register as registerStorage } from './commands/storage.js';
import { register as registerBackup } from './commands/backup.js';
import { register as registerDoctor } from './commands/doctor.js';
import { VERSION } from '../version.js';

const program = new Command();
program
  .name('otaship')
  .description('Over-the-air distribution for iOS and Android builds')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

for (const register of [
  registerLink,
  registerLint,
  registerManifest,
  registerInspect,
  registerServe,
  registerPublish,
  registerToken,
  registerStorage,
  registerBackup,
  registerDoctor,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  reportAndExit(err);
}
