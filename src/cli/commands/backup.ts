// `otaship backup <dir>`, `otaship restore <dir>` and `otaship verify [dir]`: consistent backups of
// a serving otaship (database snapshot, then the blobs its releases use), restores into a new data
// folder, and checks of every release's blobs against the SHA-256 recorded for them. The server's
// data is found as `otaship serve` finds it (--config, --data-dir, --database-url, OTASHIP_*).
// The work lives in src/backup/; this file is flags and output.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config/types.js';
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';

interface CommonFlags {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
  concurrency: string;
  json?: boolean;
  quiet?: boolean;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--config <file>', "the server's config file")
    .option('--data-dir <dir>', "the server's data directory (database <dir>/otaship.db unless OTASHIP_DATABASE_URL; blobs <dir>/blobs unless S3)")
    .option('--database-url <url>', "the server's database (as OTASHIP_DATABASE_URL)")
    .option('--concurrency <n>', 'blobs copied or checked in parallel', '2')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'print only the summary');
}

function concurrency(flags: CommonFlags): number {
  const n = Number(flags.concurrency);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new OtashipError('USAGE', `--concurrency ${flags.concurrency} must be a whole number from 1 to 16`);
  return n;
}

async function serverConfig(flags: CommonFlags, dataDir = flags.dataDir): Promise<Config> {
  const { loadConfig } = await import('../../config/index.js');
  return loadConfig({ file: flags.config, overrides: { dataDir, databaseUrl: flags.databaseUrl } });
}

async function storeOpener(config: Config): Promise<() => Promise<BlobStore>> {
  const { storageConfig } = await import('../../server/compose.js');
  const { openBlobStore } = await import('../../storage/open.js');
  return () => openBlobStore(storageConfig(config.storage));
}

function logger(flags: CommonFlags): (line: string) => void {
  return (line) => {
    if (!flags.json && !flags.quiet) process.stdout.write(`${line}\n`);
  };
}

const SIGNING_KEY_NOTE = {
  'key-file':
    'The link-signing key IS included (secrets/signing.key): whoever holds this backup can sign install links and admin sessions. Keep it as private as the server, or back up with --without-secrets.',
  database:
    'The link-signing key IS included (in the database, as this server version keeps it): whoever holds this backup can sign install links and admin sessions. Keep it as private as the server.',
  configured:
    'The link-signing key is NOT in this backup: it is OTASHIP_SECRET in the server\'s settings. Keep a copy of it with the backup\'s restore instructions; without it, links issued before the restore stop working.',
  'left-out':
    'The link-signing key is NOT included (--without-secrets): restore signing.key into the data folder (or set OTASHIP_SECRET) yourself, or every link issued before the backup stops working.',
} as const;

