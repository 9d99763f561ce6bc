// `otaship storage migrate --from <location> --to <location>`: copy every blob between storage
// backends (fs ↔ S3), SHA-256-verified and resumable. Locations use the compact form parsed by
// src/storage/config.ts: fs:<dir> (or a plain directory) and s3://[key:secret@]bucket[/prefix]?….
// Packages are also checked against the SHA-256 the server's database recorded at publish.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { OtashipError } from '../../core/errors.js';
import type { RecordedHash } from '../../storage/migrate.js';
import { registerGc } from './storage-gc.js';

interface MigrateFlags {
  from: string;
  to: string;
  prefix?: string;
  concurrency: string;
  verify: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  dbCheck: boolean;
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
}

/** Exit code of a command stopped with Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED_EXIT = 130;

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function register(program: Command): void {
  const storage = program.command('storage').description('Maintain blob storage (packages and icons)');
  registerGc(storage);
  storage
    .command('migrate')
    .description('Copy every blob from one storage backend to another, verifying SHA-256; safe to re-run (resumes)')
    .requiredOption('--from <location>', 'source (required): fs:<dir> | <dir> | s3://bucket[/prefix]?region=…&endpoint=…&forcePathStyle=true')
    .requiredOption('--to <location>', 'destination (required), same forms as --from')
    .option('--prefix <keyPrefix>', 'only blobs whose key starts with this')
    .option('--concurrency <n>', 'blobs copied in parallel', '2')
    .option('--no-verify', 'do not read each copied blob back from the destination to check its hash')
    .option('--dry-run', 'list what would be copied, copy nothing')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'print only the summary')
    .option('--config <file>', "the server's config file: where its database is")
    .option('--data-dir <dir>', "the server's data directory (its database: <dir>/otaship.db unless OTASHIP_DATABASE_URL)")
    .option('--database-url <url>', "the server's database (as OTASHIP_DATABASE_URL)")
    .option('--no-db-check', "do not check packages against the SHA-256 recorded in the server's database")
    .addHelpText(
      'after',
      `
Locations:
  fs:/var/lib/otaship/blobs                 a directory (as OTASHIP_STORAGE=fs uses <data>/blobs)
  s3://bucket/otaship/?region=eu-west-1     S3; credentials from the AWS default chain
  s3://KEY:SECRET@bucket?endpoint=http://127.0.0.1:9000&forcePathStyle=true
                                            S3-compatible service (MinIO…); options: region, endpoint,
                                            forcePathStyle, checksum (when_required|when_supported),
                                            partSize, queueSize

Examples:
  $ otaship storage migrate --from fs:./data/blobs --to "s3://my-bucket/otaship/?region=eu-central-1"
  $ otaship storage migrate --from ./data/blobs --to s3://ota --dry-run

Blobs already present at the destination with the same SHA-256 are skipped, so an interrupted run
(Ctrl-C: exit code 130) resumes when started again. Each package is checked against the SHA-256 the
server's database recorded when it was published (found as \`otaship serve\` finds it: --config,
--data-dir, --database-url or OTASHIP_*); a package that differs is not copied. Exit code 0 when every
blob is in place, 3 when some failed.`,
    )
    .action(async (flags: MigrateFlags) => {
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
        throw new OtashipError('USAGE', `--concurrency ${flags.concurrency} must be a whole number from 1 to 16`);
      }
      const { parseStorageSpec, describeStorage } = await import('../../storage/config.js');
      const { openBlobStore } = await import('../../storage/open.js');
      const { migrateBlobs } = await import('../../storage/migrate.js');
      const fromConfig = parseStorageSpec(flags.from);
      const toConfig = parseStorageSpec(flags.to);
      if (fromConfig.kind === 'memory' || toConfig.kind === 'memory') {
        throw new OtashipError('USAGE', 'memory: storage lives only inside one process and cannot be migrated from or to');
      }
      if (JSON.stringify(fromConfig) === JSON.stringify(toConfig)) {
        throw new OtashipError('USAGE', '--from and --to name the same storage');
      }
      const recorded = flags.dbCheck ? await recordedPackageHashes(flags) : undefined;
      const source = await openBlobStore(fromConfig);
      const destination = await openBlobStore(toConfig);
      const log = (line: string) => {
        if (!flags.json && !flags.quiet) process.stdout.write(`${line}\n`);
      };
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      let interrupted = false;
      try {
        log(`${flags.dryRun ? 'Checking' : 'Migrating'} ${describeStorage(fromConfig)} → ${describeStorage(toConfig)}`);
        const summary = await migrateBlobs(source, destination, {
          concurrency,
          verify: flags.verify,
          dryRun: flags.dryRun ?? false,
          signal: controller.signal,
          ...(flags.prefix ? { prefix: flags.prefix } : {}),
          ...(recorded ? { recorded } : {}),
          onEvent: (e) => {
            if (e.type === 'copied') log(`copied   ${e.key} (${formatBytes(e.size)})`);
            else if (e.type === 'would-copy') log(`to copy  ${e.key} (${formatBytes(e.size)})`);
            else if (e.type === 'skipped' && e.reason === 'same-hash') log(`present  ${e.key}`);
            else if (e.type === 'failed') process.stderr.write(`failed   ${e.key}: ${e.error}\n`);
          },
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, dryRun: flags.dryRun ?? false }, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${summary.total} blob(s): ${flags.dryRun ? `${summary.total - summary.skipped - summary.failed} to copy` : `${summary.copied} copied (${formatBytes(summary.bytesCopied)})`}, ` +
              `${summary.skipped} already present, ${summary.failed} failed\n`,
          );
        }
        if (summary.failed > 0) {
          const retryable = summary.failed - summary.mismatched;
          throw new OtashipError(
            'STORAGE',
            `${summary.failed} blob(s) could not be copied (listed above)` +
              (summary.mismatched > 0 ? `; ${summary.mismatched} differ from the SHA-256 recorded at publish and stay uncopied until restored at the source` : '') +
              (retryable > 0 ? `; run the same command again to retry the other ${retryable}` : ''),
          );
        }
      } catch (err) {
        // An abort is Ctrl-C, not a failure: every put in flight has removed what it started.
        if (!controller.signal.aborted) throw err;
        interrupted = true;
      } finally {
        process.off('SIGINT', onSignal);
        await source.close?.();
        await destination.close?.();
      }
      if (interrupted) {
        process.stderr.write('otaship: storage migrate interrupted; nothing half-copied was kept — run the same command again to resume\n');
        process.exit(INTERRUPTED_EXIT);
      }
    });
}

/** Package key → SHA-256 recorded at publish, from the server's database. */
async function recordedPackageHashes(flags: MigrateFlags): Promise<Map<string, RecordedHash>> {
  const { loadConfig } = await import('../../config/index.js');
  const { openRepositories, parseDatabaseUrl, redact } = await import('../../db/index.js');
  const config = loadConfig({ file: flags.config, overrides: { dataDir: flags.dataDir, databaseUrl: flags.databaseUrl } });
  const target = parseDatabaseUrl(config.databaseUrl);
  // Opening a missing SQLite file would create an empty database and check nothing.
  if (target.dialect === 'sqlite' && !existsSync(target.path)) {
    throw new OtashipError(
      'USAGE',
      `there is no otaship database at ${target.path} to check the packages against: give the server's --config, ` +
        '--data-dir or --database-url (or its OTASHIP_* settings), or --no-db-check to compare source and destination only',
    );
  }
  const repos = await openRepositories(config.databaseUrl).catch((err: unknown) => {
    throw new OtashipError('STORAGE', `cannot open the server's database ${redact(config.databaseUrl)} to check the packages: ${(err as Error).message}`, { cause: err });
  });
  try {
    const rows = await repos.releases.packageHashes();
    return new Map(rows.map((r) => [r.packageKey, { sha256: r.sha256, label: `release ${r.releaseId}` }]));
  } finally {
    await repos.close();
  }
}
