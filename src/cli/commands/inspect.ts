// `otaship inspect <file> [--json] [--icon out.png]`: what a package or profile is, whether it can be
// installed over the air, and (with --icon) its icon as a standard PNG. The inspect core is imported
// inside the action so that other commands do not pay for zip, CMS and PNG code at start-up.
import type { Command } from 'commander';
import type { AabInfo, InspectResult, PackageInfo, ProfileInfo } from '../../core/types.js';
import { terminalSafe as clean } from '../terminal-text.js';
import { writeStd } from '../std-write.js';

export interface InspectCliOptions {
  json?: boolean;
  icon?: string;
  at?: string;
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('Show what an .ipa, .apk, .aab or provisioning profile holds and whether it installs over the air')
    .argument('<file>', 'package (.ipa/.apk/.aab) or profile (.mobileprovision/.provisionprofile); type is read from content')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--icon <out.png>', 'write the best app icon to this file as a standard PNG')
    .option('--at <date>', 'judge expiry as of this ISO 8601 date instead of now')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ otaship inspect MyApp.ipa\n' +
        '  $ otaship inspect app-release.apk --json\n' +
        '  $ otaship inspect MyApp.ipa --icon icon.png\n' +
        '  $ otaship inspect embedded.mobileprovision --at 2026-06-01\n' +
        '\nExit code 0 when the file was read, even when the build is not installable (see "Installable"\n' +
        'or installable.ok in --json); 2 when it is not a package or profile, or is damaged.',
    )
    .action((file: string, options: InspectCliOptions) => runInspect(file, options));
}

/** The command itself, shared by commander's action and the launcher's fast path (cli/inspect-fast.ts). */
export async function runInspect(file: string, options: InspectCliOptions): Promise<void> {
  const { OtashipError } = await import('../../core/errors.js');
  const { inspect, readIcon } = await import('../../core/inspect/index.js');
  let now: number | undefined;
  if (options.at !== undefined) {
    now = Date.parse(options.at);
    if (Number.isNaN(now)) throw new OtashipError('USAGE', `--at ${options.at} is not a date (use e.g. 2025-01-31 or 2025-01-31T12:00:00Z)`);
  }
  const result = await inspect(file, { now });
  if (options.icon !== undefined) {
    // USAGE, not NO_ICON: the NO_ICON hint is about packages (Assets.car), which says nothing here.
    if (result.kind === 'profile') throw new OtashipError('USAGE', `--icon needs a package (.ipa or .apk): ${file} is a provisioning profile, which has no icon`);
    const png = await readIcon(file, result);
    if (!png) {
      // A damaged icon is not a missing one: name the entry instead of blaming Assets.car.
      const damaged = result.kind === 'aab' ? undefined : result.installable.reasons.find((r) => r.code === 'ICON_DAMAGED');
      if (damaged) throw new OtashipError('BAD_ICON', `${file}: ${damaged.message}`);
      throw new OtashipError('NO_ICON', `${file} has no icon file to extract`);
    }
    const { writeOutputFile } = await import('../write-output.js');
    await writeOutputFile(options.icon, png, 'the icon');
    const size = result.icon ? ` (${result.icon.width}×${result.icon.height})` : '';
    writeStd(2, `wrote icon to ${options.icon}${size}\n`);
  }
  writeStd(1, options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSummary(result));
}

// --- human summary ---------------------------------------------------------------------------


