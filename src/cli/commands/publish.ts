// `otaship publish <file>`: check the package locally, stream it to an otaship server with a progress
// bar, print the install page URL and link. The token and server may come from OTASHIP_TOKEN and
// OTASHIP_SERVER: this is the CLI *client*, so reading its own variables here (through commander's env
// support) is fine; the server's configuration is read only by src/config.
import { Option, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { OtashipError } from '../../core/errors.js';
import { terminalSafe as printable } from '../terminal-text.js';

interface PublishFlags {
  server?: string;
  token?: string;
  notes?: string;
  notesFile?: string;
  force?: boolean;
  check: boolean;
  ca?: string;
  json?: boolean;
  resume: boolean;
  source: boolean;
}

/**
 * Packages above this size go through the resumable (tus) upload: a cut-off connection then costs
 * a re-run of the same command, not the whole transfer. Smaller ones take the single raw request.
 */
export const RESUMABLE_THRESHOLD = 8 * 1024 * 1024;

export function register(program: Command): void {
  program
    .command('publish')
    .description('Upload an .ipa, .apk or .aab to an otaship server and print its install link')
    .argument('<file>', 'the package to publish (.ipa, .apk, or .aab: the server builds its APK)')
    .addOption(new Option('--server <url>', 'server base URL, e.g. https://ota.example.com').env('OTASHIP_SERVER'))
    .addOption(new Option('--token <token>', 'API token (ota_<id>_<secret>)').env('OTASHIP_TOKEN'))
    .option('--notes <text>', 'release notes (markdown)')
    .option('--notes-file <file>', 'read the release notes from a file (markdown)')
    .option('--force', 'publish even if the provisioning profile or signing certificate has expired')
    .option('--no-check', 'skip the local package check before uploading')
    .option('--ca <file>', 'trust this CA certificate (PEM), e.g. the ca.crt of a self-signed otaship server')
    .option('--json', 'print {releaseId, appId, installPageUrl, installLink, manifestUrl, downloadUrl} as JSON')
    .option('--no-source', 'do not send where the build came from (CI, branch, commit, build URL; read from the CI environment)')
    .option('--no-resume', `send the package in one plain request instead of a resumable upload (used above ${RESUMABLE_THRESHOLD / 1024 / 1024} MiB)`)
    .addHelpText(
      'after',
      `
Examples:
  $ otaship publish build/MyApp.ipa --server https://ota.example.com --token "$OTASHIP_TOKEN" --notes "Fixes login"
  $ OTASHIP_SERVER=https://ota.example.com OTASHIP_TOKEN=ota_... otaship publish app-release.apk --json

Large packages are sent as a resumable upload: if the connection drops, run the same command again
and it continues where it stopped (state in $XDG_CACHE_HOME/otaship or ~/.cache/otaship).`,
    )
    .action(async (file: string, flags: PublishFlags) => {
      await publish(file, flags);
    });
}

async function publish(file: string, flags: PublishFlags): Promise<void> {
  const { OtashipClient, ResumeState, defaultResumeStatePath, summarize, detectCiSource } = await import('../../client/index.js');
  const { ProgressBar, formatBytes } = await import('../progress.js');
  const err = process.stderr;

  if (flags.notes !== undefined && flags.notesFile !== undefined) {
    throw new OtashipError('USAGE', 'Give the release notes with --notes or --notes-file, not both');
  }
  const notes = flags.notesFile !== undefined ? await readText(flags.notesFile, 'notes file') : flags.notes;
  const ca = flags.ca !== undefined ? await readText(flags.ca, 'CA certificate') : undefined;
  // Usage problems (no server, no token) surface before any work is done.
  const client = new OtashipClient({ server: flags.server ?? '', token: flags.token ?? '', ca });

  // Order matters for a clean failure: the local check (no network) refuses a wrong file before any
  // request; the token check refuses a wrong token or an unreachable server before anything is printed,
  // so every failure is the single line the CLI's error edge prints.
  let description: string[] = [];
  let overrodeLocally = false;
  if (flags.check) {
    const { precheckPackage } = await import('../../client/precheck.js');
    const { info, warnings, overridden } = await precheckPackage(file, { force: flags.force === true }).catch((error: unknown) => {
      throw namingForce(error);
    });
    overrodeLocally = overridden.length > 0;
    const version = info.version ? `${info.version} (${info.build})` : info.build;
    const kind = info.kind === 'ipa' ? `iOS${info.profile ? ` ${info.profile.type}` : ''}` : info.kind === 'aab' ? 'Android App Bundle (the server builds the APK)' : 'Android';
    description = [
      `Publishing ${printable(info.name)} ${printable(version)} ${printable(info.bundleId)} — ${kind}, ${formatBytes(info.size)}`,
      ...warnings.map((w) => `warning: ${printable(w.message)}`),
      ...overridden.map((w) => `warning: --force overrides ${w.code}: ${printable(w.message)}`),
    ];
  }
  // Read once: the same provenance is printed and sent.
  const source = flags.source ? detectCiSource(process.env) : null;
  if (source) {
    const where = [source.branch, source.commit?.slice(0, 12)].filter(Boolean).join(' @ ');
    description.push(`Source: ${printable(source.ci)}${where ? ` ${printable(where)}` : ''}`);
  }
  await client.checkToken();
  for (const line of description) err.write(`${line}\n`);

  const size = await fileSize(file);
  const resumable = flags.resume && size > RESUMABLE_THRESHOLD;
  const bar = new ProgressBar(err);
  const progress = { sent: 0, total: size };
  // Ctrl-C (or a kill) mid-upload: say where it stopped and how to go on, instead of vanishing.
  const interrupted = (signal: NodeJS.Signals) => {
    bar.abort();
    const where = `${formatBytes(progress.sent)} of ${formatBytes(progress.total)} (${Math.floor((progress.sent / Math.max(1, progress.total)) * 100)}%)`;
    err.write(
      resumable
        ? `Upload interrupted at ${where}: run the same command again to resume it.\n`
        : `Upload interrupted at ${where}: run the same command again to send it again.\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let published;
  try {
    const options = {
      notes,
      force: flags.force === true,
      source,
      checkToken: false,
      onProgress: (sent: number, total: number) => {
        progress.sent = sent;
        progress.total = total;
        bar.update(sent, total);
      },
    };
    published = resumable
      ? await client.publishResumable(file, {
          ...options,
          resumeState: new ResumeState(defaultResumeStatePath()),
          onStart: (offset, total) => {
            progress.sent = offset;
            if (offset <= 0) return;
            err.write(`Resuming the upload at ${Math.floor((offset / total) * 100)}% (${formatBytes(offset)} of ${formatBytes(total)} already on the server)\n`);
            bar.resumeAt(offset, total);
          },
        })
      : await client.publish(file, options);
  } catch (error) {
    bar.abort();
    if (error instanceof OtashipError && error.code === 'PROFILE_EXPIRED') throw namingForce(error);
    if (resumable && error instanceof OtashipError && ['SERVER_UNREACHABLE', 'UPLOAD_INCOMPLETE'].includes(error.code)) {
      const hint = /run the same command again/.test(error.message) ? '' : '; run the same command again to resume the upload';
      throw new OtashipError(error.code, `${error.message}${hint}`, { cause: error });
    }
    throw error;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  bar.finish();
  // Without the local check, the server says what force overrode.
  if (!overrodeLocally) {
    for (const r of published.overridden ?? []) err.write(`warning: --force overrode ${printable(r.code)}: ${printable(r.message)}\n`);
  }

  const summary = summarize(published);
  // An App Bundle: the links work once the server has built the APK (the install page says so meanwhile).
  const bundle = published.release['bundle'] as { apkReady?: boolean } | null | undefined;
  if (bundle && bundle.apkReady === false) {
    err.write('The server is building the APK from the App Bundle: the install page shows when it is ready, or why it could not be built.\n');
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const lines = [
    `Install page: ${summary.installPageUrl}`,
    `Install link: ${summary.installLink}`,
    ...(summary.manifestUrl ? [`Manifest:     ${summary.manifestUrl}`] : []),
    `Download:     ${summary.downloadUrl}`,
  ];
  process.stdout.write(`${lines.map(printable).join('\n')}\n`);
}

/**
 * A refusal that force would override (from the local check or the server, which words it for the
 * API as force=true) is re-worded to name this command's switch.
 */
function namingForce(error: unknown): unknown {
  if (!(error instanceof OtashipError) || error.code !== 'PROFILE_EXPIRED') return error;
  const message = error.message.replace(/; publish with force=true to keep it anyway$/, '');
  // The message names --force; the catalogue's hint would name it (and force=true) a second time.
  return new OtashipError('PROFILE_EXPIRED', `${message}; run again with --force to publish it anyway`, {
    hint: 'Or re-sign the build with a current profile and certificate.',
    cause: error,
    ...(error.details ? { details: { ...error.details } } : {}),
  });
}

async function fileSize(path: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new OtashipError('FILE_NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new OtashipError('FILE_NOT_FOUND', `Cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

