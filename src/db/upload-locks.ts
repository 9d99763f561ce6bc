// Resumable-upload records and write leases (see UploadLockRepository). Taking a lease is one
// statement — an UPSERT whose update only applies when the lease is free or lapsed — so two
// instances racing for the same upload cannot both win, on SQLite and PostgreSQL alike.
import { sql, type Kysely } from 'kysely';
import type { UploadLockRepository } from '../ports/repositories.js';
import { fromDbBool, fromDbNumber, toDbBool, toDbTime } from './rows.js';
import type { Database } from './schema.js';

export function uploadLockRepository(db: Kysely<Database>): UploadLockRepository {
  return {
    async register({ uploadId, ownerTokenId, size, createdAt }) {
      await db
        .insertInto('upload_locks')
        .values({
          upload_id: uploadId,
          owner_token_id: ownerTokenId,
          size,
          created_at: toDbTime(createdAt),
          holder: null,
          lease_until: null,
          release_requested: toDbBool(false),
        })
        .onConflict((oc) => oc.column('upload_id').doNothing())
        .execute();
    },
    async setSize(uploadId, size) {
      await db.updateTable('upload_locks').set({ size }).where('upload_id', '=', uploadId).execute();
    },
    async usage(ownerTokenId) {
      const row = await db
        .selectFrom('upload_locks')
        .select((eb) => [eb.fn.countAll<number | string>().as('n'), sql<number | string | null>`sum(${eb.ref('size')})`.as('bytes')])
        .where('owner_token_id', '=', ownerTokenId)
        .executeTakeFirst();
      return { count: fromDbNumber(row?.n ?? 0), bytes: row?.bytes == null ? 0 : fromDbNumber(row.bytes) };
    },
    async acquire(uploadId, holder, now, until) {
      const at = toDbTime(now);
      const res = await db
        .insertInto('upload_locks')
        .values({
          upload_id: uploadId,
          owner_token_id: null,
          size: null,
          created_at: at,
          holder,
          lease_until: toDbTime(until),
          release_requested: toDbBool(false),
        })
        .onConflict((oc) =>
          oc
            .column('upload_id')
            .doUpdateSet({ holder, lease_until: toDbTime(until), release_requested: toDbBool(false) })
            .where((eb) => eb.or([eb('upload_locks.holder', 'is', null), eb('upload_locks.lease_until', '<=', at)])),
        )
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async renew(uploadId, holder, until) {
      const res = await db
        .updateTable('upload_locks')
        .set({ lease_until: toDbTime(until) })
        .where('upload_id', '=', uploadId)
        .where('holder', '=', holder)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      const row = await db
        .selectFrom('upload_locks')
        .select('release_requested')
        .where('upload_id', '=', uploadId)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return row ? { releaseRequested: fromDbBool(row.release_requested) } : null;
    },
    async requestRelease(uploadId) {
      await db
        .updateTable('upload_locks')
        .set({ release_requested: toDbBool(true) })
        .where('upload_id', '=', uploadId)
        .where('holder', 'is not', null)
        .execute();
    },
    async release(uploadId, holder) {
      await db
        .updateTable('upload_locks')
        .set({ holder: null, lease_until: null, release_requested: toDbBool(false) })
        .where('upload_id', '=', uploadId)
        .where('holder', '=', holder)
        .execute();
    },
    async remove(uploadId) {
      await db.deleteFrom('upload_locks').where('upload_id', '=', uploadId).execute();
    },
    async prune(before) {
      const res = await db.deleteFrom('upload_locks').where('created_at', '<', toDbTime(before)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
