// Who is calling: an API token (Authorization: Bearer) or an admin session cookie. Cookie-carried
// state changes also need proof they come from our own pages (CSRF): the header
// `X-Requested-With: otaship` (which a cross-site form cannot set) or an Origin equal to ours.
import type { FastifyRequest } from 'fastify';
import { OtashipError } from '../core/errors.js';
import type { Principal, Services } from '../services/index.js';
import { SESSION_COOKIE } from '../services/sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function authenticate(request: FastifyRequest, services: Services): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new OtashipError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    return services.tokens.authenticate(m[1]!);
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const principal = await services.sessions.resolve(cookie);
    if (!SAFE_METHODS.has(request.method)) checkSameSite(request, services.config.publicUrl);
    return principal;
  }
  throw new OtashipError('UNAUTHENTICATED', 'this request needs an API token');
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
