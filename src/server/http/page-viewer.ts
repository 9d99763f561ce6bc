// Who is looking at a public page (install pages, the device registration profile): the signed-in
// person behind the session cookie, or null. The pages work for anyone with a link, so a missing,
// stale or foreign session is no error here: the visitor is simply anonymous.
import type { FastifyRequest } from 'fastify';
import { isOtashipError } from '../../core/errors.js';
import type { Principal, Services } from '../../services/index.js';
import { SESSION_COOKIE } from '../../services/sessions.js';

export async function pageViewer(request: FastifyRequest, services: Services): Promise<Principal | null> {
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return null;
  try {
    const principal = await services.sessions.resolve(cookie);
    return principal.person ? principal : null;
  } catch (err) {
    // An expired or revoked session, or a removed person: anonymous. The database away is not.
    if (isOtashipError(err) && ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED'].includes(err.code)) return null;
    throw err;
  }
}
