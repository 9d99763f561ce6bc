// Admin page of one app's share links (its managers): list, make (the URL shown once, with a QR
// code) and revoke. Plain form posts; authenticate() refuses a cookie-authenticated POST from
// another origin (CSRF), and services/share-links.ts decides who may (authz 'share-link:manage').
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Principal } from '../../services/index.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderAdminShareLinksPage } from '../../web/pages/admin-share-links.js';
import { versionLabel } from '../../web/pages/install.js';
import type { ServerDeps } from '../deps.js';
import { signedIn, userOf } from './admin-people.js';
import * as S from '../schemas/share-links.js';
import { acceptForms } from '../http/form-body.js';

const FORM_BODY_LIMIT = 16 * 1024;
/** Releases offered in the form besides "the latest build". */
const RELEASE_CHOICES = 50;

interface AppParams {
  appId: string;
}

export async function adminShareLinkRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  const { shareLinks } = services;
  acceptForms(app, FORM_BODY_LIMIT);

  async function render(reply: FastifyReply, principal: Principal, appId: string, created: { name: string; url: string } | null): Promise<FastifyReply> {
    const links = await shareLinks.list(principal, appId); // its managers and admins; 404 to the rest
    const { app: appRecord, page } = await services.catalog.listReleases(principal, appId, { limit: RELEASE_CHOICES, cursor: null });
    const html = await renderAdminShareLinksPage({
      user: userOf(principal),
      app: { id: appRecord.id, name: appRecord.name },
      releases: page.items.map((r) => ({ id: r.id, label: versionLabel(r.version, r.build) })),
      links,
      created,
    });
    return reply.code(200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(String(html));
  }

  app.get<{ Params: AppParams }>('/admin/apps/:appId/share-links', { schema: S.adminShareLinksPage }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    return render(reply, principal, request.params.appId, null);
  });

  app.post<{ Params: AppParams }>('/admin/apps/:appId/share-links', { schema: S.adminCreateShareLink, config: { audit: { action: 'share-link.create', target: { type: 'app', id: 'params.appId' }, details: ['body.name', 'body.releaseId', 'body.expiresInDays', 'body.installLimit'] } } }, async (request, reply) => {
    const principal = await signedIn(request, reply, services);
    if (!principal) return reply;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const { link, url } = await shareLinks.create(principal, request.params.appId, {
      name: body.name,
      releaseId: body.releaseId,
      expiresInDays: body.expiresInDays,
      installLimit: body.installLimit,
      passcode: body.passcode,
    });
    return render(reply, principal, request.params.appId, { name: link.name, url });
  });

  app.post<{ Params: AppParams & { linkId: string } }>(
    '/admin/apps/:appId/share-links/:linkId/revoke',
    { schema: S.adminRevokeShareLink, config: { audit: { action: 'share-link.revoke', target: { type: 'share-link', id: 'params.linkId' } } } },
    async (request, reply) => {
      const principal = await signedIn(request, reply, services);
      if (!principal) return reply;
      await shareLinks.revoke(principal, request.params.appId, request.params.linkId);
      return reply.redirect(`/admin/apps/${encodeURIComponent(request.params.appId)}/share-links`, 303);
    },
  );
}
