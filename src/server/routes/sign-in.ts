// People's sign-in: the sign-in page, e-mail links (ask, confirm, use), single sign-on (start at
// the identity provider, come back), and the opt-out link of "new build" mails. The services decide; this plugin parses, sets cookies, redirects.
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isOtashipError } from '../../core/errors.js';
import { EMAIL_LINK_PATH } from '../../services/email-sign-in.js';
import { OIDC_CALLBACK_PATH, OIDC_COOKIE, OIDC_START_PATH } from '../../services/oidc-sign-in.js';
import { SESSION_COOKIE } from '../../services/sessions.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderLinkPage, renderNoticesPage, renderSignInPage, type SignInPageView } from '../../web/pages/sign-in.js';
import { NOTICE_OPT_OUT_PATH } from '../../services/build-notices.js';
import { checkFormOrigin, throttled } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import * as S from '../schemas/sign-in.js';
import { acceptForms } from '../http/form-body.js';
import { safeNext as safeNextPath } from '../http/safe-next.js';

const FORM_BODY_LIMIT = 4 * 1024;

/** After sign-in: our own admin or My apps paths only (http/safe-next.ts). */
function safeNext(next: unknown): string {
  return safeNextPath(next, { areas: ['admin', 'my'], fallback: '/my' });
}

function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

export async function signInRoutes(app: FastifyInstance, { services, config }: ServerDeps): Promise<void> {
  acceptForms(app, FORM_BODY_LIMIT);
  const { signIn, sso } = services;
  const view = (next: string, extra: Partial<SignInPageView> = {}): string =>
    String(
      renderSignInPage({
        sso: sso ? { name: sso.settings.name, url: `${OIDC_START_PATH}?next=${encodeURIComponent(next)}` } : null,
        email: signIn.enabled,
        ssoOnlyDomains: config.people.ssoOnlyDomains,
        next,
        notice: null,
        error: null,
        ...extra,
      }),
    );

  app.get<{ Querystring: { next?: string } }>('/sign-in', { schema: S.signInPage }, async (request, reply) => sendPage(reply, view(safeNext(request.query.next))));

  app.post<{ Body: { email?: string; next?: string } }>('/sign-in/email', { schema: S.askForLink, config: { audit: { action: 'sign-in.request-link', details: ['body.email'] } } }, async (request, reply) => {
    checkFormOrigin(request, config.publicUrl);
    const body = (request.body ?? {}) as { email?: string; next?: string };
    const next = safeNext(body.next);
    try {
      const { delivery } = await signIn.requestLink(body.email, request.ip);
      // Not awaited: the answer must not tell, by its time or its failure, whether the address has an account.
      delivery.catch((err: unknown) => request.log.error({ err, code: isOtashipError(err) ? err.code : 'INTERNAL' }, 'the sign-in link could not be mailed'));
    } catch (err) {
      if (!isOtashipError(err) || !['VALIDATION', 'FORBIDDEN', 'UNAVAILABLE'].includes(err.code)) throw err;
      return sendPage(reply, view(next, { error: err.message }), err.code === 'UNAVAILABLE' ? 503 : err.code === 'FORBIDDEN' ? 403 : 400);
    }
    return sendPage(reply, view(next, { notice: 'If that address may sign in here, a sign-in link is on its way. It works once, for a short while.' }));
  });

  // Opening a mailed link changes nothing; its button posts the secret back (see web/pages/sign-in.ts).
  app.get<{ Querystring: { t?: string } }>(EMAIL_LINK_PATH, { schema: S.linkPage }, async (request, reply) => {
    const t = typeof request.query.t === 'string' ? request.query.t : '';
    return sendPage(reply, String(renderLinkPage({ action: `${EMAIL_LINK_PATH}?t=${encodeURIComponent(t)}` })));
  });

  app.post<{ Querystring: { t?: string } }>(EMAIL_LINK_PATH, { schema: S.useLink, config: { audit: { action: 'sign-in', actor: 'signed-in', refusals: true, note: { method: 'e-mail link' } } } }, async (request, reply) => {
    checkFormOrigin(request, config.publicUrl);
    const t = typeof request.query.t === 'string' ? request.query.t : '';
    // A wrong secret counts as a failed sign-in for this client (guessing is throttled).
    const session = await throttled(request, services, () => signIn.redeem(t));
    reply.setCookie(SESSION_COOKIE, session.value, services.sessions.cookieOptions(session.expiresAt));
    return reply.header('Cache-Control', 'no-store').redirect(session.principal.admin ? '/admin' : '/my', 303);
  });

  // A "new build" mail's opt-out link: the page says whose mails it stops; its button does it.
  const noticesAction = (t: string) => `${NOTICE_OPT_OUT_PATH}?t=${encodeURIComponent(t)}`;
  app.get<{ Querystring: { t?: string } }>(NOTICE_OPT_OUT_PATH, { schema: S.noticesPage }, async (request, reply) => {
    const t = typeof request.query.t === 'string' ? request.query.t : '';
    const state = await services.notices.optOutState(t);
    return sendPage(reply, String(renderNoticesPage({ action: noticesAction(t), ...state, changed: false })));
  });

  app.post<{ Querystring: { t?: string }; Body: { notices?: string } }>(NOTICE_OPT_OUT_PATH, { schema: S.noticesChange, config: { audit: { exempt: "a person's own mail preference, set through the signed link in a mail: no administrative change" } } }, async (request, reply) => {
    checkFormOrigin(request, config.publicUrl);
    const t = typeof request.query.t === 'string' ? request.query.t : '';
    const body = (request.body ?? {}) as { notices?: string };
    const state = await services.notices.setOptOut(t, body.notices !== 'on');
    return sendPage(reply, String(renderNoticesPage({ action: noticesAction(t), ...state, changed: true })));
  });

  if (!sso) return;
  const oidcCookie = (maxAge: number) => ({ httpOnly: true, sameSite: 'lax' as const, secure: config.publicUrlIsHttps, path: OIDC_CALLBACK_PATH, maxAge });

  app.get<{ Querystring: { next?: string } }>(OIDC_START_PATH, { schema: S.ssoStart }, async (request, reply) => {
    const { redirectTo, cookie, maxAgeSeconds } = await sso.start(safeNext(request.query.next));
    reply.setCookie(OIDC_COOKIE, cookie, oidcCookie(maxAgeSeconds));
    return reply.header('Cache-Control', 'no-store').redirect(redirectTo, 303);
  });

  app.get(OIDC_CALLBACK_PATH, { schema: S.ssoCallback, config: { audit: { action: 'sign-in', actor: 'signed-in', refusals: true, note: { method: 'single sign-on' } } } }, async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const cookie = request.cookies?.[OIDC_COOKIE];
    // The attempt is used up whatever happens next: clear its cookie first.
    reply.clearCookie(OIDC_COOKIE, { path: OIDC_CALLBACK_PATH });
    const { session, next } = await throttled(request, services, () => sso.finish(query, cookie));
    reply.setCookie(SESSION_COOKIE, session.value, services.sessions.cookieOptions(session.expiresAt));
    return reply.header('Cache-Control', 'no-store').redirect(next === '/my' && session.principal.admin ? '/admin' : next, 303);
  });
}
