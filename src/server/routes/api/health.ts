// GET /api/v1/health — liveness, no auth, no I/O: the process answers. Also the place a monitoring
// probe or the ops tooling sees that the server runs on an http public URL (iOS refuses installs
// then). It deliberately does not touch the database: an orchestrator restarting instances on a
// failed liveness check would otherwise restart all of them during a database outage.
// GET /api/v1/ready — readiness, no auth: 200 when the database and storage work, else 503 with
// Retry-After and which part failed (see services/readiness.ts).
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../../version.js';
import type { ServerDeps } from '../../deps.js';
import { RETRY_AFTER_SECONDS } from '../../infra-fault.js';
import * as S from '../../schemas/health.js';

export async function healthRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/api/v1/health', { schema: S.health }, async (_request, reply) => {
    const s = services.status;
    return reply.header('Cache-Control', 'no-store').send({
      status: 'ok',
      version: VERSION,
      publicUrl: s.publicUrl,
      https: s.https,
      iosInstallReady: s.iosInstallReady,
      warnings: s.warnings,
      storage: services.blobs.kind,
      caPageUrl: s.caPageUrl,
    });
  });

  app.get('/api/v1/ready', { schema: S.ready }, async (request, reply) => {
    const r = await services.readiness.check();
    reply.header('Cache-Control', 'no-store');
    if (!r.ready) {
      request.log.error({ database: r.database, storage: r.storage }, 'not ready');
      reply.code(503).header('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    return reply.send({ status: r.ready ? 'ready' : 'unavailable', database: r.database, storage: r.storage });
  });
}
