// Readiness: can this instance serve requests right now? It asks the database for a row and puts,
// reads back and deletes a tiny blob, each within a time limit, and says which part failed. Load
// balancers take an instance out of rotation on a failed check and back in when it passes again;
// liveness (GET /api/v1/health) stays a no-I/O answer so a database outage never gets every
// instance restarted by its orchestrator.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../ports/blob-store.js';
import type { Repositories } from '../ports/repositories.js';

export interface PartCheck {
  ok: boolean;
  /** Why it failed (an error code or "timed out after N ms"); absent when ok. */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  database: PartCheck;
  storage: PartCheck;
}

/** Blobs written by the storage probe live under this prefix, each deleted by the probe itself. */
export const PROBE_PREFIX = 'readiness/';

const DEFAULT_TIMEOUT_MS = 5000;

function reason(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  // Causes carry the driver's code (ECONNREFUSED, SQLITE_IOERR…), which says most.
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 200) : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function within(ms: number, work: () => Promise<unknown>): Promise<PartCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PartCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `timed out after ${ms} ms` }), ms);
    timer.unref();
  });
  const run = work().then(
    (): PartCheck => ({ ok: true }),
    (err: unknown): PartCheck => ({ ok: false, error: reason(err) }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class ReadinessService {
  #running: Promise<Readiness> | null = null;

  constructor(
    private readonly repos: Pick<Repositories, 'settings'>,
    private readonly blobs: BlobStore,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** Probes run one at a time: callers arriving during a probe share its answer. */
  check(): Promise<Readiness> {
    this.#running ??= this.#probe().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #probe(): Promise<Readiness> {
    const [database, storage] = await Promise.all([
      within(this.timeoutMs, () => this.repos.settings.get('readiness-probe')),
      within(this.timeoutMs, () => this.#storageProbe()),
    ]);
    return { ready: database.ok && storage.ok, database, storage };
  }

  /** Write, read back and delete: a store that lists fine but cannot write (full, read-only) fails. */
  async #storageProbe(): Promise<void> {
    const key = `${PROBE_PREFIX}probe-${randomBytes(8).toString('hex')}`;
    const bytes = Buffer.from('ok');
    try {
      await this.blobs.put(key, Readable.from([bytes]), { size: bytes.length });
      const chunks: Buffer[] = [];
      for await (const chunk of await this.blobs.get(key)) chunks.push(chunk as Buffer);
      if (!Buffer.concat(chunks).equals(bytes)) throw new Error(`the probe blob ${key} read back different bytes`);
    } finally {
      await this.blobs.delete(key).catch(() => undefined);
    }
  }
}
