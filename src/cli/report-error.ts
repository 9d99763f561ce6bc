// The CLI's one error edge: an OtashipError becomes one clear line on stderr and the exit code from
// the catalogue. A database or disk fault met by a command that opens them itself (token, storage
// gc, serve) is said as such (out of space, unavailable); anything else is a bug, reported without
// a stack trace unless OTASHIP_DEBUG is set.
import { ERRORS, isOtashipError } from '../core/errors.js';
import { infrastructureError } from '../server/infra-fault.js';
import { terminalSafe } from './terminal-text.js';

export function reportAndExit(thrown: unknown): never {
  const err = infrastructureError(thrown) ?? thrown;
  if (isOtashipError(err)) {
    process.stderr.write(`otaship: ${terminalSafe(err.toLine())}\n`);
    if (process.env.OTASHIP_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exit(err.exitCode);
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`otaship: unexpected error: ${terminalSafe(message)}. ${ERRORS.INTERNAL.hint}\n`);
  if (process.env.OTASHIP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exit(ERRORS.INTERNAL.exit);
}
