// Where a person arrives: the site root (leads to the admin, which asks for sign-in when needed;
// testers come through install links, never through /), and the first admin's one-time sign-in link
// printed by `otaship serve` on a new server (src/services/first-run.ts).
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import type { FastifyInstance } from 'fastify';
import { FIRST_RUN_PATH } from '../../services/first-run.js';
import { SESSION_COOKIE } from '../../services/sessions.js';
import type { ServerDeps } from '../deps.js';

export async function entryRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/', async (_request, reply) => reply.header('Cache-Control', 'no-store').redirect('/admin', 302));

  // A GET, because the link is opened from a terminal. The code leaves the address bar at once (303
  // to /admin) and never reaches another site (Referrer-Policy: no-referrer on every response).
  app.get<{ Querystring: { code?: string } }>(FIRST_RUN_PATH, async (request, reply) => {
    const code = typeof request.query.code === 'string' ? request.query.code : '';
    const session = await services.firstRun.redeem(code); // UNAUTHENTICATED → the HTML error page
    reply.setCookie(SESSION_COOKIE, session.value, services.sessions.cookieOptions(session.expiresAt));
    return reply.header('Cache-Control', 'no-store').redirect('/admin', 303);
  });
}
