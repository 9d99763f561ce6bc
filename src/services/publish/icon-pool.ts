// A small worker-thread pool (piscina) for icon conversion, so a large CgBI icon costs a worker a few
// seconds instead of stopping the event loop (health checks, downloads, other uploads) for them.
// Created on the first icon, threads exit when idle, destroyed with the server. sharp's renditions
// stay on the main thread: sharp already decodes and resizes on libuv threads, and sharp inside
// worker threads can bring the process down when a worker is terminated mid-operation
// (lovell/sharp#2263) — exactly what a pool does at shutdown.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { OtashipError } from '../../core/errors.js';
import type { IconTask, IconTaskResult } from './icon-worker.js';

/**
 * The worker module beside this one: icon-worker.ts when running from src/ under tsx (the worker
 * inherits tsx's --import), icon-worker.js when running from dist/.
 */
const WORKER_URL = new URL(`./icon-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/** Idle threads exit after this long; the next icon starts one again (~50 ms). */
const IDLE_MS = 30_000;

export interface IconPoolEvents {
  /** A conversion was handed to a worker. */
  start: [];
  /** Its result (or failure) is back on the main thread. */
  end: [];
}

export class IconPool extends EventEmitter<IconPoolEvents> {
  readonly #workerUrl: string;
  #pool: Piscina | undefined;
  /** Conversions waiting for a worker's answer, so a worker failure can end them instead of leaving them hanging. */
  readonly #inflight = new Set<AbortController>();
  #starting: Promise<Piscina> | undefined;
  #closed = false;
  #tasks = 0;
  /** The last failure of a worker outside a task, if any. */
  lastError: unknown;

  /** Conversions handed to a worker so far (tests check that a refused icon never gets here). */
  get tasks(): number {
    return this.#tasks;
  }

  /** `workerUrl` replaces the worker module (tests use one that cannot load). */
  constructor(options: { workerUrl?: string } = {}) {
    super();
    this.#workerUrl = options.workerUrl ?? WORKER_URL;
  }

  /** `bytes` converted to a standard PNG in a worker; BAD_ICON or ICON_TOO_LARGE when it cannot be. */
  async toStandardPng(bytes: Buffer, entry: string): Promise<Buffer> {
    const pool = await this.#get();
    this.#tasks++;
    this.emit('start');
    let result: IconTaskResult;
    const abort = new AbortController();
    this.#inflight.add(abort);
    try {
      // A copy of just these bytes, moved rather than cloned: `bytes` may be a view into a larger buffer.
      const own = Uint8Array.from(bytes);
      result = (await pool.run({ bytes: own } satisfies IconTask, { transferList: [own.buffer], signal: abort.signal })) as IconTaskResult;
    } catch (err) {
      const why = abort.signal.aborted ? abort.signal.reason : err;
      throw new OtashipError('UNAVAILABLE', `The icon converter failed (${why instanceof Error ? why.message : String(why)})`, { cause: why });
    } finally {
      this.#inflight.delete(abort);
      this.emit('end');
    }
    if ('error' in result) {
      const what = result.error.code === 'BAD_ICON' ? `Icon ${entry} cannot be converted to a standard PNG (${result.error.message})` : result.error.message;
      throw new OtashipError(result.error.code, what);
    }
    return Buffer.from(result.png.buffer, result.png.byteOffset, result.png.byteLength);
  }

  /** Stops the threads (in-flight conversions are abandoned: the server is closing). */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool ?? (await this.#starting?.catch(() => undefined));
    this.#pool = undefined;
    await pool?.destroy();
  }

  #get(): Promise<Piscina> {
    if (this.#closed) return Promise.reject(new OtashipError('UNAVAILABLE', 'The server is shutting down: icons are no longer converted'));
    if (this.#pool) return Promise.resolve(this.#pool);
    // piscina is loaded with the first icon: the CLI and a server that never sees an icon skip it.
    this.#starting ??= import('piscina').then(({ Piscina }) => {
      this.#pool = new Piscina({
        filename: this.#workerUrl,
        minThreads: 0,
        // One thread on a small machine leaves a core to the event loop; never more than two.
        maxThreads: Math.max(1, Math.min(2, availableParallelism() - 1)),
        idleTimeout: IDLE_MS,
      });
      // A worker that fails outside a task (e.g. its module cannot load) is reported only as an
      // 'error' event — which would end the process if nobody listened — while the task waits
      // forever. End the waiting conversions with that error: the release is then published
      // without an icon and the answer says why.
      this.#pool.on('error', (err: unknown) => {
        this.lastError = err;
        for (const abort of this.#inflight) abort.abort(err);
      });
      return this.#pool;
    });
    return this.#starting;
  }
}
