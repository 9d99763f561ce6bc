import type { Kysely } from 'kysely';
import { OtashipError } from '../core/errors.js';
import type { CounterKind, CounterRepository, ReleaseCounts } from '../ports/repositories.js';
import { fromDbNumber } from './rows.js';
import type { Database } from './schema.js';
import { isForeignKeyViolation } from './sql-errors.js';

const FIELD: Record<CounterKind, keyof ReleaseCounts> = {
  page_view: 'pageViews',
  manifest_fetch: 'manifestFetches',
  download_start: 'downloadsStarted',
  download_complete: 'downloadsCompleted',
};

export function counterRepository(db: Kysely<Database>): CounterRepository {
  return {
    async increment(releaseId, kind, by = 1) {
      if (!(kind in FIELD)) throw new OtashipError('VALIDATION', `unknown counter kind "${String(kind)}"`);
      if (!Number.isSafeInteger(by) || by < 0) throw new OtashipError('VALIDATION', `counter increment ${by} is not a whole number ≥ 0`);
      try {
        // INSERT … SELECT from releases: inserts nothing for a release deleted meanwhile, and the
        // UPSERT adds in the database, so increments from concurrent instances all count.
        await db
          .insertInto('counters')
          .columns(['release_id', 'kind', 'n'])
          .expression((eb) =>
            eb
              .selectFrom('releases')
              .select((s) => [s.ref('releases.id').as('release_id'), s.val(kind).as('kind'), s.cast<number>(s.val(by), 'bigint').as('n')])
              .where('releases.id', '=', releaseId),
          )
          .onConflict((oc) =>
            oc.columns(['release_id', 'kind']).doUpdateSet((eb) => ({ n: eb(eb.ref('counters.n'), '+', eb.ref('excluded.n')) })),
          )
          .execute();
      } catch (err) {
        // The release vanished between the SELECT and the INSERT: same as above, not an error.
        if (isForeignKeyViolation(err)) return;
        throw err;
      }
    },
    async get(releaseId) {
      const counts: ReleaseCounts = { pageViews: 0, manifestFetches: 0, downloadsStarted: 0, downloadsCompleted: 0 };
      const rows = await db.selectFrom('counters').select(['kind', 'n']).where('release_id', '=', releaseId).execute();
      for (const row of rows) {
        const field = FIELD[row.kind as CounterKind];
        if (field) counts[field] = fromDbNumber(row.n);
      }
      return counts;
    },
  };
}
