import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipClient, summarize } from '../../src/client/index.js';
import { OtashipError, type ErrorCode } from '../../src/core/errors.js';
import { ensureSelfSignedTls } from '../../src/tls/index.js';
import { GOOD_TOKEN, closedPortUrl, startMimicApi, type MimicApi } from './mimic-api.js';

let dir: string;
let api: MimicApi;
let pkg: string;
let pkgBytes: Buffer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-client-'));
  pkgBytes = randomBytes(3 * 1024 * 1024 + 17);
  pkg = join(dir, 'My App.ipa');
  await writeFile(pkg, pkgBytes);
  api = await startMimicApi();
});
after(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  api.scenario = 'ok';
  api.requests.length = 0;
});

function rejectsWith(code: ErrorCode, includes?: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof OtashipError, `expected OtashipError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (includes) assert.ok(err.message.includes(includes), err.message);
    return true;
  };
}

describe('OtashipClient.publish', () => {
  test('streams the file as the raw body with its length, name, notes and force', async () => {
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    const seen: number[] = [];
    const res = await client.publish(pkg, { notes: 'Fixes & things', force: true, onProgress: (sent, total) => {
      assert.equal(total, pkgBytes.length);
      seen.push(sent);
    } });
    const req = api.calls()[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/api/v1/releases');
    assert.equal(req.headers['content-type'], 'application/octet-stream');
    assert.equal(req.headers['content-length'], String(pkgBytes.length));
    assert.equal(req.headers['transfer-encoding'], undefined);
    assert.equal(req.size, pkgBytes.length);
    assert.equal(req.sha256, createHash('sha256').update(pkgBytes).digest('hex'));
    assert.equal(req.query.get('filename'), 'My App.ipa');
    assert.equal(req.query.get('notes'), 'Fixes & things');
    assert.equal(req.query.get('force'), 'true');
    assert.ok(seen.length > 1, 'progress reported more than once');
    assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'progress is monotonic');
    assert.equal(seen.at(-1), pkgBytes.length);
    assert.deepEqual(summarize(res), {
      releaseId: 'rel_1',
      appId: 'app_1',
      installPageUrl: `${api.url}i/rel_1?t=tok`,
      installLink: res.installLink,
      manifestUrl: `${api.url}i/rel_1/manifest.plist?t=tok`,
      downloadUrl: `${api.url}i/rel_1/package.ipa?t=tok`,
    });
  });

  test('long notes are sent with PATCH after the upload, not in the query string', async () => {
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    const notes = `# Changes\n\n${'- a fix with ünïcode & <markup>\n'.repeat(200)}`;
    await client.publish(pkg, { notes });
    assert.equal(api.calls().length, 2);
    assert.equal(api.calls()[0]!.query.get('notes'), null);
    const patch = api.calls()[1]!;
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.path, '/api/v1/releases/rel_1');
    assert.equal(JSON.parse(patch.body).notes, notes);
  });

  test('a path prefix in the server URL is kept', async () => {
    const client = new OtashipClient({ server: `${api.url}ota`, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), rejectsWith('NOT_FOUND', 'No route POST /ota/api/v1/releases'));
  });

  test('a wrong token is refused with UNAUTHENTICATED before the upload starts', async () => {
    const big = join(dir, 'big.ipa');
    await writeFile(big, Buffer.alloc(64 * 1024 * 1024));
    const client = new OtashipClient({ server: api.url, token: 'ota_bad_token' });
    await assert.rejects(client.publish(big), rejectsWith('UNAUTHENTICATED', 'The API token is not valid'));
    assert.deepEqual(api.calls(), [], 'the upload never started');
    assert.equal(api.requests.length, 1, 'only the token check was sent');
  });

  test('an answer sent before the body is complete stops the upload and is reported', async () => {
    api.scenario = 'too-large-early';
    const big = join(dir, 'big2.ipa');
    await writeFile(big, Buffer.alloc(32 * 1024 * 1024));
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(big), rejectsWith('PAYLOAD_TOO_LARGE', 'larger than the limit'));
  });

  test('an aborted upload stops with UPLOAD_INCOMPLETE', async () => {
    const big = join(dir, 'big3.ipa');
    await writeFile(big, Buffer.alloc(32 * 1024 * 1024));
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    const controller = new AbortController();
    await assert.rejects(
      client.publish(big, { signal: controller.signal, onProgress: () => controller.abort() }),
      rejectsWith('UPLOAD_INCOMPLETE', 'cancelled'),
    );
  });

  test('NOT_INSTALLABLE keeps its code and names the reasons', async () => {
    api.scenario = 'not-installable';
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), (err: unknown) => {
      rejectsWith('NOT_INSTALLABLE', 'Signed for App Store distribution')(err);
      const details = (err as OtashipError).details as { reasons: unknown[]; status: number };
      assert.equal(details.status, 422);
      assert.equal(details.reasons.length, 1);
      assert.ok(!(err as OtashipError).toLine().includes('\n'));
      return true;
    });
  });

  test('a proxy error page maps by status and names the server', async () => {
    api.scenario = 'html-502';
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), rejectsWith('SERVER_UNREACHABLE', '502'));
  });

  test('a redirect is reported, not followed with a half-sent body', async () => {
    api.scenario = 'redirect';
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), rejectsWith('SERVER_UNREACHABLE', 'https://elsewhere.example/api/v1/releases'));
  });

  test('an answer without the expected fields is an error, not undefined output', async () => {
    api.scenario = 'bad-json';
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), rejectsWith('INTERNAL', 'app.id'));
  });

  test('server down: one clear SERVER_UNREACHABLE naming the server', async () => {
    const url = await closedPortUrl();
    const client = new OtashipClient({ server: url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(pkg), rejectsWith('SERVER_UNREACHABLE', `${url}: connection refused`));
  });

  test('a missing file is FILE_NOT_FOUND and nothing is sent', async () => {
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    await assert.rejects(client.publish(join(dir, 'nope.ipa')), rejectsWith('FILE_NOT_FOUND', 'nope.ipa'));
    assert.equal(api.requests.length, 0);
  });

  test('usage errors: no token, token with a newline, no server, not http(s), credentials in the URL', () => {
    assert.throws(() => new OtashipClient({ server: api.url, token: '' }), rejectsWith('USAGE', 'OTASHIP_TOKEN'));
    assert.throws(() => new OtashipClient({ server: api.url, token: 'ota_a\nInjected: 1' }), rejectsWith('USAGE'));
    assert.throws(() => new OtashipClient({ server: '', token: GOOD_TOKEN }), rejectsWith('USAGE', 'OTASHIP_SERVER'));
    assert.throws(() => new OtashipClient({ server: 'ftp://x', token: GOOD_TOKEN }), rejectsWith('USAGE'));
    assert.throws(() => new OtashipClient({ server: 'not a url', token: GOOD_TOKEN }), rejectsWith('USAGE'));
    assert.throws(() => new OtashipClient({ server: 'https://u:p@h', token: GOOD_TOKEN }), rejectsWith('USAGE'));
  });

  test('a trailing newline on the token (common in CI secrets) is tolerated', async () => {
    const client = new OtashipClient({ server: api.url, token: `${GOOD_TOKEN}\n` });
    await client.publish(pkg);
    assert.equal(api.calls()[0]!.headers.authorization, `Bearer ${GOOD_TOKEN}`);
  });
});

