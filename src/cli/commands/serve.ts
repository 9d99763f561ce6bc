// `otaship serve`: run the distribution server. Settings come from a JSON config file (--config or
// OTASHIP_CONFIG) and OTASHIP_* variables, read and validated by src/config; the flags below
// override them. Heavy modules (fastify, database, storage) load only when the command runs.
import type { Command } from 'commander';
import { shutdownHandler } from '../shutdown.js';

/** In-flight requests get this long after SIGTERM (compose.yaml's stop_grace_period allows for it). */
export const SHUTDOWN_GRACE_S = 30;
/** A database that does not answer must not keep a stopping server alive for long. */
const COUNTER_FLUSH_TIMEOUT_S = 5;

interface ServeFlags {
  config?: string;
  port?: string;
  host?: string;
  publicUrl?: string;
  dataDir?: string;
  tls?: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the otaship server (API, install pages, manifests, downloads, admin)')
    .option('--config <file>', 'JSON config file (same settings as the OTASHIP_* variables, in camelCase)')
    .option('--port <n>', 'port to listen on (OTASHIP_PORT, default 8080)')
    .option('--host <addr>', 'address to listen on (OTASHIP_HOST, default 0.0.0.0)')
    .option('--public-url <url>', 'origin every link is built from (OTASHIP_PUBLIC_URL)')
    .option('--data-dir <dir>', 'data directory: database, blobs, TLS files (OTASHIP_DATA_DIR, default ./data)')
    .option('--tls <mode>', '"self-signed": serve https with a local CA (OTASHIP_TLS)')
    .addHelpText(
      'after',
      `
Examples:
  $ OTASHIP_PUBLIC_URL=https://ota.example.com OTASHIP_ADMIN_TOKEN=$(openssl rand -hex 24) otaship serve
  $ otaship serve --tls self-signed --port 8443           # LAN installs; testers trust the CA at /ca
  $ otaship serve --config /etc/otaship.json

iOS installs only over https: with an http public URL the server runs but warns at start,
in /api/v1/health and on the install pages.`,
    )
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

async function serve(flags: ServeFlags): Promise<void> {
  const { loadConfig } = await import('../../config/index.js');
  const { startServer } = await import('../../main.js');
  const config = loadConfig({
    file: flags.config,
    overrides: {
      port: flags.port,
      host: flags.host,
      publicUrl: flags.publicUrl,
      dataDir: flags.dataDir,
      tls: flags.tls,
    },
  });
  const server = await startServer(config, { logger: { level: 'info' } });
  const log = server.app.log;
  // A new server prints its first admin's one-time sign-in link (src/services/first-run.ts) as plain
  // text on stdout, where only whoever started it sees it; the log line says where to look.
  const firstRun = await server.services.firstRun.issue();
  if (firstRun) {
    log.info('no admin yet: printed a one-time sign-in link for the first admin (valid for 1 hour)');
    process.stdout.write(
      `\nFirst admin: open this one-time sign-in link (it works once, until ${firstRun.expiresAt.toISOString()}):\n\n` +
        `  ${firstRun.url}\n\n` +
        'Then create tokens for publishing (and an admin token for yourself) on the Tokens page.\n\n',
    );
  } else if (!config.adminTokenSha256 && !(await server.services.repos.tokens.list()).some((t) => t.admin)) {
    log.warn(
      'no admin token: set OTASHIP_ADMIN_TOKEN, or create one with `otaship token create --name admin --admin` ' +
        `(--data-dir ${config.dataDir})`,
    );
  }
  if (server.tls?.caFingerprint) {
    log.info(`self-signed TLS: testers install and trust the CA from ${config.publicUrl}/ca (SHA-256 ${server.tls.caFingerprint})`);
  }
  log.info(`admin: ${config.publicUrl}/admin`);

  // Buffered install counts are written before the process exits, also when the grace period
  // cuts open downloads off (src/cli/shutdown.ts).
  const stop = shutdownHandler(
    { close: () => server.close(), flushCounters: () => server.services.counters.flush() },
    { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (o, m) => log.error(o, m) },
    { graceMs: SHUTDOWN_GRACE_S * 1000, flushTimeoutMs: COUNTER_FLUSH_TIMEOUT_S * 1000, exit: (code) => process.exit(code) },
  );
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
