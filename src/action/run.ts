// The GitHub Action (action.yml): publish a build from a workflow. Inputs arrive as INPUT_<NAME>
// variables, outputs go to the file named by GITHUB_OUTPUT and the job summary (install page link and
// QR code) to GITHUB_STEP_SUMMARY, exactly as the runner provides them; reading them here rather than
// through @actions/core keeps the bundle small and the contract visible. Bundled into action/index.mjs
// by scripts/bundle-action.mjs.
import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import { detectCiSource } from '../client/ci-source.js';
import { OtashipClient, summarize } from '../client/index.js';
import type { PublishSummary } from '../client/types.js';
import { OtashipError } from '../core/errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ActionIo {
  env: Env;
  /** Workflow commands and log lines (the runner reads stdout). */
  log: (line: string) => void;
}

/** How the runner names an input: upper case, spaces as underscores (hyphens stay). */
function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function required(env: Env, name: string): string {
  const value = input(env, name);
  if (!value) throw new OtashipError('USAGE', `The action input "${name}" is required: set it under \`with:\` in the workflow step`);
  return value;
}

/** YAML booleans as the runner passes them (always text). */
function booleanInput(env: Env, name: string): boolean {
  const value = input(env, name).toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new OtashipError('USAGE', `The action input "${name}" must be true or false, not "${value.slice(0, 40)}"`);
}

/**
 * One output in the runner's multi-line form (name<<DELIMITER), with a random delimiter so no value
 * can end the block early and inject further outputs.
 */
function outputBlock(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Markdown text: the app name and URLs come from the server; nothing in them may become markup. */
function mdText(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * GitHub renders neither inline SVG nor data: images in job summaries, and an external QR service
 * would receive the signed install URL; so the QR code is text (Unicode half blocks) in a <pre> block,
 * which a phone scans from the screen.
 */
async function summary(result: PublishSummary, name: string): Promise<string> {
  const qr = await QRCode.toString(result.installPageUrl, { type: 'utf8', errorCorrectionLevel: 'M', margin: 2 });
  return [
    `### 📦 ${mdText(name)} published with otaship`,
    '',
    `**Install page:** <a href="${result.installPageUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">${mdText(result.installPageUrl)}</a>`,
    '',
    `Scan with the phone to open the install page:`,
    '',
    `<pre>${qr.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>`,
    '',
    `Release \`${result.releaseId}\``,
    '',
  ].join('\n');
}

/** Runs the action; returns the process exit code (failures are reported as ::error:: lines). */
export async function runAction(io: ActionIo): Promise<number> {
  const { env, log } = io;
  try {
    const token = required(env, 'token');
    // Keep the token out of the log even if a later message were to quote it.
    log(`::add-mask::${token}`);
    const server = required(env, 'server');
    const file = required(env, 'file');
    const notesFile = input(env, 'notes-file');
    const notes = notesFile ? await readFile(notesFile, 'utf8') : input(env, 'notes') || undefined;
    const force = booleanInput(env, 'force');
    const source = detectCiSource(env);

    const client = new OtashipClient({ server, token });
    log(`Publishing ${file} to ${client.baseUrl.origin}${source?.branch ? ` (branch ${source.branch})` : ''}`);
    // Resumable upload (tus): a runner's connection that drops mid-upload retries the rest, not all
    // of it; servers without it get the plain upload (the client falls back on 404/405).
    const published = await client.publishResumable(file, { notes, force, source });
    const result = summarize(published);
    const name = typeof published.release.name === 'string' ? published.release.name : 'The build';

    const outputs: [string, string][] = [
      ['release-id', result.releaseId],
      ['install-page-url', result.installPageUrl],
      ['install-link', result.installLink],
      ['download-url', result.downloadUrl],
      ['manifest-url', result.manifestUrl ?? ''],
    ];
    if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, outputs.map(([k, v]) => outputBlock(k, v)).join(''));
    else for (const [k, v] of outputs) log(`${k}: ${v}`);
    if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, await summary(result, name));
    log(`Install page: ${result.installPageUrl}`);
    return 0;
  } catch (err) {
    const message = err instanceof OtashipError ? err.toLine() : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    // Workflow commands end at a newline: escape it (and % and CR) as the runner documents.
    log(`::error title=otaship publish failed::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`);
    return 1;
  }
}
