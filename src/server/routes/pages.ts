// Public pages: the install page of a release (/i/:releaseId), the latest-release page of an app
// (/apps/:appId), the CA trust page (/ca), and the static assets they use (/assets/*, from public/).
// Thin: access checks and links come from services.install (links never grant more than the
// visitor's own link does; a signed-in person who may install the app gets their own person links,
// services/person-links.ts); rendering from src/web.
// Registered by buildServer (src/server/build.ts) as a fastify plugin `(app, deps) => Promise<void>`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError } from '../../core/errors.js';
import type { ServerDeps } from '../deps.js';
import { bundlePageState, installPageView, olderReleaseView, presentContext } from '../../web/present.js';
import type { InstallPageView } from '../../web/view-models.js';
import type { ReleaseRecord } from '../../ports/repositories.js';
import type { Services } from '../../services/index.js';
import { PAGE_HEADERS } from '../../web/page-headers.js';
import { renderInstallPage } from '../../web/pages/install.js';
import { renderCaPage } from '../../web/pages/ca.js';
import { pageLanguage } from '../http/page-language.js';
import { pageViewer } from '../http/page-viewer.js';
import * as S from '../schemas/pages.js';

/** public/ sits at the package root: three levels up from src/server/routes and dist/server/routes. */
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');

/** How many other releases the install pages list. */
const OLDER_LIMIT = 20;

interface ReleaseParams {
  releaseId: string;
}
interface AppParams {
  appId: string;
}
interface TokenQuery {
  t?: string;
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(html);
}

/** A page view is a GET: HEAD (link checkers, previews, monitoring) reads no page. */
function countView(request: FastifyRequest, services: ServerDeps['services'], releaseId: string): void {
  if (request.method === 'GET') void services.counters.pageView(releaseId);
}

export async function pageRoutes(app: FastifyInstance, { services, ca, config }: ServerDeps): Promise<void> {
  // @fastify/static hides its route from the document; here it is described like every other.
  app.addHook('onRoute', (route) => {
    if (route.url === '/assets/*') route.schema = S.assets;
  });
  await app.register(fastifyStatic, {
    schemaHide: false,
    root: PUBLIC_DIR,
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    // Only what the pages load; the .d.ts files beside the scripts are for the tests.
    allowedPath: (pathName: string) => /^\/[a-z0-9-]+\.(js|css|svg|png|ico)$/.test(pathName),
    // Asset URLs carry ?v=<version>, but module imports inside the scripts do not: revalidate (ETag).
    maxAge: 0,
  });

  const secureCookie = config.publicUrl.startsWith('https:');

  app.get<{ Params: ReleaseParams; Querystring: TokenQuery }>('/i/:releaseId', { schema: S.installPage }, async (request, reply) => {
    const viewer = await pageViewer(request, services);
    const page = await services.install.release(request.params.releaseId, request.query.t, OLDER_LIMIT, viewer);
    const { app: appRecord, release, links } = page;
    countView(request, services, release.id);
    const older = page.others.map((r) => olderReleaseView(r.release, r.links));
    const view = {
      ...installPageView('release', appRecord, release, links, older, presentContext(services.status, services.clock), links.installPageUrl),
      bundle: await bundleState(services, release),
    };
    return sendPage(reply, String(await renderInstallPage(view, pageLanguage(request, reply, secureCookie))));
  });

  app.get<{ Params: AppParams; Querystring: TokenQuery }>('/apps/:appId', { schema: S.latestPage }, async (request, reply) => {
    const viewer = await pageViewer(request, services);
    const result = await services.install.latest(request.params.appId, request.query.t, OLDER_LIMIT, viewer);
    if (!result.latest) {
      throw new OtashipError('NOT_FOUND', `${result.app.name} has no releases yet`);
    }
    const { app: appRecord, release, links } = result.latest;
    countView(request, services, release.id);
    const older = result.older.map((r) => olderReleaseView(r.release, r.links));
    const view = {
      ...installPageView('latest', appRecord, release, links, older, presentContext(services.status, services.clock), result.latestPageUrl),
      bundle: await bundleState(services, release),
    };
    return sendPage(reply, String(await renderInstallPage(view, pageLanguage(request, reply, secureCookie))));
  });

  app.get('/ca', { schema: S.caPage }, async (request, reply) => {
    if (!ca) {
      throw new OtashipError('NOT_FOUND', 'this server does not use a self-signed certificate authority');
    }
    const html = renderCaPage({
      publicUrl: config.publicUrl,
      caCertUrl: '/ca.crt',
      mobileconfigUrl: '/ca.mobileconfig',
      fingerprint: ca.fingerprint,
    }, pageLanguage(request, reply, secureCookie));
    return sendPage(reply, String(html));
  });
}

/** A bundle release's install state; its job is read only while the APK is not ready. */
async function bundleState(services: Services, release: ReleaseRecord): Promise<InstallPageView['bundle']> {
  if (!release.bundle) return null;
  return bundlePageState(release, release.bundle.apkReady ? null : await services.bundles.job(release.id));
}
