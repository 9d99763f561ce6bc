// POST /api/v1/releases/:id/doctor: the server checks its own install page for this release the way
// iOS will (services/doctor/release-check.ts) and answers the report. POST: it makes requests and
// takes seconds, so no cache or prefetcher should trigger it.
import type { FastifyInstance } from 'fastify';
import { checkRelease } from '../../../services/doctor/release-check.js';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { DOCTOR_REPORT_SCHEMA } from './doctor-schema.js';

export async function doctorRoutes(app: FastifyInstance, { services, ca }: ServerDeps): Promise<void> {
  app.post<{ Params: { id: string } }>(
    '/api/v1/releases/:id/doctor',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: DOCTOR_REPORT_SCHEMA },
      },
    },
    async (request, reply) => {
      const principal = await authenticate(request, services);
      const report = await checkRelease(services, principal, request.params.id, ca?.certPem ?? null);
      return reply.header('Cache-Control', 'no-store').send(report);
    },
  );
}
