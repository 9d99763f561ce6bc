// A share link's page (/s/:linkId?t=…): the install page of its build, after its passcode form when
// it has one. The link's record is read at every request (services/share-links.ts): revoked,
// expired or used-up links are refused here as on the manifest and package.
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { SharePage } from '../../services/share-links.js';
import { installPageView, presentContext } from '../../web/present.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderInstallPage } from '../../web/pages/install.js';
import { renderSharePasscodePage } from '../../web/pages/share-passcode.js';
import { pageLanguage } from '../http/page-language.js';
import * as S from '../schemas/share-links.js';
import { acceptForms } from '../http/form-body.js';

const FORM_BODY_LIMIT = 4 * 1024;

interface Params {
  linkId: string;
}

export async function shareRoutes(app: FastifyInstance, { services, config }: ServerDeps): Promise<void> {
  const { shareLinks } = services;
  const secureCookie = config.publicUrl.startsWith('https:');
  // The passcode form posts application/x-www-form-urlencoded (scoped to this plugin).
  acceptForms(app, FORM_BODY_LIMIT);

  function send(reply: FastifyReply, html: string, status = 200): FastifyReply {
    return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
  }

  async function installPage(request: FastifyRequest, reply: FastifyReply, page: SharePage): Promise<FastifyReply> {
    const { app: appRecord, release, links } = page;
    const view = installPageView('release', appRecord, release, links, [], presentContext(services.status, services.clock), links.installPageUrl);
    return send(reply, String(await renderInstallPage(view, pageLanguage(request, reply, secureCookie))));
  }

  app.get<{ Params: Params; Querystring: { t?: string } }>('/s/:linkId', { schema: S.sharePage }, async (request, reply) => {
    const token = request.query.t;
    const link = await shareLinks.open(request.params.linkId, token);
    const page = await shareLinks.page(link, request.method === 'GET');
    if (page === 'passcode') {
      const view = { linkId: link.id, linkName: link.name, token: token ?? '', wrong: false };
      return send(reply, String(renderSharePasscodePage(view, pageLanguage(request, reply, secureCookie))));
    }
    return installPage(request, reply, page);
  });

  // No Origin check: the answer goes only to whoever sent the passcode, and the guesses are
  // throttled per address (the page's no-referrer policy makes browsers send Origin: null here).
  app.post<{ Params: Params; Body: { t?: unknown; passcode?: unknown } }>('/s/:linkId', { schema: S.sharePasscode, config: { audit: { exempt: 'a visitor entering a share link passcode: throttled per address, no administrative change' } } }, async (request, reply) => {
    const body = (request.body ?? {}) as { t?: unknown; passcode?: unknown };
    const token = typeof body.t === 'string' ? body.t : undefined;
    const link = await shareLinks.open(request.params.linkId, token);
    const page = await shareLinks.unlock(link, typeof body.passcode === 'string' ? body.passcode : '', request.ip);
    if (!page) {
      const view = { linkId: link.id, linkName: link.name, token: token ?? '', wrong: true };
      return send(reply, String(renderSharePasscodePage(view, pageLanguage(request, reply, secureCookie))), 403);
    }
    return installPage(request, reply, page);
  });
}
