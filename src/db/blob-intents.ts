// Blob write intents (see BlobIntentRepository in ports/repositories.ts). Claims work like webhook
// deliveries': one conditional UPDATE, so of several instances sweeping at once exactly one removes
// a given prefix's blobs, and a claim left by a crashed sweeper lapses.
import type { Kysely } from 'kysely';
import type { BlobIntentRepository } from '../ports/repositories.js';
import { fromDbTime, toDbTime } from './rows.js';
import type { Database } from './schema.js';

export function blobIntentRepository(db: Kysely<Database>): BlobIntentRepository {
  return {
    async record(prefix, at) {
      await db
        .insertInto('blob_intents')
        .values({ prefix, created_at: toDbTime(at), claimed_until: null })
        .onConflict((oc) => oc.column('prefix').doNothing())
        .execute();
    },
    async forget(prefix) {
      await db.deleteFrom('blob_intents').where('prefix', '=', prefix).execute();
    },
    async stale(before, now, limit) {
      const at = toDbTime(now);
      const rows = await db
        .selectFrom('blob_intents')
        .select(['prefix', 'created_at'])
        .where('created_at', '<', toDbTime(before))
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ prefix: r.prefix, createdAt: fromDbTime(r.created_at) }));
    },
    async claim(prefix, before, now, until) {
      const at = toDbTime(now);
      const res = await db
        .updateTable('blob_intents')
        .set({ claimed_until: toDbTime(until) })
        .where('prefix', '=', prefix)
        .where('created_at', '<', toDbTime(before))
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async prefixes() {
      const rows = await db.selectFrom('blob_intents').select('prefix').execute();
      return rows.map((r) => r.prefix);
    },
  };
}
