// Apps and releases as seen through the API and the admin: list, read, edit, delete — every call
// authorised here, every deletion removing the release's blobs too.
import { OtashipError } from '../core/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { AppRecord, Page, ReleaseRecord, Repositories } from '../ports/repositories.js';
import { authorize, visibleAppIds } from './authz.js';
import { isId } from './ids.js';
import type { Principal } from './principal.js';
import { MAX_NOTES, releasePrefix } from './publish/publish.js';
import { systemClock, type Clock } from './clock.js';
import type { ReleaseEventSink } from './webhooks.js';

export interface AppPatch {
  name?: unknown;
  isPublic?: unknown;
}

export interface ReleasePatch {
  notes?: unknown;
  isPublic?: unknown;
}

export class CatalogService {
  constructor(
    private readonly repos: Repositories,
    private readonly blobs: BlobStore,
    /** Webhooks: release.updated / release.deleted are recorded in the change's own transaction. */
    private readonly events?: ReleaseEventSink,
    /** Blob intents are recorded at this time (the sweeper's grace period counts from it). */
    private readonly clock: Clock = systemClock,
  ) {}

  async listApps(principal: Principal): Promise<AppRecord[]> {
    authorize(principal, 'app:list');
    const visible = visibleAppIds(principal);
    const apps = await this.repos.apps.list();
    return visible === 'all' ? apps : apps.filter((a) => visible.includes(a.id));
  }

  /** The apps the principal may see, each with its latest release (null before the first). */
  async listAppsWithLatest(principal: Principal): Promise<Array<{ app: AppRecord; latest: ReleaseRecord | null }>> {
    const apps = await this.listApps(principal);
    return Promise.all(apps.map(async (app) => ({ app, latest: await this.repos.releases.latest(app.id) })));
  }

  /** An app the principal may see, with its latest release (null before the first). */
  async getAppWithLatest(principal: Principal, appId: string): Promise<{ app: AppRecord; latest: ReleaseRecord | null }> {
    const app = await this.getApp(principal, appId);
    return { app, latest: await this.repos.releases.latest(app.id) };
  }

