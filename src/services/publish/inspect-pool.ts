// Package inspection for the server, off the event loop: every published package is inspected in a
// worker thread with a heap limit and a deadline. Each parser has its own work budget, but a package
// can still be built so that the parsers run many times (shared references, thousands of resource
// configurations pointing at one file): whatever the trick, the worker gives up after the deadline
// or at its heap limit, the upload is refused with PARSE_BUDGET, and the server goes on serving.
// The CLI inspects on its own thread: it is one person's own file there, and Ctrl-C stops it.
import { OtashipError } from '../../core/errors.js';
import type { IconFile } from '../../core/inspect/index.js';
import type { InspectResult } from '../../core/types.js';
import type { InspectTask, InspectTaskResult, PlainError } from './inspect-worker.js';
import { siblingWorker, WorkerFailure, WorkerPool } from './worker-pool.js';

/**
 * A worker's heap. The largest real packages need a few hundred MB at most (a zip directory of the
 * 2 million entries the zip limits allow takes about 450 MB); more is a package built to exhaust memory.
 */
export const INSPECT_HEAP_MB = 1024;

export interface Inspected {
  info: InspectResult;
  /** The icon's bytes, the reason it could not be read, or null when the package has none. */
  icon: IconFile | OtashipError | null;
}

function fromPlain(e: PlainError): OtashipError {
  return new OtashipError(e.code, e.message, e.details ? { details: e.details } : {});
}

export class InspectPool extends WorkerPool {
  readonly #heapMb: number;

  constructor(
    /** Seconds one inspection may take before its worker is stopped (OTASHIP_INSPECT_TIMEOUT). */
    private readonly deadlineSeconds: number,
    options: { workerUrl?: string; heapMb?: number } = {},
  ) {
    const heapMb = options.heapMb ?? INSPECT_HEAP_MB;
    super({
      filename: options.workerUrl ?? siblingWorker(import.meta.url, 'inspect-worker'),
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    this.#heapMb = heapMb;
  }

  /** `path` inspected in a worker; `label` names the file in messages (never the temp path). */
  async inspect(path: string, now: number, label: string): Promise<Inspected> {
    let result: InspectTaskResult;
    try {
      result = await this.run<InspectTaskResult>({ path, now } satisfies InspectTask, { deadlineMs: this.deadlineSeconds * 1000 });
    } catch (err) {
      if (!(err instanceof WorkerFailure)) throw err;
      if (err.kind === 'deadline') {
        throw new OtashipError(
          'PARSE_BUDGET',
          `inspecting ${label} took longer than ${this.deadlineSeconds} s (OTASHIP_INSPECT_TIMEOUT), far longer than any real package takes: it was stopped and the upload refused`,
          { cause: err },
        );
      }
      if (err.kind === 'memory') {
        throw new OtashipError(
          'PARSE_BUDGET',
          `inspecting ${label} needed more than ${this.#heapMb} MB of memory, far more than any real package needs: it was stopped and the upload refused`,
          { cause: err },
        );
      }
      if (err.kind === 'closed') throw new OtashipError('UNAVAILABLE', 'the server is shutting down: packages are no longer inspected', { cause: err });
      throw new OtashipError('INTERNAL', `inspecting ${label} failed (${err.message})`, { cause: err });
    }
    if ('systemError' in result) {
      // Rebuilt with its code, so the error edge classifies it (a failing disk is 503, a full one 507).
      const { errno, syscall, message } = result.systemError;
      throw Object.assign(new Error(message), { code: errno, ...(syscall ? { syscall } : {}) });
    }
    if ('error' in result) throw fromPlain(result.error);
    const icon = result.icon;
    return {
      info: result.info,
      icon: icon === null ? null : 'error' in icon ? fromPlain(icon.error) : { entry: icon.entry, bytes: Buffer.from(icon.bytes.buffer, icon.bytes.byteOffset, icon.bytes.byteLength) },
    };
  }
}
