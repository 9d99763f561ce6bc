// Bundle conversion jobs (see BundleJobRepository in ports/repositories.ts). A claim is one
// conditional UPDATE, as webhook deliveries and blob intents are claimed: of instances racing for a
// job exactly one changes the row; a running job whose lease lapsed (its instance died) is claimable.
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { BundleJobRecord, BundleJobRepository, BundleJobState } from '../ports/repositories.js';
import { fromDbNullableTime, fromDbTime, toDbTime } from './rows.js';
import type { BundleJobsTable, Database } from './schema.js';

/** Candidates read per claim: a few, as several instances may lose the race for the first ones. */
const CANDIDATES = 5;

function toRecord(row: Selectable<BundleJobsTable>): BundleJobRecord {
  return {
    releaseId: row.release_id,
    state: row.state as BundleJobState,
    attempts: Number(row.attempts),
    holder: row.holder,
    leaseUntil: fromDbNullableTime(row.lease_until),
    error: row.error,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

export function bundleJobRepository(db: Kysely<Database>): BundleJobRepository {
  const get = async (releaseId: string): Promise<BundleJobRecord | null> => {
    const row = await db.selectFrom('bundle_jobs').selectAll().where('release_id', '=', releaseId).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    async create(releaseId, at) {
      const when = toDbTime(at);
      await db
        .insertInto('bundle_jobs')
        .values({ release_id: releaseId, state: 'queued', attempts: 0, holder: null, lease_until: null, error: null, created_at: when, updated_at: when })
        .execute();
    },
    get,
    async claimNext(holder, now, until) {
      const at = toDbTime(now);
      const claimable = (eb: ExpressionBuilder<Database, 'bundle_jobs'>) =>
        eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_until', '<=', at)])]);
      const candidates = await db
        .selectFrom('bundle_jobs')
        .select(['release_id', 'attempts'])
        .where(claimable)
        .orderBy('created_at')
        .limit(CANDIDATES)
        .execute();
      for (const c of candidates) {
        // Conditional on the attempt count read: another instance's claim in between changed it.
        const res = await db
          .updateTable('bundle_jobs')
          .set({ state: 'running', holder, lease_until: toDbTime(until), attempts: Number(c.attempts) + 1, updated_at: at })
          .where('release_id', '=', c.release_id)
          .where('attempts', '=', Number(c.attempts))
          .where(claimable)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) return get(c.release_id);
      }
      return null;
    },
    async renew(releaseId, holder, until) {
      const res = await db
        .updateTable('bundle_jobs')
        .set({ lease_until: toDbTime(until) })
        .where('release_id', '=', releaseId)
        .where('state', '=', 'running')
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async finish(releaseId, holder, outcome) {
      const res = await db
        .updateTable('bundle_jobs')
        .set({ state: outcome.state, error: outcome.error, holder: null, lease_until: null, updated_at: toDbTime(outcome.at) })
        .where('release_id', '=', releaseId)
        .where('state', '=', 'running')
        .where('holder', '=', holder)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}
