// The web admin: sign in/out and the server-rendered admin pages. The pages' script (public/admin.js)
// then acts through the JSON API (/api/v1/…) with the session cookie; the server's auth module
// (src/server/auth.ts) accepts that cookie and requires `X-Requested-With: otaship` (or our Origin) on
// state-changing calls, so no separate admin API exists.
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isOtashipError } from '../../core/errors.js';
import type { AppRecord, ReleaseRecord } from '../../ports/repositories.js';
import type { Principal, Services } from '../../services/index.js';
import { SESSION_COOKIE } from '../../services/sessions.js';
import { checkFormOrigin, pagePrincipal, throttled } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { adminAppView, adminDeviceView, adminReleaseView, adminTokenView, adminWebhookView } from '../../web/present.js';
import { renderAdminWebhooksPage } from '../../web/pages/admin-webhooks.js';
import { isEmptyQuery, matchesApp, matchesRelease, parseAppQuery, parseReleaseQuery } from '../../services/catalog-search.js';
import { RELEASE_EVENTS } from '../../services/webhooks.js';
import { renderLoginPage } from '../../web/pages/admin-login.js';
import { renderSignOutPage } from '../../web/pages/sign-out.js';
import { renderAdminAppPage, renderAdminAppsPage } from '../../web/pages/admin-apps.js';
import { renderAdminTokensPage } from '../../web/pages/admin-tokens.js';
import { renderAdminDevicesPage } from '../../web/pages/admin-devices.js';
import { renderAdminDoctorPage } from '../../web/pages/admin-doctor.js';
import { checkRelease } from '../../services/doctor/release-check.js';
import { appActions } from '../../services/authz.js';
import type { AdminAppView, AdminUser } from '../../web/view-models.js';
import * as S from '../schemas/admin.js';
import { acceptForms } from '../http/form-body.js';
import { safeNext as safeNextPath } from '../http/safe-next.js';

const RELEASES_PER_PAGE = 20;
/** Deliveries shown under each webhook. */
const RECENT_DELIVERIES = 5;
/** The release filter's profile kinds (iOS apps only: Android builds have no provisioning profile). */
const IOS_PROFILE_OPTIONS = [
  ['ad-hoc', 'Ad hoc'],
  ['development', 'Development'],
  ['enterprise', 'Enterprise'],
  ['app-store', 'App Store'],
  ['none', 'No profile'],
] as const;
const FORM_BODY_LIMIT = 16 * 1024;

interface LoginBody {
  token?: string;
  next?: string;
}

/** Only our own admin paths are valid redirect targets after the admin sign-in (http/safe-next.ts). */
function safeNext(next: unknown): string {
  return safeNextPath(next, { areas: ['admin'], fallback: '/admin' });
}

function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

function userOf(p: Principal): AdminUser {
  return { name: p.tokenId === 'bootstrap' ? 'admin token' : p.name, admin: p.admin };
}

/**
 * The signed-in principal, or null after redirecting to the sign-in page (no or invalid session).
 * Other errors (e.g. FORBIDDEN) go to the error edge.
 */
