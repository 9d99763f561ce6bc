// Turns releases published as Android App Bundles into installable universal APKs, off the request
// path. Every instance runs one worker (started and stopped with the server) that claims jobs from
// the database (BundleJobRepository.claimNext: one conditional UPDATE, so two instances never
// convert the same job at once) and holds each with a lease it renews while bundletool works. A job
// whose instance died keeps its lease until it lapses; then any instance claims it again.
//
// One conversion at a time per instance: bundletool is a Java process of several hundred MB and a
// second or more of CPU per bundle; a queue that waits is better than a machine that swaps.
//
// Each attempt stores its APK under its own key (package-<attempt>.apk) and makes it the release's
// package in the transaction that marks the job done, only if the job is still this worker's: an
// instance that lost its lease (paused, then resumed) never overwrites what the new holder stored.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import { hashFile } from '../../core/hash/hash-file.js';
import { inspect } from '../../core/inspect/index.js';
import type { InspectResult } from '../../core/types.js';
import type { BlobStore } from '../../ports/blob-store.js';
import type { BundleConverter } from '../../ports/bundle-converter.js';
import type { BuiltApk, BundleJobRecord, ReleaseRecord, Repositories } from '../../ports/repositories.js';
import type { Clock } from '../clock.js';
import { CONTENT_TYPES } from '../publish/publish.js';
import { PollLoop } from '../poll-loop.js';
import type { ReleaseEventSink } from '../webhooks.js';
import type { AppSigningKeys } from './signing-keys.js';

export interface BundleWorkerOptions {
  /** How often an idle worker looks for jobs (default 5 s; a publish on this instance wakes it at once). */
  pollIntervalMs?: number;
  /** How long a claim holds without renewal (default 5 min; renewed every third of it). */
  leaseMs?: number;
  /** Claims before a job failing for a passing reason (storage away…) is given up (default 3). */
  maxAttempts?: number;
  /** How long stop() lets a conversion in flight finish before stopping it (default 20 s). */
  stopGraceMs?: number;
  /**
   * How long one conversion may run before it is stopped and the job failed (default 30 min; a real
   * bundle converts in seconds to minutes): a hostile or runaway bundle must not hold a worker and
   * renew its lease for ever.
   */
  timeLimitMs?: number;
}

export interface BundleWorkerDeps {
  repos: Repositories;
  blobs: BlobStore;
  converter: BundleConverter;
  keys: AppSigningKeys;
  clock: Clock;
  /** Where bundles are copied to and APKs built (the server's tmp dir). */
  tmpDir: string;
  /** release.published is recorded when the APK is ready (testers can install from then on). */
  events?: ReleaseEventSink;
  onError?: (err: unknown) => void;
  /**
   * Inspects the APK bundletool built, off the event loop (the server passes its inspect pool's
   * inspect); on this thread when absent.
   */
  inspect?: (path: string, now: Date) => Promise<InspectResult>;
}

/** Reasons that trying again cannot change: the bundle, the key or the server's secret is at fault. */
const FINAL = new Set(['BAD_APK', 'NOT_A_ZIP', 'TRUNCATED_ZIP', 'CORRUPT_ZIP', 'ZIP_BOMB', 'PARSE_BUDGET', 'VALIDATION', 'CONFIG', 'UNKNOWN_FILE_TYPE']);

export type JobOutcome = { releaseId: string; state: 'done' | 'failed' | 'queued'; error: string | null };

export class BundleWorker {
  /** Names this instance's claims. */
  readonly holder = `worker-${randomUUID()}`;
  readonly #deps: BundleWorkerDeps;
  readonly #loop: PollLoop;
  readonly #lease: number;
  readonly #maxAttempts: number;
  readonly #grace: number;
  readonly #timeLimit: number;
  #current: AbortController | null = null;
  readonly #listeners = new Set<(outcome: JobOutcome) => void>();

  constructor(deps: BundleWorkerDeps, options: BundleWorkerOptions = {}) {
    this.#deps = deps;
    this.#loop = new PollLoop(() => this.#pass(), options.pollIntervalMs ?? 5000, deps.onError);
    this.#lease = options.leaseMs ?? 300_000;
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#grace = options.stopGraceMs ?? 20_000;
    this.#timeLimit = options.timeLimitMs ?? 30 * 60_000;
  }

  start(): void {
    this.#loop.start();
  }

  /** Looks for jobs now (after a publish queued one) instead of at the next poll. */
  wake(): void {
    this.#loop.wake();
  }

