// Who is calling: an API token (Authorization: Bearer) or an admin session cookie. Cookie-carried
// state changes also need proof they come from our own pages (CSRF): the header
// `X-Requested-With: otaship` (which a cross-site form cannot set) or an Origin equal to ours.
// Rejected bearer tokens count against the client's address (services/auth-throttle.ts); once it
// has used up its allowance, its tokens are not even looked at until the window ends.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError, isOtashipError } from '../core/errors.js';
import { authorize, type Action } from '../services/authz.js';
import type { Principal, Services } from '../services/index.js';
import { SESSION_COOKIE } from '../services/sessions.js';
import { closeAfterRefusal } from './http/lingering-close.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a wrong token raises (unknown, revoked, expired, malformed). */
const REJECTED = new Set(['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

/** Who each request was found to be: the body guard (http/body-guard.ts) asks before the route does. */
const known = new WeakMap<FastifyRequest, Principal>();

export async function authenticate(request: FastifyRequest, services: Services): Promise<Principal> {
  const seen = known.get(request);
  if (seen) return seen;
  const principal = await identify(request, services);
  known.set(request, principal);
  return principal;
}

/** Who the request was found to be, if it has been asked (the audit hook, server/audit.ts, reads it). */
/**
 * For pages: the signed-in principal, or null after sending the browser to `loginUrl` (no session, or
 * one that ended: its cookie is cleared). Other errors (e.g. FORBIDDEN) go to the error edge.
 */
export async function pagePrincipal(request: FastifyRequest, reply: FastifyReply, services: Services, loginUrl: string): Promise<Principal | null> {
  try {
    return await authenticate(request, services);
  } catch (err) {
    if (!(isOtashipError(err) && err.code === 'UNAUTHENTICATED')) throw err;
    if (request.cookies?.[SESSION_COOKIE]) reply.clearCookie(SESSION_COOKIE, { path: '/' });
    await reply.redirect(loginUrl, 303);
    return null;
  }
}

export function knownPrincipal(request: FastifyRequest): Principal | undefined {
  return known.get(request);
}

async function identify(request: FastifyRequest, services: Services): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    return throttled(request, services, async () => {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new OtashipError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
      return services.tokens.authenticate(m[1]!);
    });
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const principal = await services.sessions.resolve(cookie);
    if (!SAFE_METHODS.has(request.method)) checkSameSite(request, services.config.publicUrl);
    return principal;
  }
  throw new OtashipError('UNAUTHENTICATED', 'this request needs an API token');
}

/**
 * A preValidation hook: an /api/ route whose schema says every way in needs credentials
 * (schemas/common.ts, API_AUTH) authenticates before its parameters and body are validated, so a
 * stranger is told 401, not how to shape a request. The route's own authenticate() then finds the
 * principal already known. CORS preflights (OPTIONS) never carry credentials.
 */
export function credentialsFirst(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const security = request.routeOptions.schema?.security;
    const needed =
      request.url.startsWith('/api/') &&
      request.method !== 'OPTIONS' &&
      !!security &&
      security.length > 0 &&
      security.every((way) => Object.keys(way).length > 0);
    if (!needed) return;
    try {
      await authenticate(request, services);
    } catch (err) {
      // A body still arriving is not waited for (http/lingering-close.ts).
      if (!request.raw.complete) closeAfterRefusal(request, reply);
      throw err;
    }
  };
}

/**
 * A route's preValidation hook for instance-wide actions (admin only): after credentialsFirst has
 * found who is calling, a caller who may not take the action at all is told 403 before the body
 * is validated, so the answer does not depend on how the body was shaped. authz.ts decides.
 */
export function allowedFirst(services: Services, action: Action) {
  return async (request: FastifyRequest): Promise<void> => {
    authorize(await authenticate(request, services), action);
  };
}

/**
 * Runs a token check under the per-address failure throttle: refused up front (429) while the
 * address is over its allowance, counted when the token is rejected.
 */
export async function throttled<T>(request: FastifyRequest, services: Services, attempt: () => Promise<T>): Promise<T> {
  services.authThrottle.check(request.ip);
  try {
    return await attempt();
  } catch (err) {
    if (isOtashipError(err) && REJECTED.has(err.code)) services.authThrottle.fail(request.ip);
    throw err;
  }
}

function checkSameSite(request: FastifyRequest, publicUrl: string): void {
  if (request.headers['x-requested-with'] === 'otaship') return;
  const origin = request.headers.origin;
  if (origin && origin === new URL(publicUrl).origin) return;
  throw new OtashipError(
    'FORBIDDEN',
    'a state-changing request with the admin session must come from the admin pages (X-Requested-With: otaship)',
  );
}

/**
 * Login CSRF: a browser posting a form always sends Origin (or at least Referer); when it names
 * another site — or "null", as sandboxed and no-referrer pages send — the post is refused, so a
 * foreign page cannot sign a visitor in to an account of its choosing. A request with neither
 * header comes from a script or tool, not from a victim's browser, and is let through. Besides the
 * public URL's origin, the origin the browser is actually on (its host equal to the Host it sent) is
 * ours too: with self-signed TLS an admin may open the server by its .local name or another address.
 */
export function checkFormOrigin(request: FastifyRequest, publicUrl: string): void {
  const ours = new URL(publicUrl).origin;
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  let from: string | null = null;
  if (origin !== undefined) from = origin;
  else if (referer !== undefined) {
    try {
      from = new URL(referer).origin;
    } catch {
      from = 'null';
    }
  }
  if (from === null || from === ours || sameHost(from, request.headers.host)) return;
  throw new OtashipError('FORBIDDEN', `this form was sent from another site (${from.slice(0, 100)}): sign in from ${ours}/admin/login`);
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" or garbage
  }
}
