// loadConfig: defaults, OTASHIP_* variables, a JSON config file and overrides, validated and frozen,
// with every error naming the variable or field to fix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, SETTINGS } from '../../src/config/index.js';
import { OtashipError } from '../../src/core/errors.js';
import { parseByteSize, parseDuration } from '../../src/config/parse.js';

function configError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OtashipError, String(err));
    assert.equal(err.code, 'CONFIG');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/ota' });
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.publicUrlIsHttps, false);
    assert.equal(c.dataDir, '/srv/ota/data');
    assert.equal(c.databaseUrl, '/srv/ota/data/otaship.db');
    assert.deepEqual(c.storage, { kind: 'fs', root: '/srv/ota/data/blobs' });
    assert.equal(c.maxUploadBytes, 8 * 1024 ** 3);
    assert.equal(c.linkTtlSeconds, 7 * 86400);
    assert.ok(c.assetTtlSeconds >= 86400, 'manifest asset tokens outlive a slow download');
    assert.equal(c.downloadMode, 'proxy');
    assert.equal(c.adminTokenSha256, null);
    assert.deepEqual(c.tls, { mode: 'off' });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.storage));
  });

  test('environment variables', () => {
    const c = loadConfig({
      cwd: '/x',
      env: {
        OTASHIP_HOST: '127.0.0.1',
        OTASHIP_PORT: '9000',
        OTASHIP_PUBLIC_URL: 'https://ota.example.com/',
        OTASHIP_DATA_DIR: '/var/lib/otaship',
        OTASHIP_ADMIN_TOKEN: '9f2c41d7e0b85a36c1fd4e7208ab93c5',
        OTASHIP_LINK_TTL: '2d',
        OTASHIP_MAX_UPLOAD_BYTES: '500MB',
        OTASHIP_DATABASE_URL: 'postgres://u:p@db/ota',
        OTASHIP_STORAGE: 's3',
        OTASHIP_S3_BUCKET: 'builds',
        OTASHIP_S3_ENDPOINT: 'http://127.0.0.1:9000',
        OTASHIP_S3_PREFIX: '/ota/',
        OTASHIP_DOWNLOAD_MODE: 'redirect',
        OTASHIP_PRESIGN_TTL: '6h',
        OTASHIP_UNRELATED: 'ignored',
      },
    });
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 9000);
    assert.equal(c.publicUrl, 'https://ota.example.com', 'trailing slash removed');
    assert.equal(c.publicUrlIsHttps, true);
    assert.equal(c.adminTokenSha256, createHash('sha256').update('9f2c41d7e0b85a36c1fd4e7208ab93c5').digest('hex'));
    assert.ok(!JSON.stringify(c).includes('9f2c41d7e0b85a36c1fd4e7208ab93c5'), 'the admin token is not kept in clear');
    assert.equal(c.linkTtlSeconds, 2 * 86400);
    assert.equal(c.assetTtlSeconds, 2 * 86400);
    assert.equal(c.maxUploadBytes, 500_000_000);
    assert.equal(c.databaseUrl, 'postgres://u:p@db/ota');
    assert.equal(c.storage.kind, 's3');
    if (c.storage.kind === 's3') {
      assert.equal(c.storage.bucket, 'builds');
      assert.equal(c.storage.forcePathStyle, true, 'custom endpoints default to path style');
      assert.equal(c.storage.prefix, 'ota/');
      assert.equal(c.storage.checksum, 'when_required');
    }
    assert.equal(c.downloadMode, 'redirect');
    assert.equal(c.presignTtlSeconds, 6 * 3600);
  });

  test('the S3 key prefix is kept as the bucket uses it: no leading slash, one trailing slash', () => {
    const prefixOf = (p: string) => {
      const c = loadConfig({ env: { OTASHIP_STORAGE: 's3', OTASHIP_S3_BUCKET: 'b', OTASHIP_S3_PREFIX: p } });
      return c.storage.kind === 's3' ? c.storage.prefix : null;
    };
    assert.equal(prefixOf('ota'), 'ota/');
    assert.equal(prefixOf('/a/b'), 'a/b/');
    assert.equal(prefixOf('a/b/'), 'a/b/');
    assert.equal(prefixOf('/'), '');
  });

  test('presigned URLs live as long as asset tokens, but never beyond the 7 days S3 accepts', () => {
    assert.equal(loadConfig({ env: { OTASHIP_ASSET_TTL: '2d' } }).presignTtlSeconds, 2 * 86400);
    assert.equal(loadConfig({ env: { OTASHIP_ASSET_TTL: '30d' } }).presignTtlSeconds, 7 * 86400, 'default capped');
    assert.equal(loadConfig({ env: { OTASHIP_LINK_TTL: '2w' } }).presignTtlSeconds, 7 * 86400, 'default capped');
    assert.equal(loadConfig({ env: { OTASHIP_PRESIGN_TTL: '7d' } }).presignTtlSeconds, 7 * 86400);
    configError(() => loadConfig({ env: { OTASHIP_PRESIGN_TTL: '8d' } }), /OTASHIP_PRESIGN_TTL is "8d", expected at most 7d/);
    configError(() => loadConfig({ env: { OTASHIP_PRESIGN_TTL: '604801' } }), /OTASHIP_PRESIGN_TTL.*at most 7d/);
  });

  test('a short link TTL still gives manifest assets a day', () => {
    const c = loadConfig({ env: { OTASHIP_LINK_TTL: '30m' } });
    assert.equal(c.linkTtlSeconds, 1800);
    assert.equal(c.assetTtlSeconds, 86400);
  });

  test('precedence: file < environment < overrides; relative paths in the file resolve beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otaship-config-'));
    const file = join(dir, 'otaship.json');
    await writeFile(file, JSON.stringify({ port: 7000, host: '::', dataDir: 'state', publicUrl: 'https://file.example', maxUploadBytes: 1024 }));
    const fromFile = loadConfig({ file, env: {} });
    assert.equal(fromFile.port, 7000);
    assert.equal(fromFile.host, '::');
    assert.equal(fromFile.dataDir, join(dir, 'state'));
    assert.equal(fromFile.maxUploadBytes, 1024);
    const viaEnvName = loadConfig({ env: { OTASHIP_CONFIG: file, OTASHIP_PORT: '7100' } });
    assert.equal(viaEnvName.port, 7100);
    const overridden = loadConfig({ file, env: { OTASHIP_PORT: '7100' }, overrides: { port: '7200', publicUrl: undefined } });
    assert.equal(overridden.port, 7200);
    assert.equal(overridden.publicUrl, 'https://file.example');
  });

  test('TLS settings', () => {
    assert.deepEqual(loadConfig({ env: { OTASHIP_TLS: 'self-signed', OTASHIP_PORT: '8443' } }).tls, { mode: 'self-signed' });
    // (No LAN interface: localhost; with one, see test/server/self-signed-default.test.ts.)
    assert.equal(loadConfig({ env: { OTASHIP_TLS: 'self-signed', OTASHIP_PORT: '8443' }, networkInterfaces: {} }).publicUrl, 'https://localhost:8443');
    const files = loadConfig({ env: { OTASHIP_TLS_CERT: '/c.pem', OTASHIP_TLS_KEY: '/k.pem', OTASHIP_PORT: '443' } });
    assert.deepEqual(files.tls, { mode: 'files', certFile: '/c.pem', keyFile: '/k.pem' });
    assert.equal(files.publicUrl, 'https://localhost');
    configError(() => loadConfig({ env: { OTASHIP_TLS_CERT: '/c.pem' } }), /OTASHIP_TLS_KEY is missing/);
    configError(() => loadConfig({ env: { OTASHIP_TLS: 'letsencrypt' } }), /OTASHIP_TLS/);
    configError(() => loadConfig({ env: { OTASHIP_TLS: 'self-signed', OTASHIP_TLS_CERT: '/c', OTASHIP_TLS_KEY: '/k' } }), /not both/);
  });

  test('every invalid value is refused naming its variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ OTASHIP_PORT: '99999' }, /OTASHIP_PORT/],
      [{ OTASHIP_PORT: '80a' }, /OTASHIP_PORT/],
      [{ OTASHIP_PUBLIC_URL: 'ota.example.com' }, /OTASHIP_PUBLIC_URL/],
      [{ OTASHIP_PUBLIC_URL: 'ftp://ota.example.com' }, /OTASHIP_PUBLIC_URL/],
      [{ OTASHIP_PUBLIC_URL: 'https://ota.example.com/?x=1' }, /OTASHIP_PUBLIC_URL/],
      [{ OTASHIP_ADMIN_TOKEN: 'short' }, /OTASHIP_ADMIN_TOKEN.*20 are needed.*openssl rand -hex 24/],
      [{ OTASHIP_ADMIN_TOKEN: 'a-long-enough-admin-token' }, /OTASHIP_ADMIN_TOKEN.*too predictable.*openssl rand -hex 24/],
      [{ OTASHIP_ADMIN_TOKEN: 'adminadminadminadmin1' }, /OTASHIP_ADMIN_TOKEN.*different characters/],
      [{ OTASHIP_ADMIN_TOKEN: 'ci-admin-token-abcdefghijkl-42' }, /OTASHIP_ADMIN_TOKEN.*consecutive/],
      [{ OTASHIP_AUTH_FAILURE_LIMIT: 'many' }, /OTASHIP_AUTH_FAILURE_LIMIT/],
      [{ OTASHIP_TRUST_PROXY: 'proxy.local' }, /OTASHIP_TRUST_PROXY/],
      [{ OTASHIP_TRUST_PROXY: '10.0.0.0/33' }, /OTASHIP_TRUST_PROXY/],
      [{ OTASHIP_SECRET: 'short' }, /OTASHIP_SECRET/],
      [{ OTASHIP_LINK_TTL: '7 days' }, /OTASHIP_LINK_TTL/],
      [{ OTASHIP_LINK_TTL: '0' }, /OTASHIP_LINK_TTL/],
      [{ OTASHIP_ASSET_TTL: '10m' }, /OTASHIP_ASSET_TTL/],
      [{ OTASHIP_MAX_UPLOAD_BYTES: 'lots' }, /OTASHIP_MAX_UPLOAD_BYTES/],
      [{ OTASHIP_DATABASE_URL: 'mysql://db/x' }, /OTASHIP_DATABASE_URL/],
      [{ OTASHIP_STORAGE: 'gcs' }, /OTASHIP_STORAGE/],
      [{ OTASHIP_STORAGE: 's3' }, /OTASHIP_S3_BUCKET is missing/],
      [{ OTASHIP_STORAGE: 's3', OTASHIP_S3_BUCKET: 'b', OTASHIP_S3_FORCE_PATH_STYLE: 'maybe' }, /OTASHIP_S3_FORCE_PATH_STYLE/],
      [{ OTASHIP_STORAGE: 's3', OTASHIP_S3_BUCKET: 'b', OTASHIP_S3_CHECKSUM: 'always' }, /OTASHIP_S3_CHECKSUM/],
      [{ OTASHIP_DOWNLOAD_MODE: 'teleport' }, /OTASHIP_DOWNLOAD_MODE/],
      [{ OTASHIP_CDN_URL: 'not a url' }, /OTASHIP_CDN_URL/],
    ];
    for (const [env, pattern] of cases) configError(() => loadConfig({ env }), pattern);
  });

  test('config file errors name the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otaship-config-'));
    const write = async (name: string, text: string) => {
      const p = join(dir, name);
      await writeFile(p, text);
      return p;
    };
    configError(() => loadConfig({ env: {}, file: join(dir, 'missing.json') }), /missing\.json cannot be read/);
    const notJson = await write('a.json', '{ port: 1 }');
    configError(() => loadConfig({ env: {}, file: notJson }), /not valid JSON/);
    const unknown = await write('b.json', JSON.stringify({ prot: 1 }));
    configError(() => loadConfig({ env: {}, file: unknown }), /unknown setting "prot"/);
    const badValue = await write('c.json', JSON.stringify({ port: 'x' }));
    configError(() => loadConfig({ env: {}, file: badValue }), /port in .*c\.json/);
    const array = await write('d.json', '[]');
    configError(() => loadConfig({ env: {}, file: array }), /one JSON object/);
  });

  test('quota of unfinished resumable uploads per token: defaults, variables, and what is refused', () => {
    const d = loadConfig({ env: {} });
    assert.equal(d.uploadQuotaCount, 10);
    assert.equal(d.uploadQuotaBytes, 2 * d.maxUploadBytes);
    const c = loadConfig({ env: { OTASHIP_UPLOAD_QUOTA_COUNT: '3', OTASHIP_UPLOAD_QUOTA_BYTES: '20GiB', OTASHIP_MAX_UPLOAD_BYTES: '4GiB' } });
    assert.equal(c.uploadQuotaCount, 3);
    assert.equal(c.uploadQuotaBytes, 20 * 1024 ** 3);
    configError(() => loadConfig({ env: { OTASHIP_UPLOAD_QUOTA_COUNT: '0' } }), /OTASHIP_UPLOAD_QUOTA_COUNT.*at least 1/);
    configError(() => loadConfig({ env: { OTASHIP_UPLOAD_QUOTA_COUNT: 'many' } }), /OTASHIP_UPLOAD_QUOTA_COUNT/);
    configError(
      () => loadConfig({ env: { OTASHIP_UPLOAD_QUOTA_BYTES: '1GiB', OTASHIP_MAX_UPLOAD_BYTES: '2GiB' } }),
      /OTASHIP_UPLOAD_QUOTA_BYTES.*at least OTASHIP_MAX_UPLOAD_BYTES/,
    );
  });

  test('every setting has an OTASHIP_ variable', () => {
    for (const [k, v] of Object.entries(SETTINGS)) assert.match(v, /^OTASHIP_[A-Z0-9_]+$/, k);
  });
});

describe('value parsers', () => {
  test('durations and sizes', () => {
    assert.equal(parseDuration('90', 'x'), 90);
    assert.equal(parseDuration('15m', 'x'), 900);
    assert.equal(parseDuration('24H', 'x'), 86400);
    assert.equal(parseDuration('2w', 'x'), 1209600);
    assert.equal(parseByteSize('8GiB', 'x'), 8 * 1024 ** 3);
    assert.equal(parseByteSize('1.5MB', 'x'), 1_500_000);
    assert.equal(parseByteSize('4096', 'x'), 4096);
    assert.throws(() => parseByteSize('-1', 'x'));
    assert.throws(() => parseDuration('1y', 'x'));
  });
});
