// GET /my — a signed-in person's apps and builds (web/pages/my-apps.ts), newest first. What they
// see comes from the catalog, authorised per app (services/authz.ts).
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance } from 'fastify';
import { isOtashipError } from '../../core/errors.js';
import { roleOn } from '../../services/authz.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderMyAppsPage, type MyAppView } from '../../web/pages/my-apps.js';
import { authenticate } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { myApps } from '../schemas/sign-in.js';

/** Builds listed per app: the newest few; older ones stay in the app's history in the admin. */
const BUILDS_PER_APP = 5;

export async function myAppsRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/my', { schema: myApps }, async (request, reply) => {
    let principal;
    try {
      principal = await authenticate(request, services);
    } catch (err) {
      if (isOtashipError(err) && err.code === 'UNAUTHENTICATED') return reply.redirect('/sign-in?next=%2Fmy', 303);
      throw err;
    }
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
}
