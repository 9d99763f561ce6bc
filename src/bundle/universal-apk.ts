// Android App Bundle → one universal APK (every module, ABI and density in one file) that any device
// installs: bundletool build-apks --mode=universal, signed with the app's keystore. Slow (a second
// or more of Java per bundle) and memory-hungry, so it belongs to a background job, never to the
// request that uploaded the bundle; it spawns bundletool asynchronously and honours an abort signal.
// Output is written only when the whole conversion succeeded: a refused or damaged bundle leaves
// nothing behind (the work directory is removed either way).
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OtashipError } from '../core/errors.js';
import type { Keystore } from './keystore.js';
import { runTool, toolMessage } from './run-tool.js';
import type { BundleTools } from './tools.js';

export interface UniversalApkRequest {
  tools: BundleTools;
  /** The .aab to convert. */
  bundle: string;
  /** Where the APK goes; its directory must exist (the work directory is made beside it, so the final rename stays on one file system). */
  output: string;
  keystore: Keystore;
  signal?: AbortSignal;
}

export async function buildUniversalApk(req: UniversalApkRequest): Promise<void> {
  const work = await mkdtemp(join(dirname(req.output), '.otaship-apks-'));
  try {
    const apks = join(work, 'apks');
    const pass = `file:${req.keystore.passwordFile}`;
    const keyPass = `file:${req.keystore.keyPasswordFile ?? req.keystore.passwordFile}`;
    await runTool(
      {
        label: 'bundletool',
        command: req.tools.java,
        args: [
          '-jar', req.tools.bundletool, 'build-apks', `--bundle=${req.bundle}`, `--output=${apks}`, '--output-format=DIRECTORY',
          '--mode=universal', `--aapt2=${req.tools.aapt2}`, `--ks=${req.keystore.path}`, `--ks-key-alias=${req.keystore.alias}`,
          `--ks-pass=${pass}`, `--key-pass=${keyPass}`,
        ],
        missing: `no Java runtime (${req.tools.java}) on this machine: install one (e.g. apt install openjdk-17-jre-headless) to take Android App Bundles`,
        ...(req.signal ? { signal: req.signal } : {}),
      },
      // bundletool refuses what is not a valid bundle; its first error line says why.
      (out) => new OtashipError('BAD_APK', `bundletool could not build an APK from the bundle: ${toolMessage(out)}`),
    );
    const apk = join(apks, 'universal.apk');
    if (!(await stat(apk).catch(() => null))?.isFile()) {
      throw new OtashipError('BAD_APK', 'bundletool finished without a universal APK: the bundle holds nothing to install');
    }
    await rename(apk, req.output);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
