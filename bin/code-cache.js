// Runs a bundled CommonJS file with a V8 code cache kept beside it. A one-shot `otaship inspect` is
// mostly Node's start-up; compiling the bundle, and then each function it calls on first use, was
// ~5-7 ms more of every run (median of 40 alternating runs on the 2.1 GiB bench file: 113 -> 106 ms,
// against 89 ms for `node -e 0`). Node 20 has no compile cache of its own (module.enableCompileCache is
// Node 22+), and the v8-compile-cache package hooks every module of the process; this does the
// same for the one file that needs it.
//
// The cache is written once, at the end of the first run (so it holds the functions that run
// used), atomically. It is named after the bundle's content digest (written by the build on its
// first line), size and mtime, so a rebuilt or upgraded bundle never meets a stale cache: V8 itself
// only compares a cache with the source's length. V8 rejects a cache made by another Node version,
// and then the file is compiled as usual. Any failure to read or write the cache only costs the
// time it would have saved.
'use strict';
const fs = require('node:fs');
const { dirname, join, basename } = require('node:path');
const { Script } = require('node:vm');
const { createRequire } = require('node:module');
const { tmpdir } = require('node:os');

function cachePaths(file, source, st) {
  // The build names the bundle by its content on its first line (scripts/bundle-inspect.mjs); size
  // and mtime also change when it is rebuilt or edited.
  const digest = /^\/\/ otaship-inspect-bundle ([0-9a-f]{32})\n/.exec(source)?.[1] ?? 'unnamed';
  const name = `.${basename(file)}.${digest}-${st.size}-${Math.round(st.mtimeMs)}.v8cache`;
  // Beside the bundle when that folder is writable (a project's node_modules), else the temp folder
  // (a global install owned by root).
  return [join(dirname(file), name), join(tmpdir(), `otaship-${process.getuid?.() ?? 'user'}${name}`)];
}

function readCache(paths) {
  for (const path of paths) {
    try {
      return fs.readFileSync(path);
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function writeCache(file, paths, data) {
  for (const path of paths) {
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, data, { flag: 'wx' });
      fs.renameSync(tmp, path);
      removeStale(file, path);
      return;
    } catch {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}

/** Caches of earlier builds of the bundle (a rebuild changes its mtime) would pile up: drop them. */
function removeStale(file, kept) {
  if (dirname(kept) !== dirname(file)) return; // the temp folder is not scanned
  const prefix = `.${basename(file)}.`;
  for (const name of fs.readdirSync(dirname(kept))) {
    if (name.startsWith(prefix) && name.endsWith('.v8cache') && name !== basename(kept)) {
      try {
        fs.unlinkSync(join(dirname(kept), name));
      } catch {
        // another run removed it, or it is not ours to remove
      }
    }
  }
}

/**
 * Loads `file` (CommonJS) as require() would, through the code cache. The file must not use
 * import(): a script run from a code cache has no dynamic-import hook in Node 20.
 */
function requireWithCodeCache(file) {
  const source = fs.readFileSync(file, 'utf8');
  const paths = cachePaths(file, source, fs.statSync(file));
  const cachedData = readCache(paths);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => writeCache(file, paths, script.createCachedData()));
  }
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}

module.exports = { requireWithCodeCache };