export function register(program: Command): void {
  withCommon(
    program
      .command('backup <dir>')
      .description('Back up a serving otaship into a new folder: a consistent database snapshot, then every blob its releases use')
      .option('--without-secrets', 'leave out the link-signing key and the local TLS CA'),
  )
    .addHelpText(
      'after',
      `
The backup is written to a hidden folder next to <dir> and renamed to <dir> once complete, so a folder
named <dir> is always a finished backup. <dir> must not exist. SQLite is copied with SQLite's online
backup (safe while the server writes); PostgreSQL with pg_dump (needed on PATH), on the same snapshot
as the blob listing. Files are 0600, folders 0700.

Unless --without-secrets, secrets/ holds signing.key (the key that signs install links: whoever holds
the backup can sign links) and the self-signed TLS CA, if any.

Example (cron, nightly at 03:00; % must be escaped in crontab):
  0 3 * * *  otaship backup --data-dir /var/lib/otaship /backups/otaship-$(date +\\%F)`,
    )
    .action(async (dir: string, flags: CommonFlags & { withoutSecrets?: boolean }) => {
      const n = concurrency(flags);
      const config = await serverConfig(flags);
      const { assertLiveDatabase } = await import('../../backup/verify.js');
      assertLiveDatabase(config);
      const open = await storeOpener(config);
      const { createBackup } = await import('../../backup/create.js');
      const store = await open();
      try {
        const summary = await createBackup(config, store, dir, { withSecrets: !flags.withoutSecrets, concurrency: n, onProgress: logger(flags) });
        const m = summary.manifest;
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ dir: summary.dir, releases: m.releases.length, blobs: m.blobs.length, bytes: summary.bytes, database: m.database.dialect, droppedReleases: m.droppedReleases, secrets: m.secrets, signingKey: summary.signingKey }, null, 2)}\n`,
          );
        } else {
          process.stdout.write(`Backed up ${m.releases.length} release(s), ${m.blobs.length} blob(s), ${summary.bytes} bytes to ${summary.dir}\n`);
          process.stdout.write(`${SIGNING_KEY_NOTE[summary.signingKey]}\n`);
        }
      } finally {
        await store.close?.();
      }
    });

  withCommon(
    program
      .command('restore <dir>')
      .description('Restore a backup into a new data folder (and the configured database and storage), then verify it')
      .option('--force', 'restore into a data folder, database or storage that is not empty, replacing what is there'),
  )
    .addHelpText(
      'after',
      `
The backup is verified first and refused if damaged. The target (--data-dir, --database-url, the
storage settings) must be empty unless --force. Stop any server on the target first. When the backup
was made --without-secrets, put the old signing.key into the data folder (or set OTASHIP_SECRET)
before starting the server, or links issued before stop working.`,
    )
    .action(async (dir: string, flags: CommonFlags & { force?: boolean }) => {
      const n = concurrency(flags);
      const config = await serverConfig(flags);
      const { restoreBackup } = await import('../../backup/restore.js');
      const summary = await restoreBackup(config, await storeOpener(config), dir, { force: flags.force ?? false, concurrency: n, onProgress: logger(flags) });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ dataDir: config.dataDir, releases: summary.verified.releases, blobs: summary.verified.blobs, signingKeyRestored: summary.signingKeyRestored }, null, 2)}\n`,
        );
      } else {
        process.stdout.write(`Restored and verified ${summary.verified.releases} release(s), ${summary.verified.blobs} blob(s) into ${config.dataDir}\n`);
        if (!summary.signingKeyRestored && config.secret === null) {
          process.stdout.write('The backup has no signing.key: put the old one into the data folder (or set OTASHIP_SECRET) before starting the server, or links issued before stop working.\n');
        }
      }
    });

  withCommon(
    program
      .command('verify [dir]')
      .description("Check every release's blobs against the recorded SHA-256, in a backup folder or a server's data"),
  )
    .addHelpText(
      'after',
      `
[dir] is a backup folder (it holds manifest.json) or a data folder; without it, the server's data is
found as \`otaship serve\` finds it. Every missing or damaged blob is printed; exit code 0 when all is
well, 3 when something is missing or damaged.`,
    )
    .action(async (dir: string | undefined, flags: CommonFlags) => {
      const n = concurrency(flags);
      const { assertLiveDatabase, verifyBackup, verifyLive, verifyFailure, describeProblem } = await import('../../backup/verify.js');
      const isBackup = dir !== undefined && existsSync(join(dir, 'manifest.json'));
      let report;
      let where: string;
      if (isBackup) {
        where = `the backup ${dir}`;
        report = await verifyBackup(dir, n);
      } else {
        if (dir !== undefined && flags.dataDir !== undefined) throw new OtashipError('USAGE', 'give the data folder either as [dir] or as --data-dir, not both');
        const config = await serverConfig(flags, dir ?? flags.dataDir);
        where = `the data in ${config.dataDir}`;
        assertLiveDatabase(config);
        const store = await (await storeOpener(config))();
        try {
          report = await verifyLive(config, store, n);
        } finally {
          await store.close?.();
        }
      }
      for (const p of report.problems) process.stderr.write(`${describeProblem(p)}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok: report.problems.length === 0, ...report }, null, 2)}\n`);
      else if (!flags.quiet || report.problems.length === 0) {
        process.stdout.write(`${report.releases} release(s), ${report.blobs} blob(s) checked: ${report.problems.length === 0 ? 'all match' : `${report.problems.length} problem(s)`}\n`);
      }
      if (report.problems.length > 0) throw verifyFailure(where, report);
    });
}
