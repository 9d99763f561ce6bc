// buildServer: the fastify app from already-built services. Registers the API, the install surface
// and the web helper's page/admin plugins, with ONE error edge for all of them.
import type { Socket } from 'node:net';
import cookie from '@fastify/cookie';
import fastify, { LogController, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { credentialsFirst } from './auth.js';
import type { RouteDeps, ServerDeps } from './deps.js';
import { DownloadGuard } from './http/download-guard.js';
import { clientErrorHandler, expectationHandler, frameworkErrorHandler, installErrorEdge, type ErrorPageRenderer } from './error-edge.js';
import { destroyLingering } from './http/lingering-close.js';
import { watchBodyIdle } from './http/body-idle.js';
import { guardBody } from './http/body-guard.js';
import { AJV_OPTIONS, openapiRoutes, registerOpenapi } from './openapi.js';
import { catalogRoutes } from './routes/api/catalog.js';
import { healthRoutes } from './routes/api/health.js';
import { tokenRoutes } from './routes/api/tokens.js';
import { deviceRoutes } from './routes/api/devices.js';
import { testerRoutes } from './routes/api/testers.js';
import { webhookRoutes } from './routes/api/webhooks.js';
import { doctorRoutes } from './routes/api/doctor.js';
import { uploadRoutes } from './routes/api/upload.js';
import { bundleRoutes } from './routes/api/bundles.js';
import { resumableUploadRoutes } from './routes/api/uploads-tus.js';
import { installRoutes } from './routes/install.js';
import { caRoutes } from './routes/ca.js';
import { udidRoutes } from './routes/udid.js';
import { pageRoutes } from './routes/pages.js';
import { adminRoutes } from './routes/admin.js';
import { entryRoutes } from './routes/entry.js';
import { cliRoutes } from './routes/cli.js';
import { peopleRoutes } from './routes/api/people.js';
import { signInRoutes } from './routes/sign-in.js';
import { myAppsRoutes } from './routes/my-apps.js';
import { adminPeopleRoutes } from './routes/admin-people.js';
import { auditRoutes } from './routes/api/audit.js';
import { adminAuditRoutes } from './routes/admin-audit.js';
import { installAuditLog } from './audit.js';
import { shareLinkRoutes } from './routes/api/share-links.js';
import { shareRoutes } from './routes/share.js';
import { adminShareLinkRoutes } from './routes/admin-share-links.js';
import { renderErrorPage } from '../web/pages/error.js';
import { pageLanguage } from './http/page-language.js';

export interface BuildServerOptions {
  /** fastify logger option: false in tests, pino settings for `otaship serve`. */
  logger?: FastifyServerOptions['logger'];
  /** TLS for fastify's https server (PEM). */
  https?: { cert: string | Buffer; key: string | Buffer } | null;
}

type RoutePlugin = (app: FastifyInstance, deps: RouteDeps) => Promise<void>;

/**
 * Every route each server registered (method, URL pattern, config): the authorisation table, audit
 * coverage and OpenAPI tests walk it, so a route added later that one of them does not know fails.
 */
const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();
export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's `config` (its audit declaration: server/audit.ts). */
  config: RouteOptions['config'];
}
export function registeredRoutes(app: FastifyInstance): ReadonlyArray<RegisteredRoute> {
  return registered.get(app) ?? [];
}

