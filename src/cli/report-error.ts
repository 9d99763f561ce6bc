// The CLI's one error edge: an OtashipError becomes one clear line on stderr and the exit code from
// the catalogue. A database or disk fault met by a command that opens them itself (token, storage
// gc, serve) is said as such (out of space, unavailable); anything else is a bug, reported without
// a stack trace unless OTASHIP_DEBUG is set.
import type { Command } from 'commander';
import { ERRORS, OtashipError, isOtashipError } from '../core/errors.js';
import { infrastructureError } from '../server/infra-fault.js';
import { terminalSafe } from './terminal-text.js';

/**
 * `command`: the command that was running (e.g. "storage migrate"), so that a usage error points at
 * its own help rather than the list of commands.
 */
export function reportAndExit(thrown: unknown, command: string | null = null): never {
  const infra = infrastructureError(thrown);
  const err = forCommand(infra && infra !== thrown ? onThisMachine(infra) : (infra ?? thrown), command);
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

/**
 * A full disk met by the command itself (backup, restore, storage migrate…) is this machine's, not
 * a server's that an upload could retry on: say so.
 */
function onThisMachine(err: OtashipError): OtashipError {
  if (err.code !== 'INSUFFICIENT_STORAGE') return err;
  return new OtashipError('INSUFFICIENT_STORAGE', err.message.replace("the server's disk or storage quota", 'a disk (or storage quota) this command writes to'), {
    cause: err.cause,
    hint: 'Free space on that disk, or write somewhere else, then run the command again.',
  });
}

/** A USAGE error with the catalogue's general hint gets the running command's --help instead. */
function forCommand(err: unknown, command: string | null): unknown {
  if (!command || !isOtashipError(err) || err.code !== 'USAGE' || err.hint !== ERRORS.USAGE.hint) return err;
  return new OtashipError('USAGE', err.message, {
    cause: err.cause,
    hint: `Run \`otaship ${command} --help\` for usage.`,
    ...(err.details ? { details: { ...err.details } } : {}),
  });
}

/** Remembers which command runs (e.g. "storage migrate"), for reportAndExit's usage hint. */
export function followCommand(program: Command): () => string | null {
  let path: string | null = null;
  program.hook('preAction', (_program, actionCommand) => {
    const names: string[] = [];
    for (let c: Command | null = actionCommand; c?.parent; c = c.parent) names.push(c.name());
    path = names.reverse().join(' ');
  });
  return () => path;
}
