// Build step after tsc: bundles the `otaship inspect` fast path (dist/cli/inspect-fast.js and all it
// imports) into one CommonJS file, dist/cli/inspect-fast.cjs, which bin/otaship loads for `inspect`.
//
// Why: CI pipelines run `otaship inspect` once per build, so its whole-process time is Node's start-up
// plus loading our code. As ~40 ES modules that load cost ~45 ms (resolving, reading and linking
// each file, and starting Node's ES module loader); as one CommonJS file it is a single read and
// compile. The library (dist/index.js) stays unbundled ESM; this file only serves the CLI.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['dist/cli/inspect-fast.js'],
  outfile: 'dist/cli/inspect-fast.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // sharp (native, only for some APK icons) and protobufjs (only for App Bundles, ~110 KB that every
  // IPA and APK inspection would otherwise parse) stay separate packages, loaded only when needed. The
  // full CLI (for --help and usage errors) is loaded by the launcher, not from here.
  external: ['sharp', 'protobufjs'],
  // cgbi.ts loads pngjs with createRequire(import.meta.url); CommonJS has no import.meta.
  define: { 'import.meta.url': '__otashipBundleUrl' },
  banner: { js: "const __otashipBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less source for V8 to pre-parse on every run; stack traces are only printed with OTASHIP_DEBUG.
  minify: true,
  logLevel: 'warning',
  write: false,
});

// The first line names the bundle by its content. The launcher keys its V8 code cache on it
// (bin/code-cache.js): V8 only checks a cache against the source's length, and npm gives every file of a
// package the same mtime, so neither length nor mtime tells two builds apart.
const [out] = result.outputFiles;
const digest = createHash('sha256').update(out.contents).digest('hex').slice(0, 32);
await writeFile(out.path, `// otaship-inspect-bundle ${digest}\n${out.text}`);