describe('OtashipClient.publishResumable', () => {
  test('a server without the tus routes (404 at creation) gets the plain request instead', async () => {
    const client = new OtashipClient({ server: api.url, token: GOOD_TOKEN });
    const res = await client.publishResumable(pkg, { notes: 'n' });
    assert.equal(res.release.id, 'rel_1');
    const calls = api.calls().map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(calls, ['POST /api/v1/uploads', 'POST /api/v1/releases']);
    const raw = api.calls()[1]!;
    assert.equal(raw.size, pkgBytes.length);
    assert.equal(raw.query.get('notes'), 'n');
  });

  test('a wrong token is refused before any upload', async () => {
    const client = new OtashipClient({ server: api.url, token: 'ota_bad_token' });
    await assert.rejects(client.publishResumable(pkg), rejectsWith('UNAUTHENTICATED'));
    assert.deepEqual(api.calls(), []);
  });
});

describe('OtashipClient over self-signed HTTPS', () => {
  test('trusts the server when given its CA; names --ca when not', async () => {
    const tls = await ensureSelfSignedTls({ dataDir: join(dir, 'tls-data') });
    const secure = await startMimicApi({ cert: tls.certPem, key: tls.keyPem });
    try {
      const trusting = new OtashipClient({ server: secure.url, token: GOOD_TOKEN, ca: tls.caCertPem });
      const res = await trusting.publish(pkg);
      assert.equal(res.release.id, 'rel_1');
      assert.equal(secure.calls()[0]!.size, pkgBytes.length);

      const plain = new OtashipClient({ server: secure.url, token: GOOD_TOKEN });
      await assert.rejects(plain.publish(pkg), rejectsWith('SERVER_UNREACHABLE', '--ca'));
    } finally {
      await secure.close();
    }
  });
});
