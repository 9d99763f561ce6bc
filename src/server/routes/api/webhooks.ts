// Webhooks (admin only): create (the signing secret is shown once), list, delete, send a test ping,
// the delivery log, and sending a delivery again.
import type { FastifyInstance } from 'fastify';
import { allowedFirst, authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject, pageLimit } from './body.js';
import * as S from '../../schemas/webhooks.js';

/** The most deliveries one page of the log lists. */
const MAX_DELIVERIES = 200;

export async function webhookRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/api/v1/webhooks', { schema: S.listWebhooks }, async (request) => {
    const principal = await authenticate(request, services);
    return { items: await services.webhooks.list(principal) };
  });

  app.post('/api/v1/webhooks', { schema: S.createWebhook, config: { audit: { action: 'webhook.create', target: { type: 'webhook', id: 'response.id' }, details: ['body.events', 'body.appId'] } }, preValidation: allowedFirst(services, 'webhook:manage') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body);
    const { webhook, secret } = await services.webhooks.create(principal, {
      url: body.url,
      events: body.events,
      appId: body.appId,
      description: body.description,
    });
    return reply.code(201).header('Cache-Control', 'no-store').send({ ...webhook, secret });
  });

  app.get<{ Params: { id: string } }>('/api/v1/webhooks/:id', { schema: S.getWebhook }, async (request) => {
    const principal = await authenticate(request, services);
    return services.webhooks.get(principal, request.params.id);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/webhooks/:id', { schema: S.deleteWebhook, config: { audit: { action: 'webhook.delete', target: { type: 'webhook', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await services.webhooks.delete(principal, request.params.id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/v1/webhooks/:id/test', { schema: S.pingWebhook, config: { audit: { action: 'webhook.test', target: { type: 'webhook', id: 'params.id' } } } }, async (request) => {
    const principal = await authenticate(request, services);
    return services.webhooks.ping(principal, request.params.id);
  });

  app.post<{ Params: { id: string; deliveryId: string } }>('/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', { schema: S.redeliver, config: { audit: { action: 'webhook.redeliver', target: { type: 'webhook', id: 'params.id' }, details: ['params.deliveryId'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    return services.webhooks.redeliver(principal, request.params.id, request.params.deliveryId);
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>('/api/v1/webhooks/:id/deliveries', { schema: S.listDeliveries }, async (request) => {
    const principal = await authenticate(request, services);
    const limit = pageLimit(request.query.limit, MAX_DELIVERIES) ?? 50;
    return { items: await services.webhooks.deliveries(principal, request.params.id, limit) };
  });
}
