// The commander program with every command registered, built without parsing anything: main.ts runs
// it, and scripts/gen-cli-docs.ts reads its help to write the CLI reference (docs/reference/cli.md).
import { Command } from 'commander';
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

export function buildProgram(): Command {
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
  return program;
}