  /** Called with each attempt's outcome on this instance (logs, tests). */
  onOutcome(listener: (outcome: JobOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops claiming; a conversion in flight gets a grace period to finish, then is stopped and its
   * job queued again for whichever instance looks next (its attempt is counted).
   */
  async stop(): Promise<void> {
    const loop = this.#loop.halt();
    let grace: NodeJS.Timeout | undefined;
    if (loop) {
      await Promise.race([loop, new Promise((resolve) => (grace = setTimeout(resolve, this.#grace)))]);
      clearTimeout(grace);
      this.#current?.abort(new OtashipError('UNAVAILABLE', 'the server stopped during the conversion'));
      await loop;
    }
  }

  /** Claims and converts jobs until none is left (or the worker stops). */
  async #pass(): Promise<void> {
    while (!this.#loop.stopped) {
      const now = this.#deps.clock();
      const job = await this.#deps.repos.bundleJobs.claimNext(this.holder, now, new Date(now.getTime() + this.#lease));
      if (!job) return;
      await this.#attempt(job);
    }
  }

  async #attempt(job: BundleJobRecord): Promise<void> {
    const { repos, clock } = this.#deps;
    const controller = new AbortController();
    this.#current = controller;
    let lost = false;
    const renew = setInterval(() => {
      const until = new Date(clock().getTime() + this.#lease);
      repos.bundleJobs.renew(job.releaseId, this.holder, until).then(
        (held) => {
          if (!held) {
            lost = true;
            controller.abort(new OtashipError('CONFLICT', 'another instance took over the conversion'));
          }
        },
        (err: unknown) => this.#deps.onError?.(err),
      );
    }, Math.max(1, Math.floor(this.#lease / 3)));
    renew.unref();
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      controller.abort(new OtashipError('UNAVAILABLE', 'the conversion ran too long'));
    }, this.#timeLimit);
    limit.unref();
    let outcome: JobOutcome;
    try {
      await this.#convert(job, controller.signal);
      outcome = { releaseId: job.releaseId, state: 'done', error: null };
    } catch (err) {
      if (lost || (isOtashipError(err) && err.code === 'CONFLICT')) {
        this.#emit({ releaseId: job.releaseId, state: 'queued', error: 'another instance took over the conversion' });
        return;
      }
      const message = timedOut
        ? `the conversion ran longer than ${this.#timeLimit >= 120_000 ? `${Math.round(this.#timeLimit / 60_000)} min` : `${Math.ceil(this.#timeLimit / 1000)} s`} and was stopped: the bundle is too large or malformed for bundletool`
        : isOtashipError(err)
          ? err.message
          : `the conversion failed unexpectedly: ${(err as Error).message}`;
      const final = timedOut || (isOtashipError(err) && FINAL.has(err.code));
      const state = (controller.signal.aborted && !timedOut) || (!final && job.attempts < this.#maxAttempts) ? 'queued' : 'failed';
      outcome = { releaseId: job.releaseId, state, error: message };
      if (!isOtashipError(err)) this.#deps.onError?.(err);
      await repos.bundleJobs.finish(job.releaseId, this.holder, { state, error: message, at: clock() }).catch((e: unknown) => this.#deps.onError?.(e));
    } finally {
      clearInterval(renew);
      clearTimeout(limit);
      this.#current = null;
    }
    this.#emit(outcome);
  }

  #emit(outcome: JobOutcome): void {
    for (const listener of this.#listeners) listener(outcome);
  }

  /** One attempt: bundle → APK → blob → the release's package, the job done (or throws why not). */
  async #convert(job: BundleJobRecord, signal: AbortSignal): Promise<void> {
    const { repos, blobs, converter, keys, clock, events } = this.#deps;
    const inspectApk = this.#deps.inspect ?? ((path: string, now: Date) => inspect(path, { now }));
    const release = await repos.releases.get(job.releaseId);
    const app = release ? await repos.apps.get(release.appId) : null;
    if (!release?.bundle || !app || release.bundle.apkReady) {
      // Deleted meanwhile (its job went with it), or done by an attempt that lost its lease.
      await repos.bundleJobs.finish(job.releaseId, this.holder, { state: 'done', error: null, at: clock() });
      return;
    }
    await mkdir(this.#deps.tmpDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(this.#deps.tmpDir, 'bundle-'));
    const packageKey = `releases/${release.id}/package-${job.attempts}.apk`;
    let stored = false;
    try {
      const aab = join(dir, 'bundle.aab');
      await pipeline(await blobs.get(release.bundle.key, undefined, signal), createWriteStream(aab, { mode: 0o600 }), { signal });
      const key = await keys.forConversion(app);
      const apkPath = join(dir, 'universal.apk');
      await converter.universalApk(aab, apkPath, key, signal);
      const built = { ...(await checkedApk(await inspectApk(apkPath, clock()), apkPath, release, packageKey)), signer: key.origin };
      const options = { size: built.size, sha256: built.sha256, contentType: CONTENT_TYPES.android, signal };
      stored = true;
      if (!(await blobs.adoptFile?.(packageKey, apkPath, options))) await blobs.put(packageKey, createReadStream(apkPath), options);
      const ready = await repos.transaction(async (tx) => {
        if (!(await tx.bundleJobs.finish(release.id, this.holder, { state: 'done', error: null, at: clock() }))) {
          throw new OtashipError('CONFLICT', 'another instance took over the conversion');
        }
        const updated = await tx.releases.attachApk(release.id, built);
        if (updated) await events?.record(tx, 'release.published', app, updated);
        return updated;
      });
      if (!ready) await blobs.delete(packageKey); // the release was deleted while it converted
      events?.notify(ready ? { app, release: ready } : undefined);
    } catch (err) {
      if (stored) await blobs.delete(packageKey).catch(() => undefined);
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** The APK bundletool made, as inspected: it must be the bundle's app and build. */
async function checkedApk(info: InspectResult, path: string, release: ReleaseRecord, packageKey: string): Promise<Omit<BuiltApk, 'signer'>> {
  const bundle = release.bundle!.info;
  if (info.kind !== 'apk' || info.bundleId !== bundle.bundleId || info.build !== bundle.build) {
    const what = info.kind === 'apk' ? `${info.bundleId} build ${info.build}` : `a ${info.kind}`;
    throw new OtashipError('BAD_APK', `bundletool built ${what}, not ${bundle.bundleId} build ${bundle.build} as the bundle says`);
  }
  const { size, sha256 } = await hashFile(path, { sha256: true });
  return { packageKey, size, sha256: sha256!, info };
}
