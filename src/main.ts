// Starting the server: compose everything from a validated config, listen, and say loudly what
// iOS will make of it (an http public URL means no installs on iPhones).
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config/types.js';
import type { Clock } from './services/clock.js';
import type { WebhookDispatchOptions } from './services/webhook-dispatcher.js';
import { compose, type ComposeOptions, type Composed } from './server/compose.js';
import { listenError } from './server/startup-checks.js';

export interface StartOptions {
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Webhook delivery timing (tests shorten it). */
  webhooks?: WebhookDispatchOptions;
  /** Android bundle tools and conversion timing (tests). */
  bundleTools?: ComposeOptions['bundleTools'];
  bundleWorker?: ComposeOptions['bundleWorker'];
}

export interface RunningServer extends Composed {
  /** Where the socket listens (may differ from the public URL behind a proxy). */
  listenUrl: string;
  port: number;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const composed = await compose(config, options);
  const { app, services } = composed;
  // Said before the port opens, so nobody can use the server without having been told.
  for (const warning of services.status.warnings) app.log.warn(`WARNING: ${warning}`);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await composed.close();
    throw listenError(err, config.host, config.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const scheme = composed.tls ? 'https' : 'http';
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.log.info({ publicUrl: config.publicUrl, storage: services.blobs.kind }, `otaship listening on ${scheme}://${host}:${port}`);
  return { ...composed, listenUrl: `${scheme}://${host}:${port}`, port };
}
