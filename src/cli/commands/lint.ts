// `otaship lint <link|file|->`: lints itms-services links in a bare link, a file (HTML, text, Markdown,
// JSON) or standard input. Exit 0 when every link found is ok (no error), 1 when one is not or when
// no link was found, 2 when the input cannot be read.
import type { Command } from 'commander';
import type { LinkLintResult, LinksLintReport } from '../../core/link/index.js';
import { terminalSafe as printable } from '../terminal-text.js';

// Pages and e-mails are small; refuse anything bigger than this rather than read it whole.
const MAX_INPUT_BYTES = 32 * 1024 * 1024;

interface LintInput {
  readonly label: string;
  /** A bare link is linted as given; text is searched for links. */
  readonly kind: 'link' | 'text';
  readonly text: string;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_INPUT_BYTES) {
      const { OtashipError } = await import('../../core/errors.js');
      throw new OtashipError('BAD_LINK', `Standard input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function readFileInput(path: string): Promise<Buffer> {
  const { readFile, stat } = await import('node:fs/promises');
  const { OtashipError } = await import('../../core/errors.js');
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new OtashipError('BAD_LINK', `${path} is a directory`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new OtashipError('BAD_LINK', `${path} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new OtashipError('FILE_NOT_FOUND', `Cannot read ${path} (${code})`, { cause: err });
  }
}

async function toText(buf: Buffer, label: string): Promise<string> {
  // A package or image given by mistake: say so instead of reporting "no link found".
  if (buf.subarray(0, 8192).includes(0)) {
    const { OtashipError } = await import('../../core/errors.js');
    throw new OtashipError('BAD_LINK', `${label} is a binary file, not text or HTML`);
  }
  return buf.toString('utf8');
}

/**
 * One http(s) URL and nothing else, most likely the manifest URL given where the install link belongs:
 * linted as a link, so the not-itms-link problem and its fix (the link built from it) are reported.
 */
function isBareWebUrl(text: string): boolean {
  return /^\s*https?:\/\/\S+\s*$/i.test(text);
}

function textOrBareUrl(label: string, text: string): LintInput {
  return { label, kind: isBareWebUrl(text) ? 'link' : 'text', text };
}

/**
 * The argument heuristic: text starting with "itms", or one http(s) URL, is a link; "-" is standard input; an existing
 * path is a file; something that looks like a path but does not exist is an error; anything else
 * is text to search (so a pasted snippet works too).
 */
async function resolveInput(arg: string): Promise<LintInput> {
  if (/^\s*itms/i.test(arg) || isBareWebUrl(arg)) return { label: 'the argument', kind: 'link', text: arg };
  if (arg === '-') return textOrBareUrl('standard input', await toText(await readStdin(), 'standard input'));
  const { existsSync } = await import('node:fs');
  if (existsSync(arg)) return textOrBareUrl(arg, await toText(await readFileInput(arg), arg));
  const looksLikePath = !arg.includes('://') && !/\s/.test(arg) && (/[\\/]/.test(arg) || /\.[A-Za-z0-9]{1,10}$/.test(arg));
  if (looksLikePath) {
    const { OtashipError } = await import('../../core/errors.js');
    throw new OtashipError('FILE_NOT_FOUND', `No file ${arg}`);
  }
  return { label: 'the argument', kind: 'text', text: arg };
}


function renderBlock(result: LinkLintResult): string {
  const lines = [result.line === undefined ? printable(result.input) : `line ${result.line}: ${printable(result.input)}`];
  if (result.problems.length === 0) lines.push('  ok: no problems found');
  for (const p of result.problems) lines.push(`  ${p.severity} ${p.code}: ${printable(p.message)}`);
  if (result.fixed !== null) lines.push(`  fix: ${printable(result.fixed)}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('lint')
    .description('Check itms-services links in a link, an HTML/text/Markdown/JSON file, or standard input')
    .argument('<input>', 'an itms-services link, a file path, or - for standard input')
    .option('--json', 'print {"ok", "links": [{"input", "ok", "problems", "fixed", "line"}]} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        "  $ otaship lint 'itms-services://?action=download-manifest&amp;url=https://ota.example.com/app.plist'\n" +
        '  $ otaship lint install.html\n' +
        '  $ curl -s https://ota.example.com/apps/demo | otaship lint -\n' +
        '\nEach link gets its problems (severity, code, message) and, when one exists, the fixed link.\n' +
        'Exit code 0 when every link found is ok, 1 when one is broken or none was found, 2 when the input\n' +
        'cannot be read.',
    )
    .action(async (arg: string, options: { json?: boolean }) => {
      const { lintInstallLink, lintInstallLinks } = await import('../../core/link/index.js');
      const input = await resolveInput(arg);
      let report: LinksLintReport;
      if (input.kind === 'link') {
        const result = lintInstallLink(input.text);
        report = { ok: result.ok, links: [result] };
      } else {
        report = lintInstallLinks(input.text);
      }
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ ok: report.ok, links: report.links }, null, 2)}\n`);
      } else if (report.links.length > 0) {
        const broken = report.links.filter((l) => !l.ok).length;
        process.stdout.write(`${report.links.map(renderBlock).join('\n\n')}\n\n`);
        process.stdout.write(
          `${report.links.length} link${report.links.length === 1 ? '' : 's'}: ` +
            `${report.links.length - broken} ok, ${broken} broken\n`,
        );
      }
      if (report.links.length === 0) {
        process.stderr.write(`otaship: no itms-services link found in ${input.label}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}