function principalOrLogin(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<Principal | null> {
  const next = safeNext(request.url);
  return pagePrincipal(request, reply, services, next === '/admin' ? '/admin/login' : `/admin/login?next=${encodeURIComponent(next)}`);
}

async function appSummary(services: Services, app: AppRecord, latest: ReleaseRecord | null): Promise<AdminAppView> {
  const detail = latest
    ? { release: latest, links: services.urls.release(latest, app), counts: await services.counters.get(latest.id) }
    : null;
  return adminAppView(app, detail, services.urls.latestPage(app));
}

export async function adminRoutes(app: FastifyInstance, { services, config, ca }: ServerDeps): Promise<void> {
  // The sign-in form posts application/x-www-form-urlencoded (scoped to this plugin; tiny bodies only).
  acceptForms(app, FORM_BODY_LIMIT);
  const secure = services.status.https;

  app.get<{ Querystring: { next?: string } }>('/admin/login', { schema: S.loginPage }, async (request, reply) => {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      try {
        await services.sessions.resolve(cookie);
        return reply.redirect(safeNext(request.query.next), 303);
      } catch {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    return sendPage(reply, String(renderLoginPage({ error: null, next: safeNext(request.query.next), secure })));
  });

  app.post<{ Body: LoginBody }>('/admin/login', { schema: S.login, config: { audit: { action: 'sign-in', actor: 'signed-in', refusals: true, note: { method: 'token' } } } }, async (request, reply) => {
    checkFormOrigin(request, config.publicUrl);
    const body = (request.body ?? {}) as LoginBody;
    const next = safeNext(body.next);
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!token) return sendPage(reply, String(renderLoginPage({ error: 'Enter a token.', next, secure })), 401);
    try {
      // A wrong token counts against this address; over the allowance the error edge answers 429.
      const session = await throttled(request, services, () => services.sessions.signIn(token));
      reply.setCookie(SESSION_COOKIE, session.value, services.sessions.cookieOptions(session.expiresAt));
      return reply.redirect(next, 303);
    } catch (err) {
      if (!isOtashipError(err) || !['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED'].includes(err.code)) throw err;
      const message = 'That token was not accepted (unknown, revoked or expired).';
      return sendPage(reply, String(renderLoginPage({ error: message, next, secure })), 401);
    }
  });

  // Sign-out ends the session on the server (every instance), not only in this browser; the token
  // itself stays valid (revoke it on the Tokens page). A person who came through single sign-on is
  // then sent to the identity provider's logout (when it has one), which sends them back to the
  // sign-in page. Only a POST from our own pages does it: a cross-site form, link or image would
  // otherwise sign visitors out here and at their company's identity provider.
  app.post('/admin/logout', { schema: S.logout, config: { audit: { action: 'sign-out', actor: 'session' } } }, async (request, reply) => {
    checkFormOrigin(request, config.publicUrl);
    const cookie = request.cookies?.[SESSION_COOKIE];
    const ended = cookie ? await services.sessions.signOut(cookie) : null;
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const atProvider = ended?.idToken && services.sso ? await services.sso.logoutUrl(ended.idToken) : null;
    return reply.header('Cache-Control', 'no-store').redirect(atProvider ?? (ended?.personId ? '/sign-in' : '/admin/login'), 303);
  });
  app.get('/admin/logout', { schema: S.logoutPage }, async (_request, reply) => sendPage(reply, String(renderSignOutPage())));

  app.get<{ Querystring: { q?: string; platform?: string } }>('/admin', { schema: S.appsPage }, async (request, reply) => {
    const principal = await principalOrLogin(request, reply, services);
    if (!principal) return reply;
    const query = parseAppQuery(request.query);
    const apps = await services.catalog.listAppsWithLatest(principal);
    const matching = apps.filter(({ app: a }) => matchesApp(a, query));
    const views = await Promise.all(matching.map(({ app: a, latest }) => appSummary(services, a, latest)));
    views.sort((a, b) => (b.latestAt?.getTime() ?? 0) - (a.latestAt?.getTime() ?? 0));
    const html = renderAdminAppsPage({
      user: userOf(principal),
      apps: views,
      search: { text: query.text, platform: query.platform, totalApps: apps.length },
      bundleRefusal: (await services.bundles.refusal())?.message ?? null,
      secure,
      maxUploadBytes: config.maxUploadBytes,
      now: services.clock(),
    });
    return sendPage(reply, String(html));
  });

  app.get<{ Params: { appId: string }; Querystring: { cursor?: string; q?: string; profile?: string } }>(
    '/admin/apps/:appId',
    { schema: S.appPage },
    async (request, reply) => {
      const principal = await principalOrLogin(request, reply, services);
      if (!principal) return reply;
      const query = parseReleaseQuery(request.query);
      const cursor = request.query.cursor ?? null;
      const { app: appRecord, page } = isEmptyQuery(query)
        ? await services.catalog.listReleases(principal, request.params.appId, { cursor, limit: RELEASES_PER_PAGE })
        : await services.catalog.searchReleases(principal, request.params.appId, (r) => matchesRelease(r, query), {
            cursor,
            limit: RELEASES_PER_PAGE,
          });
      const may = appActions(principal, appRecord.id);
      const releases = await Promise.all(
        page.items.map(async (r) =>
          adminReleaseView(appRecord, r, services.urls.release(r, appRecord), await services.counters.get(r.id), {
            job: r.bundle && !r.bundle.apkReady ? await services.bundles.job(r.id) : null,
            mayDownload: may.bundles,
          }),
        ),
      );
      // The testers' side, for the app's managers: who installed each listed build, and the
      // testers' devices the latest build leaves out (iOS).
      const installs = may.installs
        ? new Map(await Promise.all(page.items.map(async (r) => [r.id, await services.personLinks.installs(principal, r.id)] as const)))
        : undefined;
      const missingDevices = may.devices && appRecord.platform === 'ios' ? await services.testerDevices.missing(principal, appRecord.id) : null;
      const appUrl = `/admin/apps/${encodeURIComponent(appRecord.id)}`;
      const next = new URLSearchParams();
      if (query.text) next.set('q', query.text);
      if (query.profile) next.set('profile', query.profile);
      if (page.nextCursor) next.set('cursor', page.nextCursor);
      const html = renderAdminAppPage({
        user: userOf(principal),
        app: await appSummary(services, appRecord, (await services.catalog.getAppWithLatest(principal, appRecord.id)).latest),
        may,
        releases,
        installs,
        missingDevices,
        ...(appRecord.platform === 'android' && may.bundles ? { signingKey: await services.bundles.keys.describe(principal, appRecord.id) } : {}),
        bundleRefusal: (await services.bundles.refusal())?.message ?? null,
        filter: {
          text: query.text,
          profile: query.profile,
          profileOptions: appRecord.platform === 'ios' ? IOS_PROFILE_OPTIONS : [],
          active: !isEmptyQuery(query),
        },
        nextPageUrl: page.nextCursor ? `${appUrl}?${next.toString()}` : null,
        secure,
        maxUploadBytes: config.maxUploadBytes,
        now: services.clock(),
      });
      return sendPage(reply, String(html));
    },
  );

  app.get('/admin/webhooks', { schema: S.webhooksPage }, async (request, reply) => {
    const principal = await principalOrLogin(request, reply, services);
    if (!principal) return reply;
    const hooks = await services.webhooks.list(principal); // FORBIDDEN for non-admin tokens
    const apps = await services.catalog.listApps(principal);
    const names = new Map(apps.map((a) => [a.id, a.name]));
    const webhooks = await Promise.all(
      hooks.map(async (h) => adminWebhookView(h, await services.webhooks.deliveries(principal, h.id, RECENT_DELIVERIES), names)),
    );
    const html = renderAdminWebhooksPage({
      user: userOf(principal),
      webhooks,
      apps: apps.map((a) => ({ id: a.id, name: a.name, platform: a.platform })),
      events: RELEASE_EVENTS,
    });
    return sendPage(reply, String(html));
  });

  // "Check this release": a form POST (it makes requests and takes seconds; no prefetch may start it).
  // authenticate() refuses a cookie-authenticated POST from another origin (CSRF).
  app.post<{ Params: { id: string } }>('/admin/releases/:id/doctor', { schema: S.doctorPage, config: { audit: { action: 'release.check', target: { type: 'release', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await principalOrLogin(request, reply, services);
    if (!principal) return reply;
    const { app: appRecord, release } = await services.catalog.getRelease(principal, request.params.id);
    const report = await checkRelease(services, principal, release.id, ca?.certPem ?? null);
    const releaseLabel = release.version ? `${release.version} (${release.build})` : release.build;
    return sendPage(reply, String(renderAdminDoctorPage({ user: userOf(principal), appId: appRecord.id, appName: appRecord.name, releaseLabel, report })));
  });

  app.get('/admin/tokens', { schema: S.tokensPage }, async (request, reply) => {
    const principal = await principalOrLogin(request, reply, services);
    if (!principal) return reply;
    const tokens = await services.tokens.list(principal); // FORBIDDEN for non-admin tokens
    const apps = await services.catalog.listApps(principal);
    const names = new Map(apps.map((a) => [a.id, a.name]));
    const html = renderAdminTokensPage({
      user: userOf(principal),
      tokens: tokens.map((t) => adminTokenView(t, names)),
      apps: apps.map((a) => ({ id: a.id, name: a.name, platform: a.platform })),
      now: services.clock(),
      publicUrl: config.publicUrl,
    });
    return sendPage(reply, String(html));
  });

  app.get('/admin/devices', { schema: S.devicesPage }, async (request, reply) => {
    const principal = await principalOrLogin(request, reply, services);
    if (!principal) return reply;
    const devices = await services.devices.list(principal); // FORBIDDEN for non-admin tokens
    const html = renderAdminDevicesPage({
      user: userOf(principal),
      devices: devices.map(adminDeviceView),
      exportUrl: '/api/v1/devices.txt',
      udidPageUrl: services.status.udidPageUrl,
    });
    return sendPage(reply, String(html));
  });
}
