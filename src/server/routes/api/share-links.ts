// Share links of an app: make, list, revoke (its managers; services/share-links.ts decides).
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject } from './body.js';
import * as S from '../../schemas/share-links.js';

interface AppParams {
  appId: string;
}

export async function shareLinkRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  const { shareLinks } = services;

  app.get<{ Params: AppParams }>('/api/v1/apps/:appId/share-links', { schema: S.listShareLinks }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await shareLinks.list(principal, request.params.appId) });
  });

  app.post<{ Params: AppParams }>('/api/v1/apps/:appId/share-links', { schema: S.createShareLink, config: { audit: { action: 'share-link.create', target: { type: 'share-link', id: 'response.link.id' }, details: ['body.name', 'body.releaseId', 'body.expiresInDays', 'body.installLimit'] } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['name', 'releaseId', 'expiresInDays', 'installLimit', 'passcode']);
    return reply.code(201).header('Cache-Control', 'no-store').send(await shareLinks.create(principal, request.params.appId, body));
  });

  app.delete<{ Params: AppParams & { linkId: string } }>('/api/v1/apps/:appId/share-links/:linkId', { schema: S.revokeShareLink, config: { audit: { action: 'share-link.revoke', target: { type: 'share-link', id: 'params.linkId' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send(await shareLinks.revoke(principal, request.params.appId, request.params.linkId));
  });
}
