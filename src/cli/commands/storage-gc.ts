// `otaship storage gc`: shows, and with --delete removes, what crashed or failed processes left in
// the server's storage: blobs of publishes that never recorded their release (stale blob intents),
// blobs under releases/ that no release names, staged upload files and the store's own leftovers
// (fs temp files, S3 unfinished multipart uploads). Everything only after a grace period (--older-than)
// that outlasts any live publish. Reads the server's config like `otaship serve`.
import type { Command } from 'commander';
import { OtashipError } from '../../core/errors.js';

interface GcFlags {
  delete?: boolean;
  dryRun?: boolean;
  olderThan: string;
  json?: boolean;
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
}

export function registerGc(storage: Command): void {
  storage
    .command('gc')
    .description("Show (by default) or remove (--delete) leftovers of crashed or failed uploads in the server's storage")
    .option('--delete', 'remove what is listed')
    .option('--dry-run', 'only list (the default)')
    .option('--older-than <hours>', 'only leftovers at least this old: live uploads are younger', '25')
    .option('--json', 'print the result as JSON')
    .option('--config <file>', "the server's config file")
    .option('--data-dir <dir>', "the server's data directory")
    .option('--database-url <url>', "the server's database (as OTASHIP_DATABASE_URL)")
    .addHelpText(
      'after',
      `
Lists, in the server's storage and database (found as \`otaship serve\` finds them):
  unfinished publishes   blobs written for a release that was never recorded (the process died)
  unreferenced blobs     blobs under releases/ that no release names
  temporary leftovers    staged uploads in the temp folder, the fs store's temp files, and S3
                         multipart uploads never completed or aborted
Running servers remove unfinished publishes and temporary leftovers by themselves (at start and
hourly); unreferenced blobs are only removed here. Exit code 0.`,
    )
    .action(async (flags: GcFlags) => {
      if (flags.delete && flags.dryRun) throw new OtashipError('USAGE', '--delete and --dry-run contradict each other: give one');
      const hours = Number(flags.olderThan);
      if (!Number.isFinite(hours) || hours < 1) {
        throw new OtashipError('USAGE', `--older-than ${flags.olderThan} must be a number of hours of at least 1, so that live uploads are kept`);
      }
      await gc(flags, hours * 3600_000);
    });
}

async function gc(flags: GcFlags, graceMs: number): Promise<void> {
  const { loadConfig } = await import('../../config/index.js');
  const { openRepositories } = await import('../../db/index.js');
  const { openBlobStore } = await import('../../storage/index.js');
  const { storageConfig, sweepStaleTemporaries } = await import('../../server/compose.js');
  const { BlobGc } = await import('../../services/blob-gc.js');
  const { systemClock } = await import('../../services/clock.js');
  const config = loadConfig({ file: flags.config, overrides: { dataDir: flags.dataDir, databaseUrl: flags.databaseUrl } });
  const dryRun = flags.delete !== true;
  const repos = await openRepositories(config.databaseUrl);
  try {
    const blobs = await openBlobStore(storageConfig(config.storage));
    try {
      const collector = new BlobGc(repos, blobs, systemClock);
      const intents = await collector.sweepIntents({ dryRun, graceMs });
      const unreferenced = await collector.sweepUnreferenced({ dryRun, graceMs });
      let temporary: { staged: number; store: number } | { error: string };
      try {
        temporary = await sweepStaleTemporaries(config, blobs, Date.now(), { dryRun, olderThanMs: graceMs });
      } catch (err) {
        // e.g. an S3-compatible service without ListMultipartUploads: say so, report the rest.
        temporary = { error: err instanceof Error ? err.message : String(err) };
      }
      print(flags, dryRun, intents, unreferenced, temporary);
    } finally {
      await blobs.close?.();
    }
  } finally {
    await repos.close();
  }
}

function print(
  flags: GcFlags,
  dryRun: boolean,
  intents: Array<{ prefix: string; createdAt: Date; keys: string[]; released: boolean }>,
  unreferenced: string[],
  temporary: { staged: number; store: number } | { error: string },
): void {
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ dryRun, unfinishedPublishes: intents, unreferencedBlobs: unreferenced, temporary }, null, 2)}\n`);
    return;
  }
  const verb = dryRun ? 'to remove' : 'removed';
  const lines: string[] = [];
  lines.push(`Unfinished publishes: ${intents.length}`);
  for (const i of intents) {
    lines.push(`  ${i.prefix} (since ${i.createdAt.toISOString()}): ${i.released ? 'recorded after all, blobs kept' : `${i.keys.length} blob(s) ${verb}`}`);
    for (const k of i.keys) lines.push(`    ${k}`);
  }
  lines.push(`Unreferenced blobs: ${unreferenced.length}${unreferenced.length ? ` ${verb}` : ''}`);
  for (const k of unreferenced) lines.push(`  ${k}`);
  if ('error' in temporary) lines.push(`Temporary leftovers: not checked: ${temporary.error}`);
  else lines.push(`Temporary leftovers: ${temporary.staged} staged upload(s), ${temporary.store} in the store${temporary.staged + temporary.store ? ` ${verb}` : ''}`);
  if (dryRun) lines.push('Nothing was removed (dry run): run again with --delete to remove what is listed.');
  process.stdout.write(`${lines.join('\n')}\n`);
}
