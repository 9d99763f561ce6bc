// `otaship manifest <file.ipa> --ipa-url <url> …` writes the OTA manifest for an IPA to stdout;
// `otaship manifest --check <manifest.plist> [--ipa file.ipa] [--json]` judges an existing one.
// Core modules are imported inside the action so other commands do not pay for them at start-up.
import type { Command } from 'commander';
import type { ManifestProblem } from '../../core/manifest/types.js';
import type { IpaInfo } from '../../core/types.js';
import { terminalSafe as clean } from '../terminal-text.js';

interface ManifestCliOptions {
  ipaUrl?: string;
  iconUrl?: string;
  fullSizeIconUrl?: string;
  subtitle?: string;
  sha256?: boolean;
  md5?: boolean;
  chunkSize?: string;
  check?: string;
  ipa?: string;
  json?: boolean;
}

const MIN_CHUNK = 1024;

/** "10485760", "10MiB", "10M", "512k" → bytes (binary units). */
function parseChunkSize(raw: string): number | null {
  const m = /^(\d+)\s*(k|kb|kib|m|mb|mib)?$/i.exec(raw.trim());
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const n = Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
  return Number.isSafeInteger(n) && n >= MIN_CHUNK ? n : null;
}


export function formatProblems(file: string, problems: ManifestProblem[], notes: string[]): string {
  const out = problems.map((p) => `${p.severity === 'error' ? 'error  ' : 'warning'} ${p.code}${p.path ? ` ${p.path}` : ''}: ${clean(p.message)}`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  out.push(...notes.map((n) => `note: ${n}`));
  out.push(
    errors > 0
      ? `${clean(file)}: invalid (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`
      : `${clean(file)}: valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`,
  );
  return `${out.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('manifest')
    .description('Write the OTA manifest (manifest.plist) for an .ipa, or check an existing manifest')
    .argument('[file.ipa]', 'the iOS package to describe (identifier, version and title are read from it)')
    .option('--ipa-url <https-url>', 'absolute https URL the device downloads the .ipa from (required to build)')
    .option('--icon-url <https-url>', 'display-image: 57×57 PNG shown while installing')
    .option('--full-size-icon-url <https-url>', 'full-size-image: 512×512 PNG')
    .option('--subtitle <text>', 'subtitle (Apple: the developer name)')
    .option('--sha256', 'add the whole-file SHA-256 of the .ipa (sha256)')
    .option('--md5', 'add the whole-file MD5 (md5) for old devices; SHA-256 is preferred')
    .option('--chunk-size <bytes>', 'add chunk hashes of this size (sha256-size + sha256s; md5s with --md5), e.g. 10MiB')
    .option('--check <manifest.plist>', 'validate this manifest instead of building one; exit 0 valid, 1 invalid')
    .option('--ipa <file.ipa>', 'with --check: also compare identifier, version and hashes with this .ipa')
    .option('--json', 'with --check: print problems as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ otaship manifest App.ipa --ipa-url https://dl.example.com/App.ipa --icon-url https://dl.example.com/57.png > manifest.plist\n' +
        '  $ otaship manifest App.ipa --ipa-url https://dl.example.com/App.ipa --sha256 --chunk-size 10MiB\n' +
        '  $ otaship manifest --check manifest.plist --ipa App.ipa',
    )
    .action(async (file: string | undefined, options: ManifestCliOptions) => {
      if (options.check !== undefined) {
        if (file !== undefined) throw await usage(`give either a package to build a manifest for or --check <manifest.plist>, not both`);
        const building = ['ipaUrl', 'iconUrl', 'fullSizeIconUrl', 'subtitle', 'sha256', 'md5', 'chunkSize'] as const;
        const stray = building.filter((k) => options[k] !== undefined);
        if (stray.length > 0) throw await usage(`--check does not take build options (${stray.join(', ')})`);
        await check(options.check, options);
        return;
      }
      if (options.ipa !== undefined || options.json) throw await usage('--ipa and --json go with --check <manifest.plist>');
      if (file === undefined) throw await usage('give the .ipa to build a manifest for, or --check <manifest.plist>');
      await build(file, options);
    });
}

async function usage(message: string): Promise<Error> {
  const { OtashipError } = await import('../../core/errors.js');
  return new OtashipError('USAGE', message);
}

async function inspectIpa(file: string): Promise<IpaInfo> {
  const { OtashipError } = await import('../../core/errors.js');
  const { inspect } = await import('../../core/inspect/index.js');
  const info = await inspect(file);
  if (info.kind === 'apk' || info.kind === 'aab') throw new OtashipError('MANIFEST_NEEDS_IPA', `${file} is an Android package (${info.bundleId})`);
  if (info.kind === 'profile') throw new OtashipError('USAGE', `${file} is a provisioning profile, not an app: give the .ipa`);
  return info;
}

async function build(file: string, options: ManifestCliOptions): Promise<void> {
  const { OtashipError } = await import('../../core/errors.js');
  const { buildManifestForPackage, hashFile } = await import('../../core/manifest/index.js');
  if (options.ipaUrl === undefined) throw new OtashipError('USAGE', '--ipa-url <https-url> is required to build a manifest');
  let chunkSize: number | undefined;
  if (options.chunkSize !== undefined) {
    const n = parseChunkSize(options.chunkSize);
    if (n === null) throw new OtashipError('USAGE', `--chunk-size ${options.chunkSize} is not a size of at least ${MIN_CHUNK} bytes (e.g. 10485760 or 10MiB)`);
    chunkSize = n;
  }
  const urls = {
    softwarePackage: options.ipaUrl,
    ...(options.iconUrl === undefined ? {} : { displayImage: options.iconUrl }),
    ...(options.fullSizeIconUrl === undefined ? {} : { fullSizeImage: options.fullSizeIconUrl }),
  };
  const extra = options.subtitle === undefined ? {} : { subtitle: options.subtitle };
  const info = await inspectIpa(file);
  const noBuild = info.installable.reasons.find((r) => r.code === 'NO_BUNDLE_VERSION');
  // The manifest would carry a version iOS never sees, for an app it refuses: say why, as inspect does.
  if (noBuild) throw new OtashipError('MANIFEST_INPUT', `${file} cannot be installed, so no manifest is written: ${noBuild.message}`);
  // Build once without hashes first: bad URLs fail before a multi-GB file is hashed.
  let xml = buildManifestForPackage(info, urls, extra);
  if (options.sha256 || options.md5 || chunkSize !== undefined) {
    // Chunk hashes go with each chosen algorithm; --chunk-size alone means SHA-256 chunks only.
    const chunkSha256 = chunkSize !== undefined && (options.sha256 === true || options.md5 !== true);
    const chunkMd5 = chunkSize !== undefined && options.md5 === true;
    const h = await hashFile(file, {
      sha256: options.sha256 === true,
      md5: options.md5 === true,
      ...(chunkSha256 ? { sha256ChunkSize: chunkSize } : {}),
      ...(chunkMd5 ? { md5ChunkSize: chunkSize } : {}),
    });
    xml = buildManifestForPackage(info, urls, {
      ...extra,
      hashes: {
        ...(h.sha256 !== undefined ? { sha256: h.sha256 } : {}),
        ...(h.md5 !== undefined ? { md5: h.md5 } : {}),
        ...(h.sha256Chunks ? { sha256Chunks: h.sha256Chunks } : {}),
        ...(h.md5Chunks ? { md5Chunks: h.md5Chunks } : {}),
      },
    });
  }
  for (const reason of info.installable.reasons) {
    process.stderr.write(`otaship: ${reason.severity}: ${clean(reason.message)}\n`);
  }
  // The URLs are the caller's choice (a localhost build for a local test is legitimate), so what
  // `manifest --check` would report about them is a warning here, not a refusal.
  const { validateManifest } = await import('../../core/manifest/index.js');
  for (const p of validateManifest(xml)) {
    process.stderr.write(`otaship: warning: ${clean(p.message)} (${p.code}${p.severity === 'error' ? ', an error for manifest --check' : ''})\n`);
  }
  process.stdout.write(xml);
}

async function readHead(path: string, max: number): Promise<Buffer> {
  const { OtashipError } = await import('../../core/errors.js');
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (!info.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a file`);
    // Read at most one byte past the limit: enough for the validator to call it too large.
    const buf = Buffer.alloc(Math.min(info.size, max + 1));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  } finally {
    await handle?.close();
  }
}

async function check(path: string, options: ManifestCliOptions): Promise<void> {
  const { analyseManifest, checkManifestAgainstFile, MAX_MANIFEST_BYTES } = await import('../../core/manifest/index.js');
  const bytes = await readHead(path, MAX_MANIFEST_BYTES);
  const info = options.ipa === undefined ? undefined : await inspectIpa(options.ipa);
  const { manifest, problems } = analyseManifest(bytes);
  const notes: string[] = [];
  let crossChecked = false;
  if (info && options.ipa !== undefined) {
    if (manifest) {
      problems.push(...(await checkManifestAgainstFile(manifest, info, options.ipa)));
      crossChecked = true;
    } else {
      notes.push(`not compared with ${options.ipa}: the manifest's structure must be fixed first`);
    }
  }
  // A manifest too broken to compare already has errors, so it is invalid either way.
  const valid = !problems.some((p) => p.severity === 'error');
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ file: path, valid, crossChecked, problems }, null, 2)}\n`);
  } else {
    process.stdout.write(formatProblems(path, problems, notes));
  }
  process.exitCode = valid ? 0 : 1;
}
