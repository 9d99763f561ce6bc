// The composition root: config → repositories → blob store → services → server. The only module
// that imports concrete adapters (src/db, src/storage, src/tls).
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config, StorageSettings } from '../config/types.js';
import { OtashipError } from '../core/errors.js';
import { openRepositories, withRecordCache } from '../db/index.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Repositories } from '../ports/repositories.js';
import { createServices, type Services } from '../services/index.js';
import type { Clock } from '../services/clock.js';
import type { WebhookDispatchOptions } from '../services/webhook-dispatcher.js';
import { openBlobStore, type StorageConfig } from '../storage/index.js';
import { backgroundErrorLogger } from './background-log.js';
import { buildServer } from './build.js';
import { openBundleConverter } from '../bundle/converter.js';
import type { BundleToolsOptions } from '../bundle/tools.js';
import type { BundleWorkerOptions } from '../services/bundle/worker.js';
import { smtpTransport } from '../mail/smtp.js';
import { openIdProvider } from '../sso/openid-client.js';
import { signInMailer } from '../web/mails.js';
import { configuredSecretWarning, resolveSigningSecret } from './signing-key.js';
import { checkTlsPair, ensureDataDirectory, tightenDataDirectory } from './startup-checks.js';

export interface ComposeOptions {
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Webhook delivery timing (tests shorten it). */
  webhooks?: WebhookDispatchOptions;
  /** How long close() waits for requests in flight before closing their connections (10 s). */
  shutdownDrainMs?: number;
  /** Where the Android bundle tools are (tests point it at a missing package or Java). */
  bundleTools?: BundleToolsOptions;
  /** Bundle conversion timing (tests shorten it). */
  bundleWorker?: BundleWorkerOptions;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Self-signed mode: the local CA users must trust, and its SHA-256 fingerprint. */
  caCert: string | null;
  caFingerprint: string | null;
  /** Shown at start (self-signed: an unconstrained CA, names the certificate leaves out). */
  warnings: string[];
}

export interface Composed {
  app: FastifyInstance;
  services: Services;
  tls: TlsMaterial | null;
  close(): Promise<void>;
}


