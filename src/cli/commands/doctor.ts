// `otaship doctor <url>`: checks a live install link the way iOS will (the page in Safari, then the
// manifest, the package and the icons as the install daemon fetches them) and reports every problem
// with what the phone shows and the fix. Exit 0 installable, 1 not, 2 when the input cannot be checked.
import type { Command } from 'commander';
import type { DoctorReport, Finding } from '../../core/doctor/index.js';
import { terminalSafe as printable } from '../terminal-text.js';

interface DoctorCliOptions {
  ca?: string;
  udid?: string;
  json?: boolean;
  timeout?: string;
}

const MAX_CA_BYTES = 1024 * 1024;

async function readCa(path: string): Promise<string> {
  const { readFile, stat } = await import('node:fs/promises');
  const { OtashipError } = await import('../../core/errors.js');
  let text: string;
  try {
    if ((await stat(path)).size > MAX_CA_BYTES) throw new OtashipError('BAD_LINK', `--ca ${path} is too large for a certificate`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `Cannot read --ca ${path} (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`, { cause: err });
  }
  const { X509Certificate } = await import('node:crypto');
  try {
    new X509Certificate(text);
  } catch {
    throw new OtashipError('BAD_LINK', `--ca ${path} is not a PEM certificate`);
  }
  return text;
}

function renderFinding(f: Finding): string {
  const lines = [`${f.severity.toUpperCase()} ${f.code} (${f.step}): ${printable(f.message)}`];
  if (f.url) lines.push(`  at:    ${printable(f.url)}`);
  lines.push(`  phone: ${f.phone}`);
  lines.push(`  fix:   ${f.fix}`);
  for (const [server, text] of Object.entries(f.snippets ?? {}) as [string, string][]) {
    lines.push(`  ${server}:`, ...text.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}

export function renderReport(r: DoctorReport): string {
  const out: string[] = [];
  if (r.pageUrl) out.push(`page:      ${printable(r.pageUrl)}`);
  if (r.link) out.push(`link:      ${printable(r.link)}`);
  if (r.manifestUrl) out.push(`manifest:  ${printable(r.manifestUrl)}`);
  if (r.package) {
    const p = r.package;
    out.push(`package:   ${printable(p.url)}`);
    const facts = [p.size !== null ? `${p.size} bytes` : null, p.bundleId && printable(p.bundleId), p.version && `version ${printable(p.version)} (${printable(p.build ?? '')})`, p.profileType && `${p.profileType} profile`];
    out.push(`           ${facts.filter(Boolean).join(', ')}; ${p.bytesRead} bytes read to judge it`);
  }
  for (const t of r.tls) {
    if (t.protocol) out.push(`tls:       ${t.origin} ${t.protocol} ${t.cipher ?? ''}${t.daysLeft !== null ? `, certificate ${t.daysLeft} days left` : ''}`);
  }
  out.push('');
  for (const f of r.findings) out.push(renderFinding(f), '');
  const count = (s: string) => r.findings.filter((f) => f.severity === s).length;
  out.push(`${r.installable ? 'Installable' : 'NOT installable'}: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes (${r.requests} requests)`);
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('Check a live install link the way iOS will: TLS, manifest, package and icons')
    .argument('<url>', 'an install page, an itms-services link, or a manifest URL')
    .option('--ca <file>', 'PEM of a private CA the phones will trust (also checks it can be installed and trusted)')
    .option('--udid <udid>', 'check that this device is in the package\'s provisioning profile')
    .option('--timeout <seconds>', 'per request', '15')
    .option('--json', 'print the report as JSON: {"installable", "findings": [{"code", "severity", "step", "url", "message", "phone", "fix", "snippets"}], …}')
    .addHelpText(
      'after',
      '\nExit status: 0 installable, 1 not installable, 2 the input cannot be checked.\n' +
        '\nExamples:\n' +
        '  otaship doctor https://ota.example.com/i/abc123\n' +
        "  otaship doctor 'itms-services://?action=download-manifest&url=https%3A%2F%2Fota.example.com%2Fi%2Fabc123%2Fmanifest.plist'\n" +
        '  otaship doctor https://ota.example.com/i/abc123/manifest.plist --ca ca.pem --udid 00008030-001A2B3C4D5E802E --json',
    )
    .action(async (url: string, options: DoctorCliOptions) => {
      const { OtashipError } = await import('../../core/errors.js');
      const seconds = Number(options.timeout ?? 15);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new OtashipError('BAD_LINK', `--timeout ${options.timeout} is not a number of seconds between 0 and 600`);
      if (options.udid !== undefined) {
        const { canonicalUdid } = await import('../../core/device/udid.js');
        if (canonicalUdid(options.udid) === null) throw new OtashipError('BAD_LINK', `--udid ${options.udid} is not a device UDID (40 hex digits, or 8-16 like 00008030-001A2B3C4D5E802E)`);
      }
      const caPem = options.ca ? await readCa(options.ca) : null;
      const { runDoctor } = await import('../../services/doctor/index.js');
      const report = await runDoctor(url, { caPem, udid: options.udid ?? null, timeoutMs: seconds * 1000 });
      process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
      process.exitCode = report.installable ? 0 : 1;
    });
}