function lines(rows: Array<[string, string | null | undefined]>, indent = ''): string {
  const shown = rows.filter((r): r is [string, string] => r[1] !== null && r[1] !== undefined && r[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 2;
  return shown.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)}${clean(v)}\n`).join('');
}

export function formatSummary(r: InspectResult): string {
  if (r.kind === 'profile') return profileBlock(r, '', [['Kind', `provisioning profile (${r.container})`]]);
  if (r.kind === 'aab') return bundleBlock(r);
  return packageBlock(r);
}

function bundleBlock(r: AabInfo): string {
  const version = r.version === null ? `(no version) build ${r.build}` : `${r.version} (${r.build})`;
  return (
    lines([
      ['Kind', 'Android App Bundle (aab)'],
      ['Name', r.name],
      ['Bundle ID', r.bundleId],
      ['Version', version],
      ['Min SDK', r.minOsVersion],
      ['Target SDK', r.targetSdk],
      ['Modules', r.modules.join(', ')],
      ['ABIs', r.abis.length ? r.abis.join(', ') : 'none (no native code)'],
      ['Icon', r.icon ? `${r.icon.entry} (${r.icon.width}×${r.icon.height})` : 'none found'],
      ['Size', formatBytes(r.size)],
    ]) +
    // A bundle never installs as it is: say what testers need instead.
    '\nInstallable: no\n  A bundle is not installed as it is: testers need an APK built from it (bundletool build-apks --mode=universal)\n'
  );
}

function packageBlock(r: PackageInfo): string {
  const version = r.version === null ? `(no version) build ${r.build}` : `${r.version} (${r.build})`;
  const rows: Array<[string, string | null]> = [
    ['Kind', r.kind === 'ipa' ? 'iOS app (ipa)' : 'Android app (apk)'],
    ['Name', r.name],
    ['Bundle ID', r.bundleId],
    ['Version', version],
    ['Min OS', r.minOsVersion],
    ['Devices', r.deviceFamilies.join(', ')],
  ];
  if (r.kind === 'ipa') {
    rows.push(['App', r.appPath], ['Platforms', r.platforms.join(', ')], ['Info.plist', r.infoPlistFormat], ['Signed', r.signed ? 'yes' : 'no']);
  } else {
    rows.push(['Target SDK', r.targetSdk], ['Signatures', r.signatureSchemes.length ? r.signatureSchemes.map((s) => `v${s}`).join(', ') : 'none']);
  }
  rows.push(
    ['Extensions', r.extensions.length ? r.extensions.join(', ') : 'none'],
    ['Icon', r.icon ? `${r.icon.entry} (${r.icon.width}×${r.icon.height})` : 'none found'],
    ['Size', formatBytes(r.size)],
  );
  let out = lines(rows);
  if (r.kind === 'ipa') out += r.profile ? `\nProfile\n${profileBlock(r.profile, '  ')}` : '\nProfile: none\n';
  out += `\nInstallable: ${r.installable.ok ? 'yes' : 'no'}\n`;
  const codeWidth = Math.max(0, ...r.installable.reasons.map((x) => x.code.length));
  for (const reason of r.installable.reasons) {
    out += `  ${reason.severity.padEnd(8)}${reason.code.padEnd(codeWidth + 2)}${clean(reason.message)}\n`;
  }
  return out;
}

function profileBlock(p: ProfileInfo, indent: string, lead: Array<[string, string]> = []): string {
  const team = p.teamName ? `${p.teamName}${p.teamId ? ` (${p.teamId})` : ''}` : p.teamId;
  const certs = p.certificates.map((c) => `${c.commonName ?? c.subject} (until ${c.notAfter}${c.expired ? ', expired' : ''})`);
  return lines(
    [
      ...lead,
      ['Type', p.type],
      ['Name', p.name],
      ['Team', team],
      ['UUID', p.uuid],
      ['App ID', p.entitlements.applicationIdentifier],
      ['Created', p.createdAt],
      ['Expires', p.expiresAt ? `${p.expiresAt}${p.expired ? ' (expired)' : ''}` : null],
      ['Devices', p.provisionsAllDevices ? 'all (enterprise)' : String(p.devices.length)],
      ['Platforms', p.platforms.join(', ')],
      ['Certificates', certs.length ? certs.join('; ') : 'none readable'],
    ],
    indent,
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i] ?? ''} (${n} bytes)`;
}
