// Entry of the GitHub Action bundle (action/index.mjs): the runner starts it with `node` and its
// INPUT_*/GITHUB_* environment.
import { runAction } from './run.js';

process.exitCode = await runAction({ env: process.env, log: (line) => process.stdout.write(`${line}\n`) });
