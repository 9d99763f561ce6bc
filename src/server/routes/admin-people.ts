// Admin pages for people: People, Groups (instance admins) and one app's Access (its managers too).
// Rendered by web/pages/admin-people.ts; changes go through the JSON API (routes/api/people.ts).
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Services } from '../../services/index.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderAccessPage, renderGroupsPage, renderPeoplePage } from '../../web/pages/admin-people.js';
import type { AdminUser } from '../../web/view-models.js';
import { pagePrincipal } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import * as S from '../schemas/people.js';

function send(reply: FastifyReply, html: string): FastifyReply {
  return reply.code(200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

export function userOf(p: Principal): AdminUser {
  return { name: p.person?.email ?? (p.tokenId === 'bootstrap' ? 'admin token' : p.name), admin: p.admin };
}

/** The principal, or null after sending the browser to sign in. */
export function signedIn(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<Principal | null> {
  return pagePrincipal(request, reply, services, `/admin/login?next=${encodeURIComponent(request.url.split('?')[0] ?? '/admin')}`);
}

export async function adminPeopleRoutes(app: FastifyInstance, { services, config }: ServerDeps): Promise<void> {
  const { people } = services;

  app.get('/admin/people', { schema: S.peoplePage }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    const list = await people.list(principal); // FORBIDDEN unless an instance admin
    const groups = await people.listGroups(principal);
    const groupsOf = new Map<string, string[]>();
    for (const g of groups) for (const m of g.members) groupsOf.set(m.personId, [...(groupsOf.get(m.personId) ?? []), g.name]);
    const apps = await services.catalog.listApps(principal);
    const html = renderPeoplePage({
      user: userOf(principal),
      people: list.map((p) => ({ ...p, lastSignInAt: p.lastSignInAt ? new Date(p.lastSignInAt) : null, groups: groupsOf.get(p.id) ?? [] })),
      apps: apps.map((a) => ({ id: a.id, name: a.name, platform: a.platform })),
      mailConfigured: config.people.smtpUrl !== null,
    });
    return send(reply, String(html));
  });

  app.get('/admin/groups', { schema: S.groupsPage }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    const groups = await people.listGroups(principal); // FORBIDDEN unless an instance admin
    const list = await people.list(principal);
    return send(reply, String(renderGroupsPage({ user: userOf(principal), groups, people: list.map((p) => ({ id: p.id, email: p.email })), mailConfigured: services.notices.enabled })));
  });

  app.get<{ Params: { appId: string } }>('/admin/apps/:appId/access', { schema: S.accessPage }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    const grants = await people.listGrants(principal, request.params.appId); // its managers and admins; 404 to the rest
    const appRecord = await services.catalog.getApp(principal, request.params.appId);
    const groups = await people.groupChoices();
    const html = renderAccessPage({
      user: userOf(principal),
      app: { id: appRecord.id, name: appRecord.name, platform: appRecord.platform },
      grants: grants.map((g) => ({ role: g.role, kind: g.subject.kind, id: g.subject.id, label: g.subject.label })),
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
    });
    return send(reply, String(html));
  });
}
