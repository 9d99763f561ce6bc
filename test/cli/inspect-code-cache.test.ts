// `otaship inspect` runs its bundle through a V8 code cache kept beside it (bin/code-cache.js). The
// launcher and bundle are copied to a temp folder so the cache files can be watched: written after
// the first run, reused (not rewritten) after, a corrupt one replaced, one from an earlier build of
// the bundle dropped; the output never changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { apkBuffer, encodeArsc, encodeAxml, file, int, manifestTree, ref, resourceIds, str } from '../helpers/synthetic-apk.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let root: string;
let ipa: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'otaship-code-cache-'));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'dist', 'cli'), { recursive: true });
  for (const f of ['otaship', 'code-cache.js', 'package.json']) await copyFile(join('bin', f), join(root, 'bin', f));
  await copyFile('dist/cli/inspect-fast.cjs', join(root, 'dist', 'cli', 'inspect-fast.cjs'));
  // The launcher checks that the full CLI is built; this path never loads it.
  await writeFile(join(root, 'dist', 'cli', 'main.js'), '');
  // Packages the bundle loads at run time (sharp), as in an installed copy.
  await symlink(resolve('node_modules'), join(root, 'node_modules'));
  ipa = await buildIpa({ bundleId: 'com.example.cache', displayName: 'Cache Test' });
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const argv = args.length > 0 ? args : ['--json', ipa];
    execFile(process.execPath, [join(root, 'bin', 'otaship'), 'inspect', ...argv], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function caches(): Promise<string[]> {
  return (await readdir(join(root, 'dist', 'cli'))).filter((n) => n.endsWith('.v8cache'));
}

describe('inspect code cache', () => {
  let first: string;

  /** Runs inspect (same output as the first run) and checks that one new cache replaced `old`; returns its name. */
  async function assertNewCacheReplaces(old: string): Promise<string> {
    const r = await inspect();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, first);
    const now = await caches();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old);
    return now[0]!;
  }

  test('the first run writes the cache beside the bundle', async () => {
    assert.deepEqual(await caches(), []);
    const r = await inspect();
    assert.equal(r.code, 0, r.stderr);
    first = r.stdout;
    assert.equal((JSON.parse(first) as { bundleId: string }).bundleId, 'com.example.cache');
    assert.equal((await caches()).length, 1);
    assert.deepEqual((await readdir(join(root, 'dist', 'cli'))).filter((n) => n.endsWith('.tmp')), []);
  });

  test('the next run uses it (V8 accepts it, so it is not rewritten) and prints the same', async () => {
    const [name] = await caches();
    const path = join(root, 'dist', 'cli', name!);
    const before = await readFile(path);
    await utimes(path, new Date(0), new Date(0));
    const r = await inspect();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, first);
    assert.equal((await stat(path)).mtimeMs, 0, 'an accepted cache is left as it is');
    assert.deepEqual(await readFile(path), before);
  });

  test('a corrupt cache is ignored and replaced', async () => {
    const [name] = await caches();
    const path = join(root, 'dist', 'cli', name!);
    await writeFile(path, Buffer.from('not a V8 code cache'));
    const r = await inspect();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, first);
    assert.ok((await stat(path)).size > 1000, 'rewritten with a real cache');
  });

  test('a rebuilt bundle gets its own cache and the old one is dropped', async () => {
    const [old] = await caches();
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'dist', 'cli', 'inspect-fast.cjs'), later, later);
    await assertNewCacheReplaces(old!);
  });

  test('another build of the same size and mtime (npm gives every file one mtime) does not reuse the cache', async () => {
    const [old] = await caches();
    const bundle = join(root, 'dist', 'cli', 'inspect-fast.cjs');
    const { mtime } = await stat(bundle);
    const source = await readFile(bundle, 'utf8');
    const digest = /^\/\/ otaship-inspect-bundle ([0-9a-f]{32})\n/.exec(source)?.[1];
    assert.ok(digest, 'the build names the bundle by its content on its first line');
    const other = digest.replace(/./, (c) => (c === 'a' ? 'b' : 'a'));
    await writeFile(bundle, source.replace(digest, other));
    await utimes(bundle, mtime, mtime);
    assert.ok((await assertNewCacheReplaces(old!)).includes(other));
  });

  test('what the bundle loads lazily (sharp for a WebP APK icon, UTF-16 strings) works from the cache', async () => {
    const names = [
      { type: 'string', name: 'app_name' },
      { type: 'mipmap', name: 'ic_launcher' },
    ];
    const ids = resourceIds(names);
    const webp = await sharp({ create: { width: 96, height: 96, channels: 4, background: '#336699' } }).webp().toBuffer();
    const arsc = encodeArsc([
      { ...names[0]!, values: [{ value: str('Écran ✓') }] },
      { ...names[1]!, values: [{ config: { density: 320 }, value: file('res/mipmap-xhdpi/ic_launcher.webp') }] },
    ]).buf;
    const manifest = encodeAxml(
      manifestTree({
        package: 'com.example.webp',
        versionCode: int(3),
        versionName: str('1.0'),
        minSdk: int(24),
        targetSdk: int(34),
        label: ref(ids.get('string/app_name')!),
        icon: ref(ids.get('mipmap/ic_launcher')!),
      }),
    );
    const apkPath = join(root, 'webp.apk');
    await writeFile(apkPath, await apkBuffer({ manifest, arsc, files: { 'res/mipmap-xhdpi/ic_launcher.webp': webp }, v1: true }));
    for (let run = 0; run < 2; run++) {
      const out = join(root, `icon-${run}.png`);
      const r = await inspect('--json', '--icon', out, apkPath);
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout) as { packageName?: string; bundleId?: string; name: string };
      assert.equal(info.name, 'Écran ✓');
      const meta = await sharp(await readFile(out)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', 96, 96]);
    }
  });
});
