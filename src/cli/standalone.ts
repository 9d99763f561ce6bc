// Entry of the self-contained CLI (dist/cli/otaship.mjs, see scripts/bundle-cli.mjs): the client-side
// commands only, so the file runs on any Node 22+ with no `npm install`. Serving, tokens and storage
// need the server's native dependencies (better-sqlite3, sharp) and stay in the full package.
import { Command, CommanderError } from 'commander';
import { followCommand, reportAndExit } from './report-error.js';
import { register as registerLink } from './commands/link.js';
import { register as registerLint } from './commands/lint.js';
import { register as registerManifest } from './commands/manifest.js';
import { register as registerInspect } from './commands/inspect.js';
import { register as registerPublish } from './commands/publish.js';
import { VERSION } from '../version.js';

const program = new Command();
program
  .name('otaship')
  .description('Over-the-air distribution for iOS and Android builds (standalone CLI: publish, inspect, lint, link, manifest)')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

const running = followCommand(program);
for (const register of [registerLink, registerLint, registerManifest, registerInspect, registerPublish]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  reportAndExit(err, running());
}
