// POST /api/v1/releases/:id/doctor: the server checks its own install page for this release the way
// iOS will (services/doctor/release-check.ts) and answers the report. POST: it makes requests and
// takes seconds, so no cache or prefetcher should trigger it.
import type { FastifyInstance } from 'fastify';
import { checkRelease } from '../../../services/doctor/release-check.js';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { DOCTOR_REPORT_SCHEMA } from './doctor-schema.js';
import { API_AUTH, TAG, errors, idParams, json } from '../../schemas/common.js';

export async function doctorRoutes(app: FastifyInstance, { services, ca }: ServerDeps): Promise<void> {
  app.post<{ Params: { id: string } }>(
    '/api/v1/releases/:id/doctor',
    {
      schema: {
        summary: "Check a release's install the way iOS will (the deployment doctor, against this server's public URL; the app's developers and managers)",
        tags: [TAG.releases],
        security: API_AUTH,
        params: idParams('id'),
        response: { 200: json(DOCTOR_REPORT_SCHEMA, 'The report: findings with codes, what the phone shows, and fixes'), ...errors(400, 401, 403, 404, 409, 429) },
      },
      config: { audit: { action: 'release.check', target: { type: 'release', id: 'params.id' } } },
    },
    async (request, reply) => {
      const principal = await authenticate(request, services);
      const report = await checkRelease(services, principal, request.params.id, ca?.certPem ?? null);
      return reply.header('Cache-Control', 'no-store').send(report);
    },
  );
}