export async function buildServer(deps: ServerDeps, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const secureCookie = deps.config.publicUrl.startsWith('https:');
  // Error pages speak the tester's language (the admin's stay English, like the admin itself).
  const renderPage: ErrorPageRenderer = (view, exchange) =>
    String(
      renderErrorPage(
        view,
        exchange && !exchange.request.url.startsWith('/admin') ? pageLanguage(exchange.request, exchange.reply, secureCookie, { refusal: true }) : undefined,
      ),
    );
  const app = fastify({
    logger: options.logger ?? false,
    // Links are built from the configured public URL, so proxy headers are never trusted for them;
    // X-Forwarded-For from the proxies named in OTASHIP_TRUST_PROXY sets request.ip (throttling).
    trustProxy: deps.config.trustProxy.length > 0 ? [...deps.config.trustProxy] : false,
    // Uploads and downloads of several GB take long on slow links: no request timeout; keep-alive
    // and header timeouts still protect against idle sockets, and a body that stops arriving is
    // cancelled by the idle watchdog below (http/body-idle.ts).
    requestTimeout: 0,
    connectionTimeout: 0,
    bodyLimit: 1024 * 1024,
    // One line per request at info level costs more than serving a manifest; errors and refusals
    // are still logged by the error edge. Access logs belong to the reverse proxy.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors raised before routing, or before a request could even be parsed, use the one error envelope.
    frameworkErrors: frameworkErrorHandler(renderPage),
    clientErrorHandler: clientErrorHandler(renderPage),
    ajv: AJV_OPTIONS,
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions) as unknown as FastifyInstance;

  installErrorEdge(app, renderPage);

  // request.ip reads the socket's peer address when asked, and a socket that is already gone (a
  // client that sent junk after its request is cut while that request is handled) has none: the
  // throttles and the audit log would get undefined. Asking once on connection makes Node keep it.
  app.server.on('connection', (socket: Socket) => void socket.remoteAddress);
  app.server.on('secureConnection', (socket: Socket) => void socket.remoteAddress);
  app.server.on('checkExpectation', expectationHandler);

  const idleSeconds = deps.config.uploadIdleTimeoutSeconds;
  app.addHook('onRequest', async (request) => {
    watchBodyIdle(request.raw, idleSeconds);
  });

  // Credentials are checked, or a deadline set, before any body is read (http/body-guard.ts).
  const bodySeconds = deps.config.unauthenticatedBodyTimeoutSeconds;
  app.addHook('preParsing', async (request, reply, payload) => {
    await guardBody(request, reply, deps.services, bodySeconds);
    return payload;
  });

  // Refused uploads keep their connection briefly (http/lingering-close.ts); shutdown ends them.
  app.addHook('preClose', async () => destroyLingering(app.server));

  const hsts = deps.config.hsts;
  app.addHook('onSend', async (_request, reply, payload) => {
    // Install links carry tokens in their URLs: never leak them through Referer; never let a
    // browser guess content types.
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Content-Type-Options', 'nosniff');
    // Half a year, this host only: the same domain may run other services still on http.
    if (hsts) reply.header('Strict-Transport-Security', 'max-age=15552000');
    return payload;
  });

  // API routes documented as needing credentials check them before their input is validated.
  app.addHook('preValidation', credentialsFirst(deps.services));
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, config: route.config });
  });

  await app.register(cookie);
  // Every route's declared audit entry is written by one set of hooks (server/audit.ts); after the
  // cookie plugin, whose onSend writes the Set-Cookie a sign-in's entry reads its actor from.
  installAuditLog(app, deps.services);
  await registerOpenapi(app, deps.config);
  // Page and admin routes belong to the web layer (src/web renders; these plugins route).
  const plugins: RoutePlugin[] = [
    healthRoutes,
    uploadRoutes,
    resumableUploadRoutes,
    catalogRoutes,
    bundleRoutes,
    tokenRoutes,
    deviceRoutes,
    testerRoutes,
    webhookRoutes,
    doctorRoutes,
    installRoutes,
    caRoutes,
    udidRoutes,
    pageRoutes,
    adminRoutes,
    entryRoutes,
    cliRoutes,
    openapiRoutes,
    // People: the API, sign-in (e-mail links, single sign-on), My apps, the admin's People pages.
    peopleRoutes,
    signInRoutes,
    myAppsRoutes,
    adminPeopleRoutes,
    // The audit log: the API and the admin's Audit page.
    auditRoutes,
    adminAuditRoutes,
    // Share links as records: the API, the link's page, the admin page.
    shareLinkRoutes,
    shareRoutes,
    adminShareLinkRoutes,
  ];
  const routeDeps: RouteDeps = {
    ...deps,
    downloads: new DownloadGuard(deps.config.downloadIdleTimeoutSeconds, deps.config.downloadsPerClient),
  };
  for (const plugin of plugins) await app.register((scope) => plugin(scope, routeDeps));
  return app;
}
