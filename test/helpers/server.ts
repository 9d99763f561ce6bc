// Starts a REAL otaship server for integration tests: real socket on 127.0.0.1, a temp data dir,
// a SQLite file and fs blob storage. Returns the base URL, an admin token and stop().
//   const srv = await startTestServer();
//   const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() });
//   srv.clock.advance(8 * 86400_000);   // move server time forward (token/profile expiry)
//   await srv.stop();                    // closes the server and deletes the temp dir
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RawSettings } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/main.js';
import type { Services } from '../../src/services/index.js';
import type { WebhookDispatchOptions } from '../../src/services/webhook-dispatcher.js';
import { OpenapiConformance } from './openapi-conformance.js';

export interface TestClock {
  (): Date;
  /** Moves server time forward (or back with a negative value). */
  advance(ms: number): void;
  /** Back to real time. */
  reset(): void;
}

export interface TestServerOptions {
  /** Extra settings (camelCase, as in a config file). */
  settings?: RawSettings;
  /** https with the self-signed local CA (src/tls). The CA PEM is returned as `ca`. */
  tls?: boolean;
  /** Fastify logger (default off); `logLines(lines)` collects what it writes. */
  logger?: StartOptions['logger'];
  /** Webhook delivery timing (e.g. a short poll and retry delays). */
  webhooks?: WebhookDispatchOptions;
  /** How long stop() lets requests in flight finish before closing their connections. */
  shutdownDrainMs?: number;
  /** Where the Android bundle tools are (e.g. a missing package, to see bundles refused). */
  bundleTools?: StartOptions['bundleTools'];
  /** Bundle conversion timing (lease, poll). */
  bundleWorker?: StartOptions['bundleWorker'];
  /**
   * Check every answer against the server's OpenAPI document (default on): stop() fails with the
   * answers that do not match (helpers/openapi-conformance.ts).
   */
  conformance?: boolean;
}

export interface TestServer {
  /** Where to connect, e.g. http://127.0.0.1:41234 (equals the public URL unless settings.publicUrl is given). */
  baseUrl: string;
  /** The origin links are built from. */
  publicUrl: string;
  adminToken: string;
  /** `{ authorization: 'Bearer <adminToken>' }`, merged with extra headers. */
  auth(extra?: Record<string, string>): Record<string, string>;
  dataDir: string;
  config: Config;
  services: Services;
  clock: TestClock;
  /** PEM of the local CA when tls is on; trust it in clients. */
  ca: string | null;
  server: RunningServer;
  /** The OpenAPI check of this server's answers (null when turned off). */
  conformance: OpenapiConformance | null;
  stop(): Promise<void>;
}

export function testClock(): TestClock {
  let offset = 0;
  const clock = (() => new Date(Date.now() + offset)) as TestClock;
  clock.advance = (ms) => {
    offset += ms;
  };
  clock.reset = () => {
    offset = 0;
  };
  return clock;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'otaship-test-'));
  const adminToken = `admin-${randomBytes(18).toString('base64url')}`;
  const clock = testClock();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const scheme = options.tls ? 'https' : 'http';
    const config = loadConfig({
      env: {},
      overrides: {
        host: '127.0.0.1',
        port,
        publicUrl: `${scheme}://127.0.0.1:${port}`,
        dataDir,
        adminToken,
        ...(options.tls ? { tls: 'self-signed' } : {}),
        ...options.settings,
      },
    });
    try {
      const server = await startServer(config, {
        clock,
        logger: options.logger ?? false,
        ...(options.webhooks ? { webhooks: options.webhooks } : {}),
        ...(options.shutdownDrainMs !== undefined ? { shutdownDrainMs: options.shutdownDrainMs } : {}),
        ...(options.bundleTools ? { bundleTools: options.bundleTools } : {}),
        ...(options.bundleWorker ? { bundleWorker: options.bundleWorker } : {}),
      });
      let stopped = false;
      const conformance = options.conformance === false ? null : new OpenapiConformance(server.app.swagger() as Record<string, unknown>);
      conformance?.watch(server.app.server);
      return {
        baseUrl: server.listenUrl,
        publicUrl: config.publicUrl,
        adminToken,
        auth: (extra = {}) => ({ authorization: `Bearer ${adminToken}`, ...extra }),
        dataDir,
        config,
        services: server.services,
        clock,
        ca: server.tls?.caCert ?? null,
        server,
        conformance,
        async stop() {
          if (stopped) return;
          stopped = true;
          try {
            await server.close();
          } finally {
            await rm(dataDir, { recursive: true, force: true });
          }
          conformance?.assertConforms();
        },
      };
    } catch (err) {
      lastError = err;
      // Another process took the port between probing and listening: try another one.
      // (startServer reports it as a CONFIG error that keeps the errno in its details.)
      const errno = (err as { details?: { errno?: unknown } }).details?.errno ?? (err as NodeJS.ErrnoException).code;
      if (errno !== 'EADDRINUSE') break;
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A logger at info level whose lines land, parsed, in `lines` (to wait for and check what was logged). */
export function logLines(lines: Array<Record<string, unknown>>): StartOptions['logger'] {
  return { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}
