// The testers' side for an app's managers: who installed a release (per-person install links,
// services/person-links.ts) and the testers' devices missing from the app's latest build
// (services/tester-devices.ts), also as the file Apple's developer portal imports.
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import * as S from '../../schemas/testers.js';

export async function testerRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get<{ Params: { id: string } }>('/api/v1/releases/:id/installs', { schema: S.releaseInstalls }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await services.personLinks.installs(principal, request.params.id) });
  });

  app.get<{ Params: { appId: string } }>('/api/v1/apps/:appId/missing-devices', { schema: S.missingDevices }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send(await services.testerDevices.missing(principal, request.params.appId));
  });

  // Paste or upload into the Apple Developer portal (Devices › Register Multiple Devices).
  app.get<{ Params: { appId: string } }>('/api/v1/apps/:appId/missing-devices.txt', { schema: S.missingDevicesFile }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const text = await services.testerDevices.missingExport(principal, request.params.appId);
    return reply
      .type('text/plain; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="missing-devices.txt"')
      .header('Cache-Control', 'no-store')
      .send(text);
  });
}
