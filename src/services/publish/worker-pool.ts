// The lifecycle of a piscina worker-thread pool, shared by the icon converter and the package
// inspector: started with the first task (the CLI and a server that never sees one skip loading it),
// threads exit when idle, destroyed with the server. A task can be given a deadline: past it the
// worker running it is terminated (piscina aborts a running task that way), which is the only way to
// stop synchronous work. A worker may be given a heap limit: a task that needs more ends that
// worker, not the process.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import type { Piscina } from 'piscina';

/** Idle threads exit after this long; the next task starts one again (~50 ms). */
const IDLE_MS = 30_000;
/** One thread on a small machine leaves a core to the event loop; never more than two. */
const THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));

/**
 * A worker module beside `importMetaUrl`'s: name.ts when running from src/ under tsx (the worker
 * inherits tsx's --import), name.js when running from dist/.
 */
export function siblingWorker(importMetaUrl: string, name: string): string {
  return new URL(`./${name}${extname(fileURLToPath(importMetaUrl))}`, importMetaUrl).href;
}

/** Why a task did not come back with a result. */
export type WorkerFailureKind = 'deadline' | 'memory' | 'crashed' | 'closed';

export class WorkerFailure extends Error {
  constructor(
    readonly kind: WorkerFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkerFailure';
  }
}

export interface WorkerPoolEvents {
  /** A task was handed to a worker. */
  start: [];
  /** Its result (or failure) is back on the main thread. */
  end: [];
}

export interface WorkerPoolOptions {
  filename: string;
  /** Heap limits of each worker; a task past them fails with kind 'memory'. */
  resourceLimits?: ResourceLimits;
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  #pool: Piscina | undefined;
  /** Tasks waiting for a worker's answer, so a worker failure can end them instead of leaving them hanging. */
  readonly #inflight = new Set<AbortController>();
  #starting: Promise<Piscina> | undefined;
  #closed = false;
  #tasks = 0;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  /** The last failure of a worker outside a task, if any. */
  lastError: unknown;

  constructor(private readonly options: WorkerPoolOptions) {
    super();
  }

  /** Tasks handed to a worker so far. */
  get tasks(): number {
    return this.#tasks;
  }

  /**
   * Runs one task; WorkerFailure when no result came back (deadline, memory, crash, closing). The
   * deadline counts from when a worker takes the task: time waiting behind other tasks is not its own.
   */
  async run<R>(task: unknown, options: { transferList?: ArrayBuffer[]; deadlineMs?: number } = {}): Promise<R> {
    const pool = await this.#get();
    await this.#turn();
    try {
      return await this.#runNow<R>(pool, task, options);
    } finally {
      this.#done();
    }
  }

  /** Waits until fewer tasks than threads are running (piscina would queue them itself, deadline running). */
  #turn(): Promise<void> {
    if (this.#running < THREADS) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #done(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }

  async #runNow<R>(pool: Piscina, task: unknown, options: { transferList?: ArrayBuffer[]; deadlineMs?: number }): Promise<R> {
    if (this.#closed) throw new WorkerFailure('closed', 'the server is shutting down');
    this.#tasks++;
    this.emit('start');
    const abort = new AbortController();
    this.#inflight.add(abort);
    const deadline = options.deadlineMs === undefined
      ? undefined
      : setTimeout(() => abort.abort(new WorkerFailure('deadline', `no result within ${Math.round(options.deadlineMs! / 1000)} s`)), options.deadlineMs);
    try {
      return (await pool.run(task, { ...(options.transferList ? { transferList: options.transferList } : {}), signal: abort.signal })) as R;
    } catch (err) {
      const why: unknown = abort.signal.aborted ? abort.signal.reason : err;
      if (why instanceof WorkerFailure) throw why;
      const code = (why as { code?: unknown } | null)?.code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') throw new WorkerFailure('memory', 'the worker ran out of its memory', { cause: why });
      throw new WorkerFailure('crashed', why instanceof Error ? why.message : String(why), { cause: why });
    } finally {
      clearTimeout(deadline);
      this.#inflight.delete(abort);
      this.emit('end');
    }
  }

  /** Stops the threads (tasks in flight are abandoned: the server is closing). */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool ?? (await this.#starting?.catch(() => undefined));
    this.#pool = undefined;
    await pool?.destroy();
  }

  #get(): Promise<Piscina> {
    if (this.#closed) return Promise.reject(new WorkerFailure('closed', 'the server is shutting down'));
    if (this.#pool) return Promise.resolve(this.#pool);
    this.#starting ??= import('piscina').then(({ Piscina }) => {
      this.#pool = new Piscina({
        filename: this.options.filename,
        minThreads: 0,
        maxThreads: THREADS,
        idleTimeout: IDLE_MS,
        ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}),
      });
      // A worker that fails outside a task (e.g. its module cannot load) is reported only as an
      // 'error' event — which would end the process if nobody listened — while the task waits
      // forever. End the waiting tasks with that error.
      this.#pool.on('error', (err: unknown) => {
        this.lastError = err;
        for (const abort of this.#inflight) abort.abort(err);
      });
      return this.#pool;
    });
    return this.#starting;
  }
}
