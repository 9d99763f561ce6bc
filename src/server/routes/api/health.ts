// GET /api/v1/health — no auth. Also the place a monitoring probe or the ops tooling sees that the
// server runs on an http public URL (iOS refuses installs then).
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../../version.js';
import type { ServerDeps } from '../../deps.js';

export async function healthRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/api/v1/health', async (_request, reply) => {
    // A cheap read proves the database answers.
    await services.repos.settings.get('health-probe');
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
}
