// Install statistics. Every manifest fetch and download would otherwise be a database write on
// the hot path (with SQLite a synchronous one that blocks the event loop), so increments are
// gathered in memory and written as atomic `+n` increments at most every FLUSH_MS — which still
// adds up correctly across instances. Reading counts flushes first, so a reader always sees its own
// instance's events. At most FLUSH_MS of counts can be lost in a crash. Counting never fails a
// request: write errors go to onError (the server log).
import type { CounterKind, ReleaseCounts, Repositories } from '../ports/repositories.js';

export type CountEvent = CounterKind;

const FLUSH_MS = 500;

export class CounterService {
  readonly #pending = new Map<string, { releaseId: string; kind: CounterKind; n: number }>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repos: Pick<Repositories, 'counters'>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Records one event; written with the next flush. */
  count(releaseId: string, event: CountEvent): Promise<void> {
    const key = `${releaseId}\u0000${event}`;
    const entry = this.#pending.get(key);
    if (entry) entry.n++;
    else this.#pending.set(key, { releaseId, kind: event, n: 1 });
    if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.#timer.unref();
    }
    return Promise.resolve();
  }

  pageView(releaseId: string): Promise<void> {
    return this.count(releaseId, 'page_view');
  }

  /** Writes the gathered increments. Flushes run one after another, never in parallel. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const batch = [...this.#pending.values()];
    this.#pending.clear();
    this.#flushing = this.#flushing.then(async () => {
      for (const { releaseId, kind, n } of batch) {
        try {
          await this.repos.counters.increment(releaseId, kind, n);
        } catch (err) {
          this.onError(err);
        }
      }
    });
    return this.#flushing;
  }

  async get(releaseId: string): Promise<ReleaseCounts> {
    await this.flush();
    return this.repos.counters.get(releaseId);
  }
}
