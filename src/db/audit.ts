import type { Kysely, Selectable } from 'kysely';
import type { AuditActorKind, AuditEntry, AuditOutcome, AuditRepository } from '../ports/audit.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { fromDbTime, toDbTime } from './rows.js';
import type { AuditLogTable, Database } from './schema.js';

export function auditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async append(e) {
      await db
        .insertInto('audit_log')
        .values({
          id: e.id,
          at: toDbTime(e.at),
          actor_kind: e.actorKind,
          actor_id: e.actorId,
          actor_label: e.actorLabel,
          client: e.client,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          target_label: e.targetLabel,
          app_id: e.appId,
          outcome: e.outcome,
          details: JSON.stringify(e.details),
        })
        .execute();
    },

    async list(filter, cursor, limit) {
      let q = db.selectFrom('audit_log').selectAll();
      if (filter.actor !== undefined) {
        const actor = filter.actor;
        q = q.where((eb) => eb.or([eb('actor_id', '=', actor), eb(eb.fn('lower', ['actor_label']), '=', actor.toLowerCase())]));
      }
      if (filter.action !== undefined) {
        // "release" matches release.publish, release.delete…; the action pattern (services/audit.ts)
        // admits no LIKE wildcards.
        const action = filter.action;
        q = q.where((eb) => eb.or([eb('action', '=', action), eb('action', 'like', `${action}.%`)]));
      }
      if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
      if (filter.appIds !== undefined) {
        if (filter.appIds.length === 0) return { items: [], nextCursor: null };
        q = q.where('app_id', 'in', [...filter.appIds]);
      }
      if (filter.from) q = q.where('at', '>=', toDbTime(filter.from));
      if (filter.to) q = q.where('at', '<', toDbTime(filter.to));
      if (cursor) {
        const after = decodeCursor(cursor);
        const at = after.createdAt;
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', after.id)])]));
      }
      // One more than asked tells whether another page follows.
      const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map(fromRow);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.at.toISOString(), id: last.id }) : null };
    },

    async deleteBefore(before) {
      const res = await db.deleteFrom('audit_log').where('at', '<', toDbTime(before)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

function fromRow(row: Selectable<AuditLogTable>): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    // A row is never written unparsable; an empty object beats failing the whole page.
  }
  return {
    id: row.id,
    at: fromDbTime(row.at),
    actorKind: row.actor_kind as AuditActorKind,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    client: row.client,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    appId: row.app_id,
    outcome: row.outcome as AuditOutcome,
    details,
  };
}
