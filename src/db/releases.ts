import type { Kysely, Selectable } from 'kysely';
import { OtashipError } from '../core/errors.js';
import type { PackageInfo } from '../core/types.js';
import type { Page, ReleaseBundle, ReleaseRecord, ReleaseRepository, ReleaseSource } from '../ports/repositories.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { newId } from './ids.js';
import { fromDbNullableBool, fromDbNumber, fromDbTime, toDbNullableBool, toDbTime } from './rows.js';
import type { Database, ReleasesTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './sql-errors.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function toRecord(row: Selectable<ReleasesTable>): ReleaseRecord {
  return {
    id: row.id,
    appId: row.app_id,
    version: row.version,
    build: row.build,
    name: row.name,
    size: fromDbNumber(row.size),
    sha256: row.sha256,
    packageKey: row.package_key,
    iconKey: row.icon_key,
    icon57Key: row.icon57_key,
    icon512Key: row.icon512_key,
    info: JSON.parse(row.info) as PackageInfo,
    notes: row.notes,
    isPublic: fromDbNullableBool(row.is_public),
    createdAt: fromDbTime(row.created_at),
    source: row.source ? (JSON.parse(row.source) as ReleaseSource) : null,
    bundle: row.bundle ? (JSON.parse(row.bundle) as ReleaseBundle) : null,
  };
}

export function releaseRepository(db: Kysely<Database>): ReleaseRepository {
  const get = async (id: string): Promise<ReleaseRecord | null> => {
    const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    async create(release) {
      if (!Number.isSafeInteger(release.size) || release.size < 0) {
        throw new OtashipError('VALIDATION', `release size ${release.size} is not a byte count`);
      }
      const row = {
        id: release.id ?? newId(),
        app_id: release.appId,
        version: release.version,
        build: release.build,
        name: release.name,
        size: release.size,
        sha256: release.sha256,
        package_key: release.packageKey,
        icon_key: release.iconKey,
        icon57_key: release.icon57Key,
        icon512_key: release.icon512Key,
        info: JSON.stringify(release.info),
        notes: release.notes,
        is_public: toDbNullableBool(release.isPublic),
        created_at: toDbTime(release.createdAt ?? new Date()),
        source: release.source ? JSON.stringify(release.source) : null,
        bundle: release.bundle ? JSON.stringify(release.bundle) : null,
      };
      try {
        await db.insertInto('releases').values(row).execute();
      } catch (err) {
        if (isForeignKeyViolation(err)) {
          throw new OtashipError('NOT_FOUND', `app ${release.appId} does not exist`, { cause: err });
        }
        if (isUniqueViolation(err)) throw new OtashipError('CONFLICT', `release ${row.id} already exists`, { cause: err });
        throw err;
      }
      return toRecord(row);
    },
    get,
    async listByApp(appId, options = {}): Promise<Page<ReleaseRecord>> {
      const limit = Math.min(Math.max(Math.floor(options.limit ?? DEFAULT_PAGE), 1), MAX_PAGE);
      let query = db.selectFrom('releases').selectAll().where('app_id', '=', appId);
      if (options.cursor) {
        const after = decodeCursor(options.cursor);
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
          ]),
        );
      }
      // One extra row tells whether another page exists without a count query.
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      const nextCursor =
        rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null;
      return { items, nextCursor };
    },
    async latest(appId) {
      const row = await db
        .selectFrom('releases')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async update(id, patch) {
      const set: { notes?: string; is_public?: number | null } = {};
      if (patch.notes !== undefined) set.notes = patch.notes;
      if (patch.isPublic !== undefined) set.is_public = toDbNullableBool(patch.isPublic);
      if (Object.keys(set).length === 0) return get(id);
      const res = await db.updateTable('releases').set(set).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0 ? get(id) : null;
    },
    async attachApk(id, apk) {
      const current = await get(id);
      if (!current?.bundle || current.bundle.apkReady) return null;
      const bundle: ReleaseBundle = { ...current.bundle, apkReady: true, signer: apk.signer };
      // Conditional on the bundle still being the one read: a racing second attach changes nothing twice.
      const res = await db
        .updateTable('releases')
        .set({ package_key: apk.packageKey, size: apk.size, sha256: apk.sha256, info: JSON.stringify(apk.info), bundle: JSON.stringify(bundle) })
        .where('id', '=', id)
        .where('bundle', '=', JSON.stringify(current.bundle))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0 ? get(id) : null;
    },
    async delete(id) {
      const res = await db.deleteFrom('releases').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async allBlobKeys() {
      const rows = await db
        .selectFrom('releases')
        .select(['package_key', 'icon_key', 'icon57_key', 'icon512_key', 'bundle'])
        .execute();
      const keys = new Set<string>();
      for (const row of rows) {
        const bundleKey = row.bundle ? (JSON.parse(row.bundle) as ReleaseBundle).key : null;
        for (const key of [row.package_key, row.icon_key, row.icon57_key, row.icon512_key, bundleKey]) if (key) keys.add(key);
      }
      return [...keys].sort();
    },
    async packageHashes() {
      const rows = await db.selectFrom('releases').select(['id', 'package_key', 'sha256', 'bundle']).orderBy('id').execute();
      return rows.flatMap((row) => {
        const bundle = row.bundle ? (JSON.parse(row.bundle) as ReleaseBundle) : null;
        // A bundle is checked like a package; the APK key of one not converted yet names no blob.
        const own = bundle && !bundle.apkReady ? [] : [{ releaseId: row.id, packageKey: row.package_key, sha256: row.sha256 }];
        return bundle ? [...own, { releaseId: row.id, packageKey: bundle.key, sha256: bundle.sha256 }] : own;
      });
    },
  };
}
