// The audit log (instance admins; an app's managers for their apps' entries). Authorisation is in
// the service (services/audit.ts → authz.ts); entries are written by the hook in server/audit.ts.
import type { FastifyInstance } from 'fastify';
import type { AuditEntry } from '../../../ports/audit.js';
import { MAX_AUDIT_PAGE, type AuditQuery } from '../../../services/audit.js';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { pageLimit } from './body.js';
import * as S from '../../schemas/audit.js';

export type AuditQueryString = { [K in keyof AuditQuery]?: string };

export async function auditRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get<{ Querystring: AuditQueryString }>('/api/v1/audit', { schema: S.listAudit }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const q = request.query;
    const page = await services.audit.list(principal, auditQuery(q, pageLimit(q.limit, MAX_AUDIT_PAGE)));
    return reply.header('Cache-Control', 'no-store').send({ items: page.items.map(auditJson), nextCursor: page.nextCursor });
  });
}

/** The filters as the service takes them: empty fields are left out (a form sends them empty). */
export function auditQuery(q: AuditQueryString, limit?: number): AuditQuery {
  const out: AuditQuery = {};
  for (const key of ['actor', 'action', 'appId', 'from', 'to', 'cursor'] as const) {
    const value = q[key]?.trim();
    if (value) out[key] = value;
  }
  if (limit !== undefined) out.limit = limit;
  return out;
}

export function auditJson(e: AuditEntry) {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { kind: e.actorKind, id: e.actorId, label: e.actorLabel },
    client: e.client,
    action: e.action,
    target: e.targetType ? { type: e.targetType, id: e.targetId, label: e.targetLabel } : null,
    appId: e.appId,
    outcome: e.outcome,
    details: e.details,
  };
}
