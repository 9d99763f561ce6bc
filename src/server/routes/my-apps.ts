// GET /my — a signed-in person's apps and builds (web/pages/my-apps.ts), newest first — and GET
// /my/tokens, their own API tokens (web/pages/my-tokens.ts). What they see comes from the catalog,
// authorised per app, and the token service (services/authz.ts decides both).
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleOn } from '../../services/authz.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderMyAppsPage, type MyAppView } from '../../web/pages/my-apps.js';
import { renderMyTokensPage } from '../../web/pages/my-tokens.js';
import { pagePrincipal } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { myApps, myTokens } from '../schemas/sign-in.js';
import type { Principal } from '../../services/principal.js';

/** Builds listed per app: the newest few; older ones stay in the app's history in the admin. */
const BUILDS_PER_APP = 5;

export async function myAppsRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  /** The signed-in principal, or null after sending the browser to sign in (and back here). */
  const signedIn = (request: FastifyRequest, reply: FastifyReply, back: string): Promise<Principal | null> =>
    pagePrincipal(request, reply, services, `/sign-in?next=${encodeURIComponent(back)}`);

  app.get('/my', { schema: myApps }, async (request, reply) => {
    const principal = await signedIn(request, reply, '/my');
    if (!principal) return reply;
    const apps = await services.catalog.listApps(principal);
    // An admin-token session has no person to name: it gets the admin's share links.
    const personId = principal.person?.id;
    const views: MyAppView[] = await Promise.all(
      apps.map(async (a) => {
        const { page } = await services.catalog.listReleases(principal, a.id, { limit: BUILDS_PER_APP });
        return {
          id: a.id,
          name: a.name,
          platform: a.platform,
          role: roleOn(principal, a.id) ?? 'tester',
          builds: page.items.map((r) => ({
            releaseId: r.id,
            version: r.version,
            build: r.build,
            notes: r.notes,
            createdAt: r.createdAt,
            // A person's install page opens with their session and hands out their own person links
            // (services/person-links.ts): no bearer link here that could be forwarded.
            installPageUrl: personId ? services.urls.forPerson(r, a, personId).installPageUrl : services.urls.release(r, a).installPageUrl,
          })),
        };
      }),
    );
    const newest = (v: MyAppView) => v.builds[0]?.createdAt.getTime() ?? 0;
    views.sort((x, y) => newest(y) - newest(x));
    const adminLink = principal.admin || views.some((v) => v.role !== 'tester');
    const html = renderMyAppsPage({ who: principal.person?.email ?? principal.name, adminLink, apps: views });
    return reply.code(200).headers(PAGE_HEADERS).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(String(html));
  });

  // The person's own API tokens (listPersonal refuses admin and service tokens: they are no person).
  app.get('/my/tokens', { schema: myTokens }, async (request, reply) => {
    const principal = await signedIn(request, reply, '/my/tokens');
    if (!principal) return reply;
    const tokens = await services.tokens.listPersonal(principal);
    const date = (v: string | null) => (v ? new Date(v) : null);
    const html = renderMyTokensPage({
      who: principal.person?.email ?? principal.name,
      adminLink: principal.admin || [...(principal.person?.roles.values() ?? [])].some((r) => r !== 'tester'),
      tokens: tokens.map((t) => ({ id: t.id, name: t.name, createdAt: new Date(t.createdAt), lastUsedAt: date(t.lastUsedAt), expiresAt: date(t.expiresAt), revokedAt: date(t.revokedAt) })),
      now: services.clock(),
    });
    return reply.code(200).headers(PAGE_HEADERS).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(String(html));
  });
}
