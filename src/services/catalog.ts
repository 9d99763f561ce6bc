// Apps and releases as seen through the API and the admin: list, read, edit, delete — every call
// authorised here, every deletion removing the release's blobs too.
import { OtashipError } from '../core/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { AppRecord, Page, ReleaseRecord, Repositories } from '../ports/repositories.js';
import { authorize, visibleAppIds } from './authz.js';
import { isId } from './ids.js';
import type { Principal } from './principal.js';
import { MAX_NOTES } from './publish/publish.js';
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
  ) {}

  async listApps(principal: Principal): Promise<AppRecord[]> {
    authorize(principal, 'app:list');
    const visible = visibleAppIds(principal);
    const apps = await this.repos.apps.list();
    return visible === 'all' ? apps : apps.filter((a) => visible.includes(a.id));
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

  /** Deletes an app, its releases and all their blobs. */
  async deleteApp(principal: Principal, appId: string): Promise<void> {
    const app = await this.#app(appId);
    authorize(principal, 'app:delete', { appId: app.id, label: `app ${app.bundleId}`, ref: ref('app', appId) });
    const releases: ReleaseRecord[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<ReleaseRecord> = await this.repos.releases.listByApp(app.id, { limit: 200, cursor });
      releases.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    // Records first: once they are gone nothing links to the blobs, so a crash in between leaves
    // only unreferenced blobs (found by allBlobKeys), never a release pointing at missing data.
    await this.repos.apps.delete(app.id);
    await Promise.all(releases.map((r) => this.#deleteBlobs(r)));
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
    await this.repos.transaction(async (tx) => {
      await this.events?.record(tx, 'release.deleted', app, release);
      await tx.releases.delete(release.id);
    });
    this.events?.notify();
    await this.#deleteBlobs(release);
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
