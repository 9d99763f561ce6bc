// Apps and releases: list, read, edit, delete. Authorisation happens in the services.
import type { FastifyInstance } from 'fastify';
import { appJson, releaseJson } from '../../../services/index.js';
import { conversionJson } from '../../../services/views.js';
import { authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject, pageLimit } from './body.js';
import * as S from '../../schemas/catalog.js';

/** The most releases one page lists (the repositories clamp to the same). */
const MAX_PAGE = 200;

interface AppParams {
  appId: string;
}
interface ReleaseParams {
  id: string;
}

export async function catalogRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  const { catalog } = services;

  app.get('/api/v1/apps', { schema: S.listApps }, async (request) => {
    const principal = await authenticate(request, services);
    const apps = await catalog.listAppsWithLatest(principal);
    const items = apps.map(({ app: a, latest }) => ({
      ...appJson(a),
      latestRelease: latest ? releaseJson(latest, a) : null,
      latestPageUrl: services.urls.latestPage(a),
    }));
    return { items };
  });

  app.get<{ Params: AppParams }>('/api/v1/apps/:appId', { schema: S.getApp }, async (request) => {
    const principal = await authenticate(request, services);
    const { app: a, latest } = await catalog.getAppWithLatest(principal, request.params.appId);
    return {
      ...appJson(a),
      latestRelease: latest ? { ...releaseJson(latest, a), links: services.urls.release(latest, a) } : null,
      latestPageUrl: services.urls.latestPage(a),
    };
  });

  app.patch<{ Params: AppParams }>('/api/v1/apps/:appId', { schema: S.updateApp, config: { audit: { action: 'app.update', target: { type: 'app', id: 'params.appId' }, details: ['body.name', 'body.isPublic'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['name', 'isPublic']);
    return appJson(await catalog.updateApp(principal, request.params.appId, body));
  });

  app.delete<{ Params: AppParams }>('/api/v1/apps/:appId', { schema: S.deleteApp, config: { audit: { action: 'app.delete', target: { type: 'app', id: 'params.appId' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await catalog.deleteApp(principal, request.params.appId);
    return reply.code(204).send();
  });

  app.get<{ Params: AppParams; Querystring: { cursor?: string; limit?: string } }>(
    '/api/v1/apps/:appId/releases',
    { schema: S.listReleases },
    async (request) => {
      const principal = await authenticate(request, services);
      const limit = pageLimit(request.query.limit, MAX_PAGE);
      const { app: a, page } = await catalog.listReleases(principal, request.params.appId, {
        cursor: request.query.cursor || null,
        limit,
      });
      const items = await Promise.all(
        page.items.map(async (r) => ({ ...releaseJson(r, a), counts: await services.counters.get(r.id) })),
      );
      return { items, nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: ReleaseParams }>('/api/v1/releases/:id', { schema: S.getRelease }, async (request) => {
    const principal = await authenticate(request, services);
    const { app: a, release } = await catalog.getRelease(principal, request.params.id);
    return {
      ...releaseJson(release, a),
      conversion: release.bundle ? conversionJson(await services.bundles.job(release.id)) : null,
      counts: await services.counters.get(release.id),
      links: services.urls.release(release, a),
    };
  });

  app.patch<{ Params: ReleaseParams }>('/api/v1/releases/:id', { schema: S.updateRelease, config: { audit: { action: 'release.update', target: { type: 'release', id: 'params.id' }, details: ['body.isPublic'] } } }, async (request) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['notes', 'isPublic']);
    const { app: a, release } = await catalog.updateRelease(principal, request.params.id, body);
    return { ...releaseJson(release, a), links: services.urls.release(release, a) };
  });

  app.delete<{ Params: ReleaseParams }>('/api/v1/releases/:id', { schema: S.deleteRelease, config: { audit: { action: 'release.delete', target: { type: 'release', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await catalog.deleteRelease(principal, request.params.id);
    return reply.code(204).send();
  });
}
