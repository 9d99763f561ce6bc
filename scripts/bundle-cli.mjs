// Build step: the self-contained CLI a server hands out (GET /cli/otaship.mjs, /cli/otaship.tgz).
//
//   dist/cli/otaship.mjs      one ES module with every client-side command (src/cli/standalone.ts) and
//                             all it imports; runs on Node 22+ with no node_modules.
//   dist/cli/otaship-cli.tgz  an npm package holding only that file ("bin": otaship, no dependencies),
//                             so `npx -y <server>/cli/otaship.tgz` and `npm i -g` install nothing
//                             else: the full otaship package would compile better-sqlite3 and fetch
//                             sharp's binaries just to publish a build.
//
// Bundled from the TypeScript sources (esbuild maps the `.js` import specifiers to `.ts`), so the
// result does not depend on a previous tsc run. `--check` only reports whether the files are current.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'cli');

/**
 * The sources load two packages with createRequire(import.meta.url)(…), which esbuild leaves alone:
 * pngjs (pure JS, for CgBI icons) becomes a plain require so it is bundled; sharp (native, only to
 * convert WebP/JPEG APK icons) becomes a module that explains what to do instead of a missing-module
 * crash. Other packages keep their imports untouched.
 */
const standaloneRequires = {
  name: 'otaship-standalone-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('createRequire(import.meta.url)(')) return undefined;
      return {
        contents: text
          .replace(/createRequire\(import\.meta\.url\)\('pngjs'\)/g, "require('pngjs')")
          .replace(/createRequire\(import\.meta\.url\)\('sharp'\)/g, "require('otaship-no-sharp')"),
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
    b.onResolve({ filter: /^otaship-no-sharp$/ }, () => ({ path: 'no-sharp', namespace: 'otaship' }));
    b.onLoad({ filter: /^no-sharp$/, namespace: 'otaship' }, () => ({
      resolveDir: join(ROOT, 'src', 'core'),
      loader: 'ts',
      contents: `import { OtashipError } from './errors.ts';
throw new OtashipError('USAGE', "This APK's icon is WebP or JPEG; converting it needs the native sharp package, which the standalone otaship CLI leaves out: install the full package (npm install -g otaship) to extract it");`,
    }));
  },
};

/** The version the server reports (src/version.ts), read as text: this script runs without tsx. */
export async function sourceVersion() {
  const text = await readFile(join(ROOT, 'src', 'version.ts'), 'utf8');
  const match = /VERSION = '([^']+)'/.exec(text);
  if (!match) throw new Error('src/version.ts has no VERSION');
  return match[1];
}

export async function bundleCli() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/standalone.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20', // the package's own floor (engines); Node 22+ is what build machines are told to have
    // Bundled CommonJS dependencies (commander, pngjs, plist…) call require() for Node's built-ins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __otashipCreateRequire } from 'node:module';\nconst require = __otashipCreateRequire(import.meta.url);" },
    plugins: [standaloneRequires],
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
    write: false,
  });
  return result.outputFiles[0].contents;
}

async function packageTarball(cli, version) {
  const stage = await mkdtemp(join(tmpdir(), 'otaship-cli-pack-'));
  try {
    await writeFile(join(stage, 'otaship.mjs'), cli, { mode: 0o755 });
    await writeFile(
      join(stage, 'package.json'),
      `${JSON.stringify(
        {
          name: 'otaship-cli',
          version,
          description: 'The otaship CLI (publish, inspect, lint, link, manifest) as one file with no dependencies',
          license: 'MIT',
          type: 'module',
          bin: { otaship: 'otaship.mjs' },
          engines: { node: '>=20.19.0' },
          files: ['otaship.mjs'],
        },
        null,
        2,
      )}\n`,
    );
    // npm pack writes the tarball npm itself installs from (fixed mtimes, package/ prefix).
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], {
      cwd: stage,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    });
    const [{ filename }] = JSON.parse(out);
    await rename(join(stage, filename), join(OUT, 'otaship-cli.tgz'));
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const VERSION = await sourceVersion();
  const cli = await bundleCli();
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'otaship.mjs'), cli);
  await chmod(join(OUT, 'otaship.mjs'), 0o755);
  await packageTarball(cli, VERSION);
}
