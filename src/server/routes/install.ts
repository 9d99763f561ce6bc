// The install surface fetched by the iOS install daemon and by browsers: manifest, package, icons.
// No cookies, no User-Agent sniffing: access is the `t` token in the URL (or a public release); a
// signed-in person's token is also checked against the database and counted as theirs.
import type { FastifyInstance } from 'fastify';
import type { IconVariant } from '../../services/install.js';
import type { RouteDeps } from '../deps.js';
import { isRedirectedDownloadStart, sendBlob } from '../http/send-blob.js';
import * as S from '../schemas/install.js';

interface Params {
  releaseId: string;
}
interface Query {
  t?: string;
}

const ICONS: ReadonlyMap<string, IconVariant> = new Map([
  ['icon.png', 'original'],
  ['icon-57.png', '57'],
  ['icon-512.png', '512'],
]);

export async function installRoutes(app: FastifyInstance, { services, downloads }: RouteDeps): Promise<void> {
  const { install, counters, blobs, redirects, personLinks } = services;

  app.get<{ Params: Params; Querystring: Query }>('/i/:releaseId/manifest.plist', { schema: S.manifest }, async (request, reply) => {
    const xml = await install.manifest(request.params.releaseId, request.query.t, request.method === 'GET');
    // Always a 200 with the body: iOS does not follow a redirect for the manifest.
    return reply
      .header('Cache-Control', 'no-store')
      .type('text/xml; charset=utf-8')
      .send(xml);
  });

  app.route<{ Params: Params & { ext: string }; Querystring: Query }>({
    method: ['GET', 'HEAD'],
    url: '/i/:releaseId/package.:ext',
    exposeHeadRoute: false,
    schema: S.packageFile,
    handler: async (request, reply) => {
      const target = await install.package(request.params.releaseId, request.params.ext, request.query.t, request.method === 'GET');
      const releaseId = target.release.id;
      if (request.method === 'GET') {
        const location = await redirects.package(target);
        if (location) {
          // Every ranged request of a resumed download is redirected too: count only a start.
          if (isRedirectedDownloadStart(request)) {
            void counters.count(releaseId, 'download_start');
            void personLinks.count(target.personId, releaseId, 'download');
          }
          return reply.header('Cache-Control', 'no-store').redirect(location, 302);
        }
      }
      return sendBlob(request, reply, blobs, target.key, {
        guard: downloads,
        contentType: target.contentType,
        cacheControl: 'no-transform, private',
        filename: target.filename,
        onStart: () => {
          void counters.count(releaseId, 'download_start');
          void personLinks.count(target.personId, releaseId, 'download');
        },
        onComplete: () => void counters.count(releaseId, 'download_complete'),
      });
    },
  });

  app.route<{ Params: Params & { icon: string }; Querystring: Query }>({
    method: ['GET', 'HEAD'],
    url: '/i/:releaseId/:icon',
    exposeHeadRoute: false,
    schema: S.icon,
    handler: async (request, reply) => {
      // A Map: names such as constructor or __proto__ must not find anything on a prototype.
      const variant = ICONS.get(request.params.icon);
      if (!variant) return reply.callNotFound();
      const icon = await install.icon(request.params.releaseId, variant, request.query.t);
      const location = request.method === 'GET' ? redirects.icon(icon) : null;
      // no-store: the release may turn private, and then this answer must not be replayed.
      if (location) return reply.header('Cache-Control', 'no-store').redirect(location, 302);
      return sendBlob(request, reply, blobs, icon.key, {
        guard: downloads,
        contentType: 'image/png',
        cacheControl: 'private, max-age=86400, no-transform',
      });
    },
  });
}
