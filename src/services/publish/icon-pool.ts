// A small worker-thread pool (piscina) for icon conversion, so a large CgBI icon costs a worker a few
// seconds instead of stopping the event loop (health checks, downloads, other uploads) for them.
// Created on the first icon, threads exit when idle, destroyed with the server. sharp's renditions
// stay on the main thread: sharp already decodes and resizes on libuv threads, and sharp inside
// worker threads can bring the process down when a worker is terminated mid-operation
// (lovell/sharp#2263) — exactly what a pool does at shutdown.
import { OtashipError } from '../../core/errors.js';
import type { IconTask, IconTaskResult } from './icon-worker.js';
import { siblingWorker, WorkerPool, type WorkerPoolEvents } from './worker-pool.js';

export type IconPoolEvents = WorkerPoolEvents;

export class IconPool extends WorkerPool {
  /** `workerUrl` replaces the worker module (tests use one that cannot load). */
  constructor(options: { workerUrl?: string } = {}) {
    super({ filename: options.workerUrl ?? siblingWorker(import.meta.url, 'icon-worker') });
  }

  /** `bytes` converted to a standard PNG in a worker; BAD_ICON or ICON_TOO_LARGE when it cannot be. */
  async toStandardPng(bytes: Buffer, entry: string): Promise<Buffer> {
    let result: IconTaskResult;
    try {
      // A copy of just these bytes, moved rather than cloned: `bytes` may be a view into a larger buffer.
      const own = Uint8Array.from(bytes);
      result = await this.run<IconTaskResult>({ bytes: own } satisfies IconTask, { transferList: [own.buffer] });
    } catch (err) {
      const why = (err as { cause?: unknown }).cause ?? err;
      throw new OtashipError('UNAVAILABLE', `The icon converter failed (${why instanceof Error ? why.message : String(why)})`, { cause: why });
    }
    if ('error' in result) {
      const what = result.error.code === 'BAD_ICON' ? `Icon ${entry} cannot be converted to a standard PNG (${result.error.message})` : result.error.message;
      throw new OtashipError(result.error.code, what);
    }
    return Buffer.from(result.png.buffer, result.png.byteOffset, result.png.byteLength);
  }
}
