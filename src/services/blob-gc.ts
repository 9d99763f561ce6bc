// Collecting blobs that no release claims, left by processes that died between writing a release's
// blobs and recording it (or by a failed publish that could not clean up, e.g. storage away).
//
// Two kinds, both only after a grace period that outlasts any live publish:
//  - stale intents: a release prefix recorded before its blobs were written and never forgotten by
//    a committed release. Each is claimed with one conditional UPDATE (as the webhook dispatcher
//    claims deliveries), so of several instances sweeping at once one removes a prefix's blobs.
//  - unreferenced blobs: under releases/, named by no release and under no intent (blobs written
//    before intents were recorded, or whose intent was lost); found only by `otaship storage gc`,
//    which lists the whole store.
import type { BlobStore } from '../ports/blob-store.js';
import type { Repositories } from '../ports/repositories.js';
import type { Clock } from './clock.js';

/** Longer than any live publish: uploads that stall are cancelled after at most a day. */
export const DEFAULT_GRACE_MS = 25 * 3600_000;
/** How long a claim keeps other instances off a prefix while its blobs are deleted. */
const CLAIM_MS = 10 * 60_000;
const BATCH = 100;

export interface GcOptions {
  /** List what would be removed, remove nothing (and claim nothing). */
  dryRun?: boolean;
  graceMs?: number;
}

export interface StaleIntent {
  prefix: string;
  createdAt: Date;
  /** Blobs found under the prefix (removed unless dryRun). */
  keys: string[];
  /** A committed release holds the prefix: its blobs are kept, only the intent is forgotten. */
  released: boolean;
}

export class BlobGc {
  constructor(
    private readonly repos: Pick<Repositories, 'blobIntents' | 'releases'>,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** Removes the blobs of stale intents (see module comment); returns what was (or would be) removed. */
  async sweepIntents(options: GcOptions = {}): Promise<StaleIntent[]> {
    const now = this.clock();
    const before = new Date(now.getTime() - (options.graceMs ?? DEFAULT_GRACE_MS));
    const out: StaleIntent[] = [];
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.repos.blobIntents.stale(before, now, BATCH)).filter((i) => !seen.has(i.prefix));
      if (batch.length === 0) break;
      for (const intent of batch) {
        seen.add(intent.prefix);
        if (!options.dryRun && !(await this.repos.blobIntents.claim(intent.prefix, before, now, new Date(now.getTime() + CLAIM_MS)))) {
          continue; // another instance has it
        }
        out.push(await this.#collect(intent, options.dryRun === true));
      }
      // A dry run claims nothing, so the same rows come back: one page is all it can see.
      if (options.dryRun || batch.length < BATCH) break;
    }
    return out;
  }

  async #collect(intent: { prefix: string; createdAt: Date }, dryRun: boolean): Promise<StaleIntent> {
    const releaseId = /^releases\/([^/]+)\/$/.exec(intent.prefix)?.[1];
    const released = releaseId !== undefined && (await this.repos.releases.get(releaseId)) !== null;
    const keys: string[] = [];
    if (!released) for await (const key of this.blobs.list(intent.prefix)) keys.push(key);
    if (!dryRun) {
      for (const key of keys) await this.blobs.delete(key);
      await this.repos.blobIntents.forget(intent.prefix);
    }
    return { ...intent, keys: keys.sort(), released };
  }

  /**
   * Blobs under releases/ that no release names and no intent covers, last written before the grace
   * period; removed unless dryRun. Lists the whole store: for `otaship storage gc`, not a timer.
   */
  async sweepUnreferenced(options: GcOptions = {}): Promise<string[]> {
    const before = this.clock().getTime() - (options.graceMs ?? DEFAULT_GRACE_MS);
    // Intents first, then the listing, then the references: a publish that starts after the intents
    // were read writes blobs younger than the grace period; one that commits meanwhile is referenced.
    const intents = await this.repos.blobIntents.prefixes();
    const listed: string[] = [];
    for await (const key of this.blobs.list('releases/')) listed.push(key);
    const referenced = new Set(await this.repos.releases.allBlobKeys());
    const out: string[] = [];
    for (const key of listed) {
      if (referenced.has(key) || intents.some((p) => key.startsWith(p))) continue;
      const stat = await this.blobs.stat(key);
      if (!stat || stat.lastModified.getTime() >= before) continue;
      if (!options.dryRun) await this.blobs.delete(key);
      out.push(key);
    }
    return out.sort();
  }
}
