// Where an interrupted resumable upload can be picked up again: a small JSON file mapping a
// fingerprint (server + absolute path + size + mtime) to the upload id the server gave us. Running
// the same `otaship publish` again after a cut-off finds the entry and continues; a changed file
// (other size or mtime) or another server gets a fresh upload. Entries are removed once published
// and pruned after a week (the server expires unfinished uploads after a day by default).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface ResumeEntry {
  uploadId: string;
  server: string;
  path: string;
  size: number;
  mtimeMs: number;
  /** ISO time the entry was written. */
  savedAt: string;
}

const MAX_AGE_MS = 7 * 86400_000;

/** `$XDG_CACHE_HOME/otaship/uploads.json`, else `~/.cache/otaship/uploads.json`. */
export function defaultResumeStatePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_CACHE_HOME?.trim();
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache');
  return join(base, 'otaship', 'uploads.json');
}

export function resumeFingerprint(server: string, file: { path: string; size: number; mtimeMs: number }): string {
  return createHash('sha256')
    .update(JSON.stringify([server, resolve(file.path), file.size, Math.trunc(file.mtimeMs)]))
    .digest('hex');
}

export class ResumeState {
  constructor(readonly file: string) {}

  async get(fingerprint: string): Promise<ResumeEntry | null> {
    return (await this.#read())[fingerprint] ?? null;
  }

  async set(fingerprint: string, entry: ResumeEntry): Promise<void> {
    await this.#update((all) => {
      all[fingerprint] = entry;
    });
  }

  async delete(fingerprint: string): Promise<void> {
    await this.#update((all) => {
      delete all[fingerprint];
    });
  }

  async #read(): Promise<Record<string, ResumeEntry>> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const out: Record<string, ResumeEntry> = {};
      for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (isEntry(v)) out[k] = v;
      }
      return out;
    } catch {
      // Missing or damaged: resuming is an optimisation, never a reason to fail an upload.
      return {};
    }
  }

  async #update(change: (all: Record<string, ResumeEntry>) => void): Promise<void> {
    const all = await this.#read();
    change(all);
    const cutoff = Date.now() - MAX_AGE_MS;
    for (const [k, v] of Object.entries(all)) if (!(Date.parse(v.savedAt) >= cutoff)) delete all[k];
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      // Write then rename: a crash never leaves half a JSON file behind.
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.file);
    } catch {
      // A read-only home must not stop a publish; it only loses the ability to resume.
    }
  }
}

function isEntry(v: unknown): v is ResumeEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.uploadId === 'string' &&
    typeof e.server === 'string' &&
    typeof e.path === 'string' &&
    typeof e.size === 'number' &&
    typeof e.mtimeMs === 'number' &&
    typeof e.savedAt === 'string'
  );
}
