// Throttling of failed sign-ins and rejected bearer tokens, per client address.
//
// Hand-written rather than @fastify/rate-limit: that plugin counts every request it sees, but here
// only FAILURES may count (a CI job making hundreds of good calls must never be slowed), and the
// check must come BEFORE the token is looked at, so that a throttled guesser learns nothing even
// when its next guess is right. That is one map and two methods.
//
// Per instance, in memory: with several instances behind a balancer a guesser gets the allowance
// once per instance (documented). IPv6 clients are keyed by their /64, which one host usually owns
// whole, so rotating through its addresses gains nothing.
import { OtashipError } from '../core/errors.js';
import { clientKey } from './client-key.js';
import type { Clock } from './clock.js';

export { clientKey };

/** How long failures are remembered: the allowance is `limit` failures per window. */
export const AUTH_FAILURE_WINDOW_SECONDS = 15 * 60;
/** Bounded: a flood of addresses cannot grow it without end (the oldest windows are dropped first). */
const MAX_KEYS = 10_000;

interface Window {
  failures: number;
  resetAt: number;
  /** Whether a refusal in this window was already reported (logged) by the caller. */
  reported?: boolean;
}

export class AuthThrottle {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    /** Failures allowed per client and window; 0 turns throttling off. */
    readonly limit: number,
    private readonly windowSeconds = AUTH_FAILURE_WINDOW_SECONDS,
  ) {}

  /** Throws TOO_MANY_REQUESTS (details.retryAfterSeconds) while this client has used up its failures. */
  check(address: string): void {
    if (this.limit <= 0) return;
    const now = this.clock().getTime();
    const w = this.#windows.get(clientKey(address));
    if (!w || w.resetAt <= now || w.failures < this.limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    throw new OtashipError(
      'TOO_MANY_REQUESTS',
      `too many failed sign-ins or rejected tokens from this address: try again in ${retryAfterSeconds} s`,
      { details: { retryAfterSeconds } },
    );
  }

  /** Counts one failed attempt by this client. */
  fail(address: string): void {
    if (this.limit <= 0) return;
    const key = clientKey(address);
    const now = this.clock().getTime();
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= now) {
      this.#windows.delete(key); // re-inserted last: Map order is then oldest window first
      if (this.#windows.size >= MAX_KEYS) this.#evict(now);
      w = { failures: 0, resetAt: now + this.windowSeconds * 1000 };
      this.#windows.set(key, w);
    }
    w.failures++;
  }

  /**
   * Takes back one failure counted ahead of a slow check that then succeeded (see ShareLinkService
   * .unlock): counting first is what keeps parallel guesses within the allowance.
   */
  forgive(address: string): void {
    const w = this.#windows.get(clientKey(address));
    if (w && w.failures > 0) w.failures--;
  }

  /**
   * True the first time it is asked within a client's current window, false after: callers that log
   * a refusal log it once per window, so a client over its allowance cannot flood the log either.
   */
  firstRefusal(address: string): boolean {
    const w = this.#windows.get(clientKey(address));
    if (!w || w.resetAt <= this.clock().getTime()) return true;
    if (w.reported) return false;
    w.reported = true;
    return true;
  }

  #evict(now: number): void {
    for (const [key, w] of this.#windows) {
      if (w.resetAt <= now || this.#windows.size >= MAX_KEYS) this.#windows.delete(key);
      else break;
    }
  }
}
