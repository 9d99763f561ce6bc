// Where a person arrives: the site root (leads to the admin, which asks for sign-in when needed;
// testers come through install links, never through /), and the first admin's one-time sign-in link
// printed by `otaship serve` on a new server (src/services/first-run.ts).
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance } from 'fastify';
import { FIRST_RUN_PATH } from '../../services/first-run.js';
import { SESSION_COOKIE } from '../../services/sessions.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderFirstRunPage } from '../../web/pages/first-run.js';
import { checkFormOrigin, throttled } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import * as S from '../schemas/pages.js';
import { acceptForms } from '../http/form-body.js';

// The Sign in form has no fields, but a browser still posts it as application/x-www-form-urlencoded
// (an empty body with that Content-Type), which fastify refuses (415) without a parser in this scope.
const FORM_BODY_LIMIT = 1024;

export async function entryRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  acceptForms(app, FORM_BODY_LIMIT, 'ignore');
  app.get('/', { schema: S.root }, async (_request, reply) => reply.header('Cache-Control', 'no-store').redirect('/admin', 302));

  // The link printed by `otaship serve` opens a page with a Sign in button; only its POST uses the
  // code, so a link previewer that fetches the link neither uses it up nor gets a session.
  app.get<{ Querystring: { code?: string } }>(FIRST_RUN_PATH, { schema: S.firstRunPage }, async (request, reply) => {
    const code = typeof request.query.code === 'string' ? request.query.code : '';
    const action = `${FIRST_RUN_PATH}?code=${encodeURIComponent(code)}`;
    return reply.code(200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(String(renderFirstRunPage({ action })));
  });

  // The code leaves the address bar at once (303 to /admin) and never reaches another site
  // (Referrer-Policy on every response). Posts from other sites are refused (login CSRF), and failed
  // codes count as failed sign-ins (throttled per client).
  app.post<{ Querystring: { code?: string } }>(FIRST_RUN_PATH, { schema: S.firstRunSignIn, config: { audit: { action: 'sign-in', actor: 'signed-in', refusals: true, note: { method: 'first-run link' } } } }, async (request, reply) => {
    checkFormOrigin(request, services.config.publicUrl);
    const code = typeof request.query.code === 'string' ? request.query.code : '';
    const session = await throttled(request, services, () => services.firstRun.redeem(code)); // UNAUTHENTICATED → the HTML error page
    reply.setCookie(SESSION_COOKIE, session.value, services.sessions.cookieOptions(session.expiresAt));
    return reply.header('Cache-Control', 'no-store').redirect('/admin', 303);
  });
}