/** How long a shutdown waits for requests in flight before it closes their connections. */
const SHUTDOWN_DRAIN_MS = 10_000;
export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  await ensureDataDirectory(config.dataDir);
  await ensureDataDirectory(config.tmpDir);
  await tightenDataDirectory(config.dataDir);
  await tightenDataDirectory(config.tmpDir);
  const tls = await loadTls(config);

  let repos: Repositories | undefined;
  let blobs: BlobStore | undefined;
  try {
    repos = withRecordCache(await openRepositories(config.databaseUrl));
    blobs = await openBlobStore(storageConfig(config.storage));
    // Redirect mode with nothing to redirect to would silently proxy everything. With a CDN but no
    // presigning (fs storage), public releases go to the CDN and private ones are proxied: allowed.
    if (config.downloadMode === 'redirect' && !config.cdnUrl && !blobs.capabilities.presign) {
      throw new OtashipError(
        'CONFIG',
        `OTASHIP_DOWNLOAD_MODE is redirect but ${blobs.kind} storage cannot presign URLs and OTASHIP_CDN_URL is not set: ` +
          'use s3 storage, set OTASHIP_CDN_URL (used for public releases; private ones are then served by otaship), ' +
          'or set OTASHIP_DOWNLOAD_MODE=proxy',
      );
    }
    // The logger exists only once the app is built; counters may fail before that (they will not).
    const logRef: { log?: FastifyInstance['log'] } = {};
    const mailTransport = config.people.smtpUrl ? smtpTransport(config.people.smtpUrl, config.people.mailFrom) : null;
    const services = await createServices(config, repos, blobs, {
      signingSecret: await resolveSigningSecret(config, repos.settings),
      clock: options.clock,
      onCounterError: backgroundErrorLogger(() => logRef.log, 'writing install counts failed; they are kept and retried', 'error'),
      onWebhookError: backgroundErrorLogger(() => logRef.log, 'webhook dispatch failed'),
      onNoticeError: (err) => logRef.log?.warn({ err }, 'a "new build" notice could not be sent'),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      mailer: mailTransport ? signInMailer((m) => mailTransport.send(m)) : null,
      identityProvider: config.people.oidc ? openIdProvider(config.people.oidc) : null,
      // Checked in the background (jar SHA-256, java): a server without them only refuses bundles.
      bundleConverter: openBundleConverter({ workDir: config.tmpDir, ...options.bundleTools }),
      ...(options.bundleWorker ? { bundleWorker: options.bundleWorker } : {}),
      onBundleError: backgroundErrorLogger(() => logRef.log, 'converting an App Bundle failed'),
    });
    services.status.warnings.push(...(tls?.warnings ?? []));
    const secretWarning = await configuredSecretWarning(config, repos.settings);
    if (secretWarning) services.status.warnings.push(secretWarning);
    const ca = tls?.caCert && tls.caFingerprint ? { certPem: tls.caCert, fingerprint: tls.caFingerprint } : null;
    const app: FastifyInstance = await buildServer(
      { config, services, ca },
      { logger: options.logger ?? false, https: tls ? { cert: tls.cert, key: tls.key } : null },
    );
    logRef.log = app.log;
    // A database without a single app beside a storage that holds releases: the database was lost
    // (deleted while stopped, a volume not mounted) or another one is configured. Serving goes on,
    // but nobody should miss it: an error line, and a warning on /api/v1/health.
    void lostDatabaseWarning(repos, blobs).then(
      (warning) => {
        if (!warning) return;
        services.status.warnings.push(warning);
        app.log.error(warning);
      },
      (err: unknown) => app.log.warn({ err }, 'checking the database against the storage failed'),
    );
    const openRepos = repos;
    const openBlobs = blobs;
    // Housekeeping waits at most STARTUP_SWEEP_WAIT_MS, then goes on behind the start: a storage
    // that takes connections and answers slowly (or not at all) must not keep the server from
    // listening; readiness reports that storage on its own.
    const sweptAtStart = sweepStaleTemporaries(config, blobs).catch((err: unknown) => app.log.warn({ err }, 'sweeping stale temp files failed'));
    let sweepWait: NodeJS.Timeout | undefined;
    await Promise.race([sweptAtStart, new Promise<void>((resolve) => (sweepWait = setTimeout(resolve, STARTUP_SWEEP_WAIT_MS)))]);
    clearTimeout(sweepWait);
    // Blobs of publishes that crashed: every instance sweeps, claims keep two off the same prefix.
    const sweepIntents = () =>
      services.gc.sweepIntents().then(
        (swept) => {
          for (const s of swept) app.log.info({ prefix: s.prefix, keys: s.keys, since: s.createdAt }, 'removed the blobs of an unfinished publish');
        },
        (err: unknown) => app.log.warn({ err }, 'sweeping the blobs of unfinished publishes failed'),
      );
    // Audit entries past OTASHIP_AUDIT_RETENTION_DAYS: every instance sweeps (one delete on a time
    // bound, so sweeps running at once do not collide).
    const sweepAudit = () =>
      services.audit.sweep().then(
        (deleted) => {
          if (deleted > 0) app.log.info({ deleted }, 'deleted audit entries past their retention');
        },
        (err: unknown) => app.log.error({ err }, 'deleting audit entries past their retention failed'),
      );
    let sweeping = Promise.all([sweepIntents(), sweepAudit()]);
    const sweeper = setInterval(() => {
      sweepStaleTemporaries(config, openBlobs).catch((err: unknown) => app.log.warn({ err }, 'sweeping stale temp files failed'));
      sweeping = Promise.all([sweepIntents(), sweepAudit()]);
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
    // Every instance sends the webhook outbox; claims keep two from sending the same attempt.
    services.webhooks.dispatcher.start();
    // Every instance with the bundle tools converts App Bundles; claims keep two off the same job.
    const bundlesStarted = services.bundles.start().then(
      (refusal) => {
        if (refusal) app.log.warn(`Android App Bundles are refused: ${refusal.message}`);
      },
      (err: unknown) => app.log.warn({ err }, 'checking the Android bundle tools failed'),
    );
    return {
      app,
      services,
      tls,
      async close() {
        clearInterval(sweeper);
        // Requests in flight get a bounded drain: a download to a phone that stopped reading would
        // otherwise hold the shutdown (and a deploy) for as long as the phone stays connected.
        let drain: NodeJS.Timeout | undefined;
        const closing = app.close();
        await Promise.race([
          closing,
          new Promise<void>((resolve) => {
            drain = setTimeout(() => {
              app.server.closeAllConnections();
              resolve();
            }, options.shutdownDrainMs ?? SHUTDOWN_DRAIN_MS);
            drain.unref();
          }),
        ]);
        clearTimeout(drain);
        await closing;
        await services.publish.close();
        await bundlesStarted;
        await services.bundles.stop();
        await sweeping;
        await services.webhooks.dispatcher.stop();
        await services.notices.settled();
        await services.counters.close();
        await openRepos.close();
        await openBlobs.close?.();
      },
    };
  } catch (err) {
    await repos?.close().catch(() => undefined);
    await blobs?.close?.().catch(() => undefined);
    throw err;
  }
}

export function storageConfig(s: StorageSettings): StorageConfig {
  if (s.kind === 'fs') return { kind: 'fs', root: s.root };
  return {
    kind: 's3',
    bucket: s.bucket,
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.forcePathStyle,
    ...(s.accessKeyId ? { accessKeyId: s.accessKeyId } : {}),
    ...(s.secretAccessKey ? { secretAccessKey: s.secretAccessKey } : {}),
    ...(s.prefix ? { prefix: s.prefix } : {}),
    checksum: s.checksum,
  };
}

async function loadTls(config: Config): Promise<TlsMaterial | null> {
  const { tls } = config;
  if (tls.mode === 'off') return null;
  if (tls.mode === 'files') {
    const read = async (path: string, name: string) => {
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        throw new OtashipError('CONFIG', `${name} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    const cert = await read(tls.certFile, 'OTASHIP_TLS_CERT');
    const key = await read(tls.keyFile, 'OTASHIP_TLS_KEY');
    checkTlsPair(cert, key, tls.certFile, tls.keyFile);
    return { cert, key, caCert: null, caFingerprint: null, warnings: [] };
  }
  const { ensureSelfSignedTls } = await import('../tls/index.js');
  const names = [new URL(config.publicUrl).hostname];
  const m = await ensureSelfSignedTls({ dataDir: config.dataDir, names });
  return { cert: m.certPem, key: m.keyPem, caCert: m.caCertPem, caFingerprint: m.caFingerprintSha256, warnings: m.warnings };
}

/** How often stale temp files are swept while the server runs (also once at start). */
const SWEEP_INTERVAL_MS = 3600_000;
/**
 * Temp files untouched for this long belong to no live write. Generous because instances may share
 * the data dir: a live upload on another instance touches its files with every chunk, and a stalled
 * one is cancelled after OTASHIP_UPLOAD_IDLE_TIMEOUT (at most a day), so a day-old file is a crash's.
 */
const STALE_TEMP_MS = 24 * 3600_000 + 3600_000;

/**
 * Temp files of uploads (tmp/upload-*) and leftovers of blob-store writes cut off by a crash (fs temp
 * files, S3 unfinished multipart uploads), untouched for STALE_TEMP_MS (or `olderThanMs`). Returns
 * how many of each were removed, or with `dryRun` found.
 */
/** The warning for a database that holds no app while the storage holds releases, or null. */
export async function lostDatabaseWarning(repos: Repositories, blobs: BlobStore): Promise<string | null> {
  if ((await repos.apps.list()).length > 0) return null;
  for await (const key of blobs.list('releases/')) {
    return (
      `the database holds no app, but the ${blobs.kind} storage holds releases (${key}…): the database was lost ` +
      '(removed, or a volume not mounted) or OTASHIP_DATABASE_URL names another one. Restore it (otaship restore) or point ' +
      'OTASHIP_DATABASE_URL at it; releases published now are kept, but the earlier ones are not listed'
    );
  }
  return null;
}

/** How long the start waits for the sweep of stale temporaries before going on without it. */
const STARTUP_SWEEP_WAIT_MS = 5_000;

export async function sweepStaleTemporaries(
  config: Config,
  blobs: BlobStore,
  now = Date.now(),
  options: { dryRun?: boolean; olderThanMs?: number } = {},
): Promise<{ staged: number; store: number }> {
  const cutoff = now - (options.olderThanMs ?? STALE_TEMP_MS);
  let staged = 0;
  for (const name of await readdir(config.tmpDir).catch(() => [] as string[])) {
    // Staged uploads, and the work folders of App Bundle conversions (bundle-*, and otaship-key-*
    // holding a keystore opened for bundletool) that a crash cut off.
    if (!/^(upload-|bundle-|otaship-key-|otaship-newkey-)/.test(name)) continue;
    const path = join(config.tmpDir, name);
    const st = await stat(path).catch(() => null);
    if (st && st.mtimeMs < cutoff) {
      if (!options.dryRun) await rm(path, { force: true, recursive: true });
      staged++;
    }
  }
  // A resumable upload on S3 keeps its multipart write open for as long as the upload may live
  // (OTASHIP_UPLOAD_TTL): none younger than that is a crash's, whatever cut-off was asked for.
  const storeCutoff = Math.min(cutoff, now - (config.uploadTtlSeconds * 1000 + 3600_000));
  const store = (await blobs.sweepTemporary?.(new Date(storeCutoff), { dryRun: options.dryRun === true })) ?? 0;
  return { staged, store };
}
