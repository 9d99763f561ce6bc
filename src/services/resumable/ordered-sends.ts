// Sends that run a few at a time while their records are made strictly in order: a multipart PATCH
// sends its parts in parallel (as a put streams them), but a part may only be recorded once every
// part before it is, so the upload's chain grows by whole prefixes. Only the sends hold the body
// back; the records trail behind them.
export class OrderedSends {
  #recorded: Promise<void> = Promise.resolve();
  /** Sends still holding a slot (throttle() frees the oldest). */
  readonly #inFlight: Array<Promise<unknown>> = [];
  /** Every send and every record since the last settle(). */
  readonly #sends: Array<Promise<unknown>> = [];
  readonly #records: Array<Promise<void>> = [];
  #failure: unknown = null;

  constructor(private readonly concurrency: number) {}

  /**
   * Starts `send` at once; `record` gets its result after every earlier record is done. Resolves
   * once recorded. A failed send or record fails every later record (without waiting for its send);
   * after one, nothing more is sent (this throws it).
   */
  add<T>(send: () => Promise<T>, record: (result: T) => Promise<void>): Promise<void> {
    if (this.#failure) throw this.#failure;
    const sending = send();
    sending.catch(() => undefined); // awaited by its record, in order
    this.#inFlight.push(sending);
    this.#sends.push(sending);
    const recording = this.#recorded.then(async () => record(await sending));
    recording.catch((err: unknown) => (this.#failure ??= err));
    this.#recorded = recording;
    this.#records.push(recording);
    return recording;
  }

  /** Waits while `concurrency` sends are in flight; throws the first failure met so far. */
  async throttle(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#inFlight.length >= this.concurrency) await this.#inFlight.shift()!.catch(() => undefined);
    if (this.#failure) throw this.#failure;
  }

  /**
   * Waits for every record and every send to end, also the sends whose record failed early (nothing
   * they read may go away before): the first failure, or null.
   */
  async settle(): Promise<unknown> {
    this.#inFlight.length = 0;
    const failure = (await Promise.allSettled(this.#records.splice(0))).find((r) => r.status === 'rejected');
    await Promise.allSettled(this.#sends.splice(0));
    return failure ? (failure as PromiseRejectedResult).reason : null;
  }
}
