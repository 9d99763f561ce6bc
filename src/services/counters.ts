// Install statistics. Every manifest fetch and download would otherwise be a database write on
// the hot path (with SQLite a synchronous one that blocks the event loop), so increments are
// gathered in memory and written as atomic `+n` increments at most every FLUSH_MS — which still
// adds up correctly across instances. Reading counts flushes first, so a reader always sees its own
// instance's events. Counting never fails a request.
//
// When the database is away, a write that fails puts its increment back (merged with newer ones)
// and the next flush waits with exponential backoff, up to MAX_RETRY_MS; the first failure of an
// outage goes to onError (the server log), the rest are quiet until a flush succeeds again. Memory
// is bounded: at most MAX_PENDING distinct (release, event) entries wait, each one number; events
// for new entries beyond that are dropped and counted in `dropped` (reported once per outage).
// close() writes what is left; counts are lost only if the database is still away then, or in a
// crash (at most FLUSH_MS of them, or the outage's).
import type { CounterKind, ReleaseCounts, Repositories } from '../ports/repositories.js';

export type CountEvent = CounterKind;

const FLUSH_MS = 500;
const MAX_RETRY_MS = 60_000;
export const MAX_PENDING = 10_000;

interface Pending {
  releaseId: string;
  kind: CounterKind;
  n: number;
}

export interface CounterOptions {
  /** First retry delay after a failed flush (doubles per failure up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
  maxPending?: number;
}

export class CounterService {
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #failures = 0;
  #closed = false;
  readonly #retryMs: number;
  readonly #maxRetryMs: number;
  readonly #maxPending: number;
  /** Events dropped because MAX_PENDING entries were already waiting (since start). */
  dropped = 0;

  constructor(
    private readonly repos: Pick<Repositories, 'counters'>,
    private readonly onError: (err: unknown) => void = () => undefined,
    options: CounterOptions = {},
  ) {
    this.#retryMs = options.retryMs ?? FLUSH_MS;
    this.#maxRetryMs = options.maxRetryMs ?? MAX_RETRY_MS;
    this.#maxPending = options.maxPending ?? MAX_PENDING;
  }

  /** Increments waiting to be written (entries, not events). */
  get pendingEntries(): number {
    return this.#pending.size;
  }

  /** Records one event; written with the next flush. */
  count(releaseId: string, event: CountEvent): Promise<void> {
    this.#add({ releaseId, kind: event, n: 1 });
    this.#schedule(FLUSH_MS);
    return Promise.resolve();
  }

  pageView(releaseId: string): Promise<void> {
    return this.count(releaseId, 'page_view');
  }

  #add(entry: Pending): void {
    const key = `${entry.releaseId}\u0000${entry.kind}`;
    const existing = this.#pending.get(key);
    if (existing) existing.n += entry.n;
    else if (this.#pending.size < this.#maxPending) this.#pending.set(key, { ...entry });
    else this.dropped += entry.n;
  }

  #schedule(ms: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, ms);
    this.#timer.unref();
  }

  /**
   * Writes the gathered increments. Flushes run one after another, never in parallel; it never
   * rejects (failed increments wait for the next attempt).
   */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  async #write(): Promise<void> {
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i]!;
      try {
        await this.repos.counters.increment(entry.releaseId, entry.kind, entry.n);
      } catch (err) {
        // Put this one and the unwritten rest back (merging with events counted meanwhile) and stop:
        // the next writes would meet the same outage.
        for (const e of batch.slice(i)) this.#add(e);
        if (this.#failures === 0) this.onError(err);
        this.#failures++;
        this.#schedule(Math.min(this.#retryMs * 2 ** (this.#failures - 1), this.#maxRetryMs));
        return;
      }
    }
    if (this.#failures > 0 && this.dropped > 0) {
      this.onError(new Error(`${this.dropped} install count(s) were dropped while the database was away (more than ${this.#maxPending} waiting)`));
    }
    this.#failures = 0;
  }

  /** Stops the timer and writes what is waiting (at shutdown); reports what could not be written. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    if (this.#pending.size > 0) {
      const events = [...this.#pending.values()].reduce((sum, e) => sum + e.n, 0);
      this.onError(new Error(`${events} install count(s) could not be written before shutdown: the database is unavailable`));
    }
  }

  async get(releaseId: string): Promise<ReleaseCounts> {
    await this.flush();
    return this.repos.counters.get(releaseId);
  }
}
