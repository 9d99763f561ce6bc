// How background work (pollers: webhook delivery, App Bundle conversion; install counts) reports
// failures. A database or storage outage makes every poll fail the same way, every few seconds: that
// is one warning line a minute per kind of work, without a stack trace (the outage is not a bug, and
// readiness names it); anything else is logged whole, every time.
import type { FastifyBaseLogger } from 'fastify';
import { infrastructureError } from './infra-fault.js';

/** Outage lines of one kind of work are repeated at most this often. */
const OUTAGE_REPEAT_MS = 60_000;

export function backgroundErrorLogger(
  log: () => FastifyBaseLogger | undefined,
  what: string,
  level: 'warn' | 'error' = 'warn',
  now: () => number = Date.now,
): (err: unknown) => void {
  let lastOutageLine = Number.NEGATIVE_INFINITY;
  return (err) => {
    const infra = infrastructureError(err);
    if (!infra) {
      log()?.[level]({ err }, what);
      return;
    }
    if (now() - lastOutageLine < OUTAGE_REPEAT_MS) return;
    lastOutageLine = now();
    log()?.warn({ code: infra.code }, `${what}: ${infra.message} (repeated at most once a minute while it lasts)`);
  };
}
