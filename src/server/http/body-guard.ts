// Request bodies from strangers. A body is read before a route's handler runs, so without care
// anyone could open connections and trickle bodies into them a byte at a time, each holding a
// socket (and the body-idle watchdog only fires when NO byte arrives). Before any body is read:
//   - a request carrying credentials is authenticated first: a rejected bearer token is answered
//     at once (401, or 429 when throttled) and its body is never read;
//   - any other body (sign-in form, device registration, or a request that will be refused once
//     read) must arrive whole within OTASHIP_UNAUTHENTICATED_BODY_TIMEOUT, or the connection is
//     closed. Authenticated uploads keep only the idle watchdog: they may take hours.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import type { Services } from '../../services/index.js';
import { authenticate } from '../auth.js';
import { hasBody } from './body-idle.js';
import { closeAfterRefusal } from './lingering-close.js';

export async function guardBody(request: FastifyRequest, reply: FastifyReply, services: Services, timeoutSeconds: number): Promise<void> {
  const req = request.raw;
  if (req.complete || !hasBody(req)) return;
  if (request.headers.authorization !== undefined || request.headers.cookie !== undefined) {
    try {
      await authenticate(request, services);
      return;
    } catch (err) {
      // A bad cookie may still sign in (the login form) or reach a public route: it is treated as
      // no credentials. A bad bearer token is refused now.
      if (request.headers.authorization !== undefined && isOtashipError(err)) {
        closeAfterRefusal(request, reply);
        throw err;
      }
    }
  }
  armDeadline(request, timeoutSeconds);
}

function armDeadline(request: FastifyRequest, seconds: number): void {
  const req = request.raw;
  const timer = setTimeout(() => {
    if (req.complete || req.destroyed) return;
    // Fails whoever reads the body, and closes the connection: a client this slow gets no answer.
    req.destroy(
      new OtashipError(
        'UPLOAD_INCOMPLETE',
        `the request body did not arrive within ${seconds} s (OTASHIP_UNAUTHENTICATED_BODY_TIMEOUT), so the connection was closed`,
      ),
    );
  }, seconds * 1000);
  timer.unref();
  const stop = () => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
}
