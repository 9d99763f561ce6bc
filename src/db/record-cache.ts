// A short-lived cache of app and release records by id, in front of the database.
//
// Why: every request on the install surface (page, manifest, package, icons) reads its release and
// app by id. Under a burst of installs (a QA team tapping one link, the iOS daemon fetching the
// manifest) those two queries were ~30 % of the server's CPU per manifest request (measured with
// --cpu-prof under `npm run bench -- --only server`). Records change rarely; reads come in bursts.
//
// Consistency: any write through these repositories (or any transaction) empties the cache before
// and after it runs, and a read that raced a write is not stored, so one instance always reads its
// own writes. Another instance's write is seen within TTL_MS: that is the whole staleness window,
// documented in the README's scale-out section. Misses (null) are never stored, so a release
// published on another instance is found at once. Cached records are frozen, so a caller that
// tried to modify one would fail loudly instead of corrupting what the next request reads.
import type { AppRecord, AppRepository, ReleaseRecord, ReleaseRepository, Repositories } from '../ports/repositories.js';

const RECORD_CACHE_TTL_MS = 1000;
/** Bounded: an id-guessing client cannot grow it (misses are not stored) and hot records fit many times over. */
const MAX_ENTRIES = 5000;

interface Entry<T> {
  value: T;
  expires: number;
}

class RecordCache {
  #generation = 0;
  readonly #maps = { app: new Map<string, Entry<AppRecord>>(), release: new Map<string, Entry<ReleaseRecord>>() };

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  clear(): void {
    this.#generation++;
    this.#maps.app.clear();
    this.#maps.release.clear();
  }

  async read<K extends 'app' | 'release', T extends AppRecord | ReleaseRecord>(
    kind: K,
    id: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const map = this.#maps[kind] as Map<string, Entry<T>>;
    const hit = map.get(id);
    const now = this.now();
    if (hit && hit.expires > now) return hit.value;
    const generation = this.#generation;
    const value = await load();
    if (value && generation === this.#generation) {
      if (map.size >= MAX_ENTRIES) map.clear();
      map.set(id, { value: deepFreeze(value), expires: now + this.ttlMs });
    }
    return value;
  }

  /** Runs a write with the cache emptied before and after it. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    this.clear();
    try {
      return await fn();
    } finally {
      this.clear();
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Date) && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** `repos` with app and release reads by id cached for `ttlMs`; every other call passes through. */
export function withRecordCache(repos: Repositories, ttlMs = RECORD_CACHE_TTL_MS, now: () => number = () => performance.now()): Repositories {
  const cache = new RecordCache(ttlMs, now);
  const apps: AppRepository = {
    get: (id) => cache.read('app', id, () => repos.apps.get(id)),
    findByBundle: (platform, bundleId) => repos.apps.findByBundle(platform, bundleId),
    list: () => repos.apps.list(),
    create: (app) => cache.write(() => repos.apps.create(app)),
    update: (id, patch) => cache.write(() => repos.apps.update(id, patch)),
    delete: (id) => cache.write(() => repos.apps.delete(id)),
    lockReleases: (id) => repos.apps.lockReleases(id),
  };
  const releases: ReleaseRepository = {
    get: (id) => cache.read('release', id, () => repos.releases.get(id)),
    listByApp: (appId, options) => repos.releases.listByApp(appId, options),
    latest: (appId) => repos.releases.latest(appId),
    allBlobKeys: () => repos.releases.allBlobKeys(),
    packageHashes: () => repos.releases.packageHashes(),
    create: (release) => cache.write(() => repos.releases.create(release)),
    update: (id, patch) => cache.write(() => repos.releases.update(id, patch)),
    attachApk: (id, apk) => cache.write(() => repos.releases.attachApk(id, apk)),
    delete: (id) => cache.write(() => repos.releases.delete(id)),
  };
  return {
    ...repos,
    apps,
    releases,
    // Writes inside a transaction go through the transaction's own (uncached) repositories.
    transaction: (fn) => cache.write(() => repos.transaction(fn)),
    close: () => repos.close(),
  };
}
