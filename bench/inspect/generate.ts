// Generates the benchmark IPAs in a temp folder (cached between runs): about 50 MB, 2.1 GiB zip64,
// and 30,000 entries, each with a stored filler placed FIRST so a reader that scans local headers
// instead of the central directory pays for it.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { build as buildPlist } from 'plist';
import { standardPng } from '../../test/helpers/synthetic-png.js';

export interface BenchIpa {
  label: string;
  path: string;
  bytes: number;
  entries: number;
}

const MiB = 1024 * 1024;

function fillerStream(total: number): Readable {
  const block = randomBytes(4 * MiB);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

function infoPlist(): Buffer {
  const info = {
    CFBundleIdentifier: 'dev.otaship.bench',
    CFBundleName: 'Bench',
    CFBundleDisplayName: 'Bench App',
    CFBundleExecutable: 'Bench',
    CFBundleShortVersionString: '1.2.3',
    CFBundleVersion: '42',
    MinimumOSVersion: '15.0',
    UIDeviceFamily: [1, 2],
    CFBundleSupportedPlatforms: ['iPhoneOS'],
    CFBundleIcons: { CFBundlePrimaryIcon: { CFBundleIconFiles: ['AppIcon60x60'], CFBundleIconName: 'AppIcon' } },
  };
  return Buffer.from(buildPlist(info), 'utf8');
}

async function writeIpa(
  path: string,
  opts: { fillerBytes: number; smallEntries: number; zip64: boolean; profile: Buffer },
): Promise<number> {
  const zip = new yazl.ZipFile();
  const z64 = { forceZip64Format: opts.zip64 };
  zip.addReadStream(fillerStream(opts.fillerBytes), 'Payload/Bench.app/Frameworks/Filler.framework/Filler', {
    compress: false,
    size: opts.fillerBytes,
    ...z64,
  });
  for (let i = 0; i < opts.smallEntries; i++) {
    zip.addBuffer(Buffer.from(`resource ${i}\n`), `Payload/Bench.app/Resources/r${String(i).padStart(5, '0')}.txt`, z64);
  }
  zip.addBuffer(standardPng(120, 120), 'Payload/Bench.app/AppIcon60x60@2x.png', z64);
  zip.addBuffer(standardPng(180, 180), 'Payload/Bench.app/AppIcon60x60@3x.png', z64);
  zip.addBuffer(opts.profile, 'Payload/Bench.app/embedded.mobileprovision', z64);
  zip.addBuffer(randomBytes(64 * 1024), 'Payload/Bench.app/Bench', z64);
  zip.addBuffer(infoPlist(), 'Payload/Bench.app/Info.plist', z64);
  zip.end();
  const tmp = `${path}.part`;
  await pipeline(zip.outputStream as unknown as Readable, createWriteStream(tmp));
  renameSync(tmp, path);
  return opts.smallEntries + 6;
}

export async function generateBenchIpas(dir: string, profile: Buffer, quick: boolean): Promise<BenchIpa[]> {
  mkdirSync(dir, { recursive: true });
  const specs = [
    { label: '50 MB', file: 'bench-50mb.ipa', fillerBytes: 50 * MiB, smallEntries: 200, zip64: false },
    {
      label: quick ? '300 MiB zip64 (quick)' : '2.1 GiB zip64',
      file: quick ? 'bench-300mib-zip64.ipa' : 'bench-2.1gib-zip64.ipa',
      fillerBytes: quick ? 300 * MiB : Math.round(2.1 * 1024 * MiB),
      smallEntries: 200,
      zip64: true,
    },
    { label: '30,000 entries', file: 'bench-30k-entries.ipa', fillerBytes: 4 * MiB, smallEntries: 30000, zip64: false },
  ];
  const out: BenchIpa[] = [];
  for (const s of specs) {
    const path = join(dir, s.file);
    let entries = s.smallEntries + 6;
    if (!existsSync(path)) {
      process.stderr.write(`bench: generating ${path} ...\n`);
      entries = await writeIpa(path, { ...s, profile });
    }
    out.push({ label: s.label, path, bytes: statSync(path).size, entries });
  }
  return out;
}
