// A fixed-window counter of attempts per client address, for anonymous endpoints that write (device
// registration). Hand-written rather than @fastify/rate-limit: the limit is decided inside the
// service, after the route parsed the request, on the service's clock (tests move it), and it is a
// dozen lines. Per instance: with several instances a client gets the limit once per instance, which
// still bounds it; the global bound lives in the database (DeviceService's cap on unreviewed devices).
import { clientKey } from './client-key.js';

export { clientKey };

/** Distinct clients remembered per window; beyond it new clients are refused until the window ends. */
const MAX_CLIENTS = 50_000;

export class ClientThrottle {
  #windowStart = Number.NEGATIVE_INFINITY;
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Counts one attempt by `address` at `now` (ms); returns 0 when allowed, else the seconds until the
   * window ends (for Retry-After).
   */
  hit(address: string, now: number): number {
    if (now - this.#windowStart >= this.windowMs || now < this.#windowStart) {
      this.#windowStart = now;
      this.#counts.clear();
    }
    const key = clientKey(address);
    const count = this.#counts.get(key);
    const retryAfter = Math.max(1, Math.ceil((this.#windowStart + this.windowMs - now) / 1000));
    if (count === undefined && this.#counts.size >= MAX_CLIENTS) return retryAfter;
    if ((count ?? 0) >= this.limit) return retryAfter;
    this.#counts.set(key, (count ?? 0) + 1);
    return 0;
  }
}