  async getApp(principal: Principal, appId: string): Promise<AppRecord> {
    const app = await this.#app(appId);
    authorize(principal, 'app:read', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('app', appId) });
    return app;
  }

  async updateApp(principal: Principal, appId: string, patch: AppPatch): Promise<AppRecord> {
    const app = await this.#app(appId);
    authorize(principal, 'app:update', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('app', appId) });
    const clean: { name?: string; isPublic?: boolean } = {};
    if (patch.name !== undefined) {
      if (typeof patch.name !== 'string' || !patch.name.trim() || patch.name.length > 200) {
        throw new OtashipError('VALIDATION', 'name must be 1-200 characters of text');
      }
      clean.name = patch.name.trim();
    }
    if (patch.isPublic !== undefined) {
      if (typeof patch.isPublic !== 'boolean') throw new OtashipError('VALIDATION', 'isPublic must be true or false');
      clean.isPublic = patch.isPublic;
    }
    const updated = await this.repos.apps.update(app.id, clean);
    if (!updated) throw notFound('app', appId);
    return updated;
  }

  /**
   * Deletes an app, its releases and all their blobs. In one transaction: every release's blob
   * prefix is recorded as a blob intent, release.deleted is recorded for webhooks, and the records go
   * (the app row cascades to its releases, counters, app-limited tokens and webhooks). Then the blobs
   * are removed and the intents forgotten. A crash or storage fault in between leaves intents, so the
   * blob sweeper (blob-gc.ts) removes those blobs after its grace period: nothing is left behind, and
   * nothing is removed while a release still names it.
   */
  async deleteApp(principal: Principal, appId: string): Promise<void> {
    const app = await this.#app(appId);
    authorize(principal, 'app:delete', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('app', appId) });
    const releases = await this.repos.transaction(async (tx) => {
      // Before listing: a release added while this runs must be listed, or wait until the app is gone.
      await tx.apps.lockReleases(app.id);
      const all: ReleaseRecord[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<ReleaseRecord> = await tx.releases.listByApp(app.id, { limit: 200, cursor });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const now = this.clock();
      for (const r of all) {
        await tx.blobIntents.record(releasePrefix(r.id), now);
        await this.events?.record(tx, 'release.deleted', app, r);
      }
      if (!(await tx.apps.delete(app.id))) throw notFound('app', appId);
      return all;
    });
    this.events?.notify();
    // One release at a time: an app with many releases must not open hundreds of requests at once.
    for (const r of releases) await this.#removeReleaseFiles(r);
  }

  /** Everything still under a deleted release's prefix (blobs its record did not name, if any). */
  async #removePrefix(prefix: string): Promise<void> {
    const left: string[] = [];
    for await (const key of this.blobs.list(prefix)) left.push(key);
    for (const key of left) await this.blobs.delete(key);
  }

  /**
   * One app's releases that match `filter`, newest first, `limit` at most. Scans pages of the
   * listing (at most `maxScan` releases per call) so a rare match in a long history does not read it
   * all at once: nextCursor continues the search where it stopped, also when nothing matched yet.
   */
  async searchReleases(
    principal: Principal,
    appId: string,
    filter: (release: ReleaseRecord) => boolean,
    options: { cursor?: string | null; limit: number; maxScan?: number },
  ): Promise<{ app: AppRecord; page: Page<ReleaseRecord> }> {
    const app = await this.getApp(principal, appId);
    const maxScan = options.maxScan ?? 1000;
    const items: ReleaseRecord[] = [];
    let cursor = options.cursor ?? null;
    let scanned = 0;
    do {
      // Never read past the `limit`-th match: the page's own cursor then continues right after it.
      const want = Math.min(options.limit - items.length, maxScan - scanned);
      const page = await this.repos.releases.listByApp(app.id, { limit: want, cursor });
      scanned += page.items.length;
      items.push(...page.items.filter(filter));
      cursor = page.nextCursor;
    } while (cursor && items.length < options.limit && scanned < maxScan);
    return { app, page: { items, nextCursor: cursor } };
  }

  async listReleases(
    principal: Principal,
    appId: string,
    options: { cursor?: string | null; limit?: number } = {},
  ): Promise<{ app: AppRecord; page: Page<ReleaseRecord> }> {
    const app = await this.getApp(principal, appId);
    const page = await this.repos.releases.listByApp(app.id, options);
    return { app, page };
  }

  async getRelease(principal: Principal, releaseId: string): Promise<{ app: AppRecord; release: ReleaseRecord }> {
    const found = await this.#release(releaseId);
    authorize(principal, 'release:read', { appId: found.app.id, label: `app ${found.app.bundleId}`, ref: ref('release', releaseId) });
    return found;
  }

  async updateRelease(
    principal: Principal,
    releaseId: string,
    patch: ReleasePatch,
  ): Promise<{ app: AppRecord; release: ReleaseRecord }> {
    const { app, release } = await this.#release(releaseId);
    authorize(principal, 'release:update', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('release', releaseId) });
    // Notes are a developer's; making a build public (a link anyone can open) is a manager's.
    if (patch.isPublic !== undefined) {
      authorize(principal, 'release:visibility', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('release', releaseId) });
    }
    const clean: { notes?: string; isPublic?: boolean | null } = {};
    if (patch.notes !== undefined) {
      if (typeof patch.notes !== 'string' || patch.notes.length > MAX_NOTES) {
        throw new OtashipError('VALIDATION', `notes must be text of at most ${MAX_NOTES} characters`);
      }
      clean.notes = patch.notes;
    }
    if (patch.isPublic !== undefined) {
      if (typeof patch.isPublic !== 'boolean' && patch.isPublic !== null) {
        throw new OtashipError('VALIDATION', 'isPublic must be true, false or null (inherit from the app)');
      }
      clean.isPublic = patch.isPublic;
    }
    const updated = await this.repos.transaction(async (tx) => {
      const changed = await tx.releases.update(release.id, clean);
      if (changed && Object.keys(clean).length > 0) await this.events?.record(tx, 'release.updated', app, changed);
      return changed;
    });
    if (!updated) throw notFound('release', releaseId);
    this.events?.notify();
    return { app, release: updated };
  }

  async deleteRelease(principal: Principal, releaseId: string): Promise<void> {
    const { app, release } = await this.#release(releaseId);
    authorize(principal, 'release:delete', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('release', releaseId) });
    // As for a whole app (deleteApp): the intent makes a storage fault after the commit a delay
    // for the sweeper, not files left behind for ever.
    await this.repos.transaction(async (tx) => {
      await tx.blobIntents.record(releasePrefix(release.id), this.clock());
      await this.events?.record(tx, 'release.deleted', app, release);
      await tx.releases.delete(release.id);
    });
    this.events?.notify();
    await this.#removeReleaseFiles(release);
  }

  /** A deleted release's files, then its intent (kept if a delete fails: the sweeper retries). */
  async #removeReleaseFiles(r: ReleaseRecord): Promise<void> {
    await this.#deleteBlobs(r);
    await this.#removePrefix(releasePrefix(r.id));
    await this.repos.blobIntents.forget(releasePrefix(r.id));
  }

  async #deleteBlobs(r: ReleaseRecord): Promise<void> {
    const keys = [r.packageKey, r.iconKey, r.icon57Key, r.icon512Key].filter((k): k is string => k !== null);
    await Promise.all(keys.map((k) => this.blobs.delete(k)));
  }

  async #app(appId: string): Promise<AppRecord> {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    if (!app) throw notFound('app', appId);
    return app;
  }

  async #release(releaseId: string): Promise<{ app: AppRecord; release: ReleaseRecord }> {
    const release = isId(releaseId) ? await this.repos.releases.get(releaseId) : null;
    const app = release ? await this.repos.apps.get(release.appId) : null;
    if (!release || !app) throw notFound('release', releaseId);
    return { app, release };
  }
}

function notFound(kind: string, id: string): OtashipError {
  return new OtashipError('NOT_FOUND', `${ref(kind, id)} does not exist`);
}

/** How a caller's id is named in "does not exist": the same for a missing id and a hidden one (authz). */
function ref(kind: string, id: string): string {
  return `${kind} ${id.slice(0, 64)}`;
}
