import { PostgresAdapter, type Kysely, type Selectable } from 'kysely';
import { OtashipError } from '../core/errors.js';
import type { AppRecord, AppRepository, Platform } from '../ports/repositories.js';
import { newId } from './ids.js';
import { fromDbBool, fromDbTime, toDbBool, toDbTime } from './rows.js';
import type { AppsTable, Database } from './schema.js';
import { isUniqueViolation } from './sql-errors.js';

function toRecord(row: Selectable<AppsTable>): AppRecord {
  return {
    id: row.id,
    platform: row.platform as Platform,
    bundleId: row.bundle_id,
    name: row.name,
    isPublic: fromDbBool(row.is_public),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

export function appRepository(db: Kysely<Database>): AppRepository {
  const get = async (id: string): Promise<AppRecord | null> => {
    const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    async create(app) {
      const now = toDbTime(new Date());
      const row = {
        id: app.id ?? newId(),
        platform: app.platform,
        bundle_id: app.bundleId,
        name: app.name,
        is_public: toDbBool(app.isPublic),
        created_at: now,
        updated_at: now,
      };
      try {
        await db.insertInto('apps').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new OtashipError('CONFLICT', `an ${app.platform} app with bundle id ${app.bundleId} (or id ${row.id}) already exists`, { cause: err });
        }
        throw err;
      }
      return toRecord(row);
    },
    get,
    async findByBundle(platform, bundleId) {
      const row = await db
        .selectFrom('apps')
        .selectAll()
        .where('platform', '=', platform)
        .where('bundle_id', '=', bundleId)
        .executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('apps').selectAll().orderBy('name').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async update(id, patch) {
      const set: { name?: string; is_public?: number; updated_at: string } = { updated_at: toDbTime(new Date()) };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.isPublic !== undefined) set.is_public = toDbBool(patch.isPublic);
      const res = await db.updateTable('apps').set(set).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0 ? get(id) : null;
    },
    async delete(id) {
      const res = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async lockReleases(id) {
      // PostgreSQL: adding a release takes a KEY SHARE lock on its app row (the foreign key), which
      // FOR UPDATE waits for and then keeps out. SQLite has one writer at a time: a release
      // committed after this transaction's first read makes its later write fail, never pass.
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await db.selectFrom('apps').select('id').where('id', '=', id).forUpdate().execute();
    },
  };
}
