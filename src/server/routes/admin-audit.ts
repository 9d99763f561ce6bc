// The admin's Audit page (instance admins; an app's managers see their apps' entries). Reads through
// the same service as GET /api/v1/audit, so the same authorisation (authz.ts) applies.
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance } from 'fastify';
import { auditScope } from '../../services/authz.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderAdminAuditPage } from '../../web/pages/admin-audit.js';
import type { ServerDeps } from '../deps.js';
import { auditQuery, type AuditQueryString } from './api/audit.js';
import { signedIn, userOf } from './admin-people.js';
import * as S from '../schemas/audit.js';

const ENTRIES_PER_PAGE = 50;

export async function adminAuditRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get<{ Querystring: AuditQueryString }>('/admin/audit', { schema: S.auditPage }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    const query = auditQuery(request.query, ENTRIES_PER_PAGE);
    const page = await services.audit.list(principal, query); // FORBIDDEN unless an admin or a manager
    const scope = auditScope(principal);
    const apps = (await services.catalog.listApps(principal)).filter((a) => scope === 'all' || scope.includes(a.id));
    const names = new Map(apps.map((a) => [a.id, a.name]));
    const filter = { actor: query.actor ?? '', action: query.action ?? '', appId: query.appId ?? '', from: query.from ?? '', to: query.to ?? '' };
    const next = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
    if (page.nextCursor) next.set('cursor', page.nextCursor);
    const html = renderAdminAuditPage({
      user: userOf(principal),
      entries: page.items.map((e) => ({
        at: e.at,
        actor: { kind: e.actorKind, id: e.actorId, label: e.actorLabel },
        client: e.client,
        action: e.action,
        target: e.targetType ? { type: e.targetType, id: e.targetId, label: e.targetLabel } : null,
        app: e.appId ? { id: e.appId, name: names.get(e.appId) ?? null } : null,
        outcome: e.outcome,
        details: e.details,
      })),
      filter,
      apps: apps.map((a) => ({ id: a.id, name: a.name, platform: a.platform })),
      nextPageUrl: page.nextCursor ? `/admin/audit?${next.toString()}` : null,
    });
    return reply.code(200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(String(html));
  });
}
