// API tokens (admin only): list, create (the secret is shown once), revoke.
import type { FastifyInstance } from 'fastify';
import { allowedFirst, authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject } from './body.js';
import * as S from '../../schemas/tokens.js';

export async function tokenRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/api/v1/tokens', { schema: S.listTokens }, async (request) => {
    const principal = await authenticate(request, services);
    return { items: await services.tokens.list(principal) };
  });

  app.post('/api/v1/tokens', { schema: S.createToken, config: { audit: { action: 'token.create', target: { type: 'token', id: 'response.id' }, details: ['body.appId', 'body.admin', 'body.expiresInDays'] } }, preValidation: allowedFirst(services, 'token:manage') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['name', 'appId', 'admin', 'expiresInDays']);
    const { token, record } = await services.tokens.create(principal, {
      name: body.name as string,
      appId: (body.appId as string | null | undefined) ?? null,
      admin: body.admin === true,
      expiresInDays: (body.expiresInDays as number | null | undefined) ?? null,
    });
    return reply.code(201).header('Cache-Control', 'no-store').send({ ...record, token });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', { schema: S.revokeToken, config: { audit: { action: 'token.revoke', target: { type: 'token', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await services.tokens.revoke(principal, request.params.id);
    return reply.code(204).send();
  });
}
