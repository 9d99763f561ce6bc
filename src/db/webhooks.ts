// Webhooks and their delivery outbox. Claiming is one conditional UPDATE (pending, due and not
// claimed, or the claim lapsed): whichever instance's UPDATE changes the row owns the attempt, on
// SQLite and PostgreSQL alike.
import type { Kysely, Selectable } from 'kysely';
import { OtashipError } from '../core/errors.js';
import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryState,
  WebhookEvent,
  WebhookRecord,
  WebhookRepository,
} from '../ports/repositories.js';
import { fromDbNumber, fromDbTime, toDbTime } from './rows.js';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './sql-errors.js';

function toHook(row: Selectable<WebhooksTable>): WebhookRecord {
  return {
    id: row.id,
    url: row.url,
    events: row.events ? (row.events.split(',') as WebhookEvent[]) : [],
    appId: row.app_id,
    description: row.description,
    createdAt: fromDbTime(row.created_at),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event as WebhookEvent,
    payload: row.payload,
    state: row.state as WebhookDeliveryState,
    attemptCount: fromDbNumber(row.attempt_count),
    nextAttemptAt: fromDbTime(row.next_attempt_at),
    createdAt: fromDbTime(row.created_at),
  };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    attemptedAt: fromDbTime(row.attempted_at),
    statusCode: row.status_code === null ? null : fromDbNumber(row.status_code),
    error: row.error,
    durationMs: fromDbNumber(row.duration_ms),
  };
}

export function webhookRepository(db: Kysely<Database>): WebhookRepository {
  return {
    async create(hook) {
      const row = {
        id: hook.id,
        url: hook.url,
        events: hook.events.join(','),
        app_id: hook.appId,
        description: hook.description,
        created_at: toDbTime(hook.createdAt),
      };
      try {
        await db.insertInto('webhooks').values(row).execute();
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new OtashipError('NOT_FOUND', `app ${String(hook.appId)} does not exist`, { cause: err });
        if (isUniqueViolation(err)) throw new OtashipError('CONFLICT', `webhook ${hook.id} already exists`, { cause: err });
        throw err;
      }
      return toHook(row);
    },
    async get(id) {
      const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toHook(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('webhooks').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toHook);
    },
    async delete(id) {
      const res = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async subscribers(event, appId) {
      const rows = await db
        .selectFrom('webhooks')
        .selectAll()
        .where((eb) => eb.or([eb('app_id', 'is', null), eb('app_id', '=', appId)]))
        .orderBy('id')
        .execute();
      return rows.map(toHook).filter((h) => h.events.includes(event));
    },
    async enqueue(deliveries) {
      if (deliveries.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map((d) => ({
            id: d.id,
            webhook_id: d.webhookId,
            event: d.event,
            payload: d.payload,
            state: 'pending',
            attempt_count: 0,
            next_attempt_at: toDbTime(d.createdAt),
            claimed_until: null,
            created_at: toDbTime(d.createdAt),
          })),
        )
        .execute();
    },
    async due(now, limit) {
      const at = toDbTime(now);
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async claim(id, now, until) {
      const at = toDbTime(now);
      const res = await db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: toDbTime(until) })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : null;
    },
    async recordAttempt(attempt, next) {
      // Two statements, not a transaction (these repositories may already be bound to one): the
      // attempt is logged first, so a crash in between only repeats a delivery once its claim lapses.
      try {
        await db
          .insertInto('webhook_attempts')
          .values({
            id: attempt.id,
            delivery_id: attempt.deliveryId,
            webhook_id: attempt.webhookId,
            attempted_at: toDbTime(attempt.attemptedAt),
            status_code: attempt.statusCode,
            error: attempt.error,
            duration_ms: Math.max(0, Math.round(attempt.durationMs)),
          })
          .execute();
      } catch (err) {
        // The webhook (and with it the delivery) was deleted while the request was in flight.
        if (isForeignKeyViolation(err)) return;
        throw err;
      }
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          state: next.state,
          attempt_count: eb('attempt_count', '+', 1),
          next_attempt_at: toDbTime(next.nextAttemptAt),
          claimed_until: null,
        }))
        .where('id', '=', attempt.deliveryId)
        .execute();
    },
    async getDelivery(id) {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : null;
    },
    async requeue(id, at) {
      const res = await db
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', attempt_count: 0, next_attempt_at: toDbTime(at), claimed_until: null })
        .where('id', '=', id)
        .where('state', '!=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async prune(before) {
      const res = await db
        .deleteFrom('webhook_deliveries')
        .where('state', '!=', 'pending')
        .where('created_at', '<', toDbTime(before))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async deliveries(webhookId, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      const attempts = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('attempted_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        ...toDelivery(r),
        attempts: attempts.filter((a) => a.delivery_id === r.id).map(toAttempt),
      }));
    },
  };
}
