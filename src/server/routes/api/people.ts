// People, groups and roles on apps. People and groups: instance admins; an app's roles: its
// managers too. Authorisation happens in the services (services/people.ts → authz.ts).
import type { FastifyInstance } from 'fastify';
import { allowedFirst, authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject } from './body.js';
import * as S from '../../schemas/people.js';

export async function peopleRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  const { people } = services;

  app.get('/api/v1/people', { schema: S.listPeople }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await people.list(principal) });
  });

  // Adds a person and sends them an invitation (or answers its link when no mail server is set).
  app.post('/api/v1/people', { schema: S.invitePerson, config: { audit: { action: 'person.invite', target: { type: 'person', id: 'response.person.id' }, details: ['body.admin', 'response.invitation.sent'] } }, preValidation: allowedFirst(services, 'people:manage') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['email', 'name', 'admin']);
    const result = await services.signIn.invite(principal, body, request.ip);
    return reply.code(201).header('Cache-Control', 'no-store').send(result);
  });

  app.patch<{ Params: { id: string } }>('/api/v1/people/:id', { schema: S.updatePerson, config: { audit: { action: 'person.update', target: { type: 'person', id: 'params.id' }, details: ['body.name', 'body.admin', 'body.disabled'] } }, preValidation: allowedFirst(services, 'people:manage') }, async (request) => {
    const principal = await authenticate(request, services);
    return people.update(principal, request.params.id, jsonObject(request.body, ['name', 'admin', 'disabled']));
  });

  app.delete<{ Params: { id: string } }>('/api/v1/people/:id', { schema: S.removePerson, config: { audit: { action: 'person.remove', target: { type: 'person', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await people.remove(principal, request.params.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/groups', { schema: S.listGroups }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await people.listGroups(principal) });
  });

  app.post('/api/v1/groups', { schema: S.createGroup, config: { audit: { action: 'group.create', target: { type: 'group', id: 'response.id' } } }, preValidation: allowedFirst(services, 'people:manage') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['name']);
    return reply.code(201).send(await people.createGroup(principal, body.name));
  });

  app.patch<{ Params: { id: string } }>('/api/v1/groups/:id', { schema: S.updateGroup, config: { audit: { action: 'group.update', target: { type: 'group', id: 'params.id' } } }, preValidation: allowedFirst(services, 'people:manage') }, async (request) => {
    const principal = await authenticate(request, services);
    return people.updateGroup(principal, request.params.id, jsonObject(request.body, ['notifyNewBuilds']));
  });

  app.delete<{ Params: { id: string } }>('/api/v1/groups/:id', { schema: S.removeGroup, config: { audit: { action: 'group.delete', target: { type: 'group', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await people.removeGroup(principal, request.params.id);
    return reply.code(204).send();
  });

  app.put<{ Params: { id: string; personId: string } }>('/api/v1/groups/:id/members/:personId', { schema: S.addMember, config: { audit: { action: 'group.member-add', target: { type: 'group', id: 'params.id' }, details: ['params.personId'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    return people.addMember(principal, request.params.id, request.params.personId);
  });

  app.delete<{ Params: { id: string; personId: string } }>('/api/v1/groups/:id/members/:personId', { schema: S.removeMember, config: { audit: { action: 'group.member-remove', target: { type: 'group', id: 'params.id' }, details: ['params.personId'] } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await people.removeMember(principal, request.params.id, request.params.personId);
    return reply.code(204).send();
  });

  app.get<{ Params: { appId: string } }>('/api/v1/apps/:appId/grants', { schema: S.listGrants }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await people.listGrants(principal, request.params.appId) });
  });

  // Sets one person's or group's role on the app (replacing the earlier one).
  app.put<{ Params: { appId: string } }>('/api/v1/apps/:appId/grants', { schema: S.setGrant, config: { audit: { action: 'access.grant', target: { type: 'app', id: 'params.appId' }, details: ['body.personId', 'body.groupId', 'body.email', 'body.role'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['personId', 'groupId', 'email', 'role']);
    return people.grant(principal, request.params.appId, body);
  });

  app.delete<{ Params: { appId: string }; Querystring: { personId?: string; groupId?: string } }>(
    '/api/v1/apps/:appId/grants',
    { schema: S.revokeGrant, config: { audit: { action: 'access.revoke', target: { type: 'app', id: 'params.appId' }, details: ['query.personId', 'query.groupId'] } } },
    async (request, reply) => {
      const principal = await authenticate(request, services);
      await people.revokeGrant(principal, request.params.appId, { personId: request.query.personId, groupId: request.query.groupId });
      return reply.code(204).send();
    },
  );

  // A person's own API tokens: they act as the person, with the person's roles.
  app.get('/api/v1/me/tokens', { schema: S.listMyTokens, preValidation: allowedFirst(services, 'token:personal') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await services.tokens.listPersonal(principal) });
  });

  app.post('/api/v1/me/tokens', { schema: S.createMyToken, config: { audit: { action: 'token.create', target: { type: 'token', id: 'response.id' }, note: { kind: 'personal' }, details: ['body.expiresInDays'] } }, preValidation: allowedFirst(services, 'token:personal-create') }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['name', 'expiresInDays']);
    const { token, record } = await services.tokens.createPersonal(principal, body as { name: unknown; expiresInDays?: unknown });
    return reply.code(201).header('Cache-Control', 'no-store').send({ ...record, token });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/me/tokens/:id', { schema: S.revokeMyToken, config: { audit: { action: 'token.revoke', target: { type: 'token', id: 'params.id' }, note: { kind: 'personal' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await services.tokens.revokePersonal(principal, request.params.id);
    return reply.code(204).send();
  });

  // Who the caller is, and their role on each app they may see (the admin and My apps use it).
  app.get('/api/v1/me', { schema: S.me }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const roles = principal.person ? Object.fromEntries(principal.person.roles) : null;
    return reply.header('Cache-Control', 'no-store').send({
      name: principal.name,
      email: principal.person?.email ?? null,
      admin: principal.admin,
      kind: principal.person ? 'person' : 'token',
      roles,
    });
  });
}
