// The polling loop of the background workers that share work through the database (webhook
// deliveries, App Bundle conversions). One pass at a time; a wake() during a pass asks for one more
// pass, so work queued meanwhile does not wait for the next poll; between passes a timer wakes it
// again (unref'd: it keeps no process alive). Errors of a pass go to `onError` and the loop goes on.
export class PollLoop {
  #started = false;
  #stopped = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly onError?: (err: unknown) => void,
  ) {}

  /** Set by halt(): passes check it between items of work. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.wake();
  }

  /** Runs a pass now (or right after the one running) instead of at the next poll. */
  wake(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#stopped) return;
      // A wake that came after the pass's last check (while it was ending) is not left to the poll.
      if (this.#again) return this.wake();
      this.#timer = setTimeout(() => this.wake(), this.pollMs);
      this.#timer.unref();
    });
  }

  /** Stops polling; the pass in flight (null when idle) is returned for the owner to wait on. */
  halt(): Promise<void> | null {
    this.#stopped = true;
    clearTimeout(this.#timer);
    return this.#running;
  }

  async #drain(): Promise<void> {
    try {
      do {
        this.#again = false;
        await this.pass();
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.onError?.(err);
    }
  }
}
