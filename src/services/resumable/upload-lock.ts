// One writer per resumable upload, across every instance: a lease in the shared database
// (UploadLockRepository), taken by each PATCH, DELETE and publish. The tus server's own lock lives in
// one process's memory, so two instances could write one upload at once — and a PATCH whose offset
// check passed before the upload finished could still write into the finished file (which on fs
// storage becomes the release). Under the lease, a request sees a state that no other request is
// changing, and its last byte seals the file before the lease is given back.
//
// The lease lapses unless renewed, so a crashed instance does not hold an upload for ever; the
// holder renews it every second and stops writing as soon as it cannot be sure it still holds it
// (LeaseGuard.check: failed renewal, or too long since the last one — a paused process). A request
// that finds the upload held asks the holder to let go (tus semantics: a client that resumes elsewhere
// gave up on its previous request); the holder sees that on its next renewal, and tus then ends its
// request, keeping the bytes that arrived.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lock, Locker, RequestRelease } from '@tus/server';
import type { UploadLockRepository } from '../../ports/repositories.js';
import type { LeaseGuard } from './blob-upload-store.js';

export interface UploadLeaseOptions {
  /** How long a lease lasts without renewal (default 15 s). */
  leaseMs?: number;
  /** How long a request waits for a held upload before it is answered 423 (default 20 s). */
  waitMs?: number;
  /** Time in ms (tests move it). */
  now?: () => number;
}

const RENEW_EVERY_MS = 1000;
const POLL_MS = 100;

/** A tus answer: the upload is being written by another request that did not let go in time. */
export const LOCKED = {
  status_code: 423,
  body: 'this upload is being written by another request right now: ask for its offset (HEAD) and send again in a moment\n',
};

/** A tus answer for a request that lost its lease while writing. */
const LEASE_LOST = {
  status_code: 409,
  body: 'another request took this upload over while this one was writing: ask for its offset (HEAD) and resume from there\n',
};

export class UploadLeases implements Locker {
  /** The lease each upload has in this process right now (at most one: the database says so). */
  readonly #held = new Map<string, UploadLease>();
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly now: () => number;

  constructor(
    readonly repo: UploadLockRepository,
    options: UploadLeaseOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.waitMs = options.waitMs ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  newLock(id: string): Lock {
    return new UploadLease(this, id);
  }

  /** The guard of the lease this process holds for `id` (the writer checks it), if any. */
  guardOf(id: string): LeaseGuard | undefined {
    return this.#held.get(id);
  }

  /** Runs `fn` holding the upload's lease (publishing); 423 when it cannot be had in time. */
  async withLease<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const lease = new UploadLease(this, id);
    await lease.lock(new AbortController().signal, () => undefined);
    try {
      return await fn();
    } finally {
      await lease.unlock();
    }
  }

  /** @internal */
  track(id: string, lease: UploadLease | null): void {
    if (lease) this.#held.set(id, lease);
    else this.#held.delete(id);
  }
}

class UploadLease implements Lock, LeaseGuard {
  readonly #holder = randomBytes(12).toString('hex');
  #timer: NodeJS.Timeout | undefined;
  /** Local time until which the lease is surely ours: its last renewal plus its length, less a margin. */
  #sureUntil = 0;
  #lost = false;

  constructor(
    private readonly leases: UploadLeases,
    private readonly id: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const { repo, leaseMs, waitMs, now } = this.leases;
    const giveUpAt = now() + waitMs;
    for (;;) {
      const at = now();
      if (await repo.acquire(this.id, this.#holder, new Date(at), new Date(at + leaseMs))) {
        this.#sureUntil = at + leaseMs - 2 * RENEW_EVERY_MS;
        break;
      }
      if (signal.aborted || now() >= giveUpAt) throw LOCKED;
      // Asked on every try: the holder may have changed since the last one.
      await repo.requestRelease(this.id);
      await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    this.leases.track(this.id, this);
    let releasing = false;
    this.#timer = setInterval(() => {
      const at = now();
      repo.renew(this.id, this.#holder, new Date(at + leaseMs)).then(
        (state) => {
          if (!state) {
            this.#lost = true;
          } else {
            this.#sureUntil = at + leaseMs - 2 * RENEW_EVERY_MS;
          }
          if ((!state || state.releaseRequested) && !releasing) {
            releasing = true;
            void requestRelease();
          }
        },
        // The database is unreachable: the lease runs out by itself (check() then refuses writes).
        () => undefined,
      );
    }, RENEW_EVERY_MS);
    this.#timer.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.#timer);
    this.leases.track(this.id, null);
    if (!this.#lost) await this.leases.repo.release(this.id, this.#holder);
  }

  check(): void {
    if (this.#lost || this.leases.now() >= this.#sureUntil) throw LEASE_LOST;
  }
}
