// The OpenAPI 3.1 document (GET /api/v1/openapi.json): it is valid OpenAPI 3.1, every route the
// server registers is in it with a schema, the conformance check of the API tests catches a wrong
// schema, and requests failing a route's schema are refused in the catalogue's error format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { loadConfig } from '../../src/config/index.js';
import { buildServer, registeredRoutes } from '../../src/server/build.js';
import { compose } from '../../src/server/compose.js';
import { VERSION } from '../../src/version.js';
import { OpenapiConformance, undocumentedRoutes, type RegisteredRoute } from '../helpers/openapi-conformance.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

type Json = Record<string, unknown>;

let srv: TestServer;
let doc: Json;
let release: { id: string; appId: string };
before(async () => {
  srv = await startTestServer();
  const res = await fetch(`${srv.baseUrl}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  doc = (await res.json()) as Json;
  const pub = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: await readFile(await buildIpa({ bundleId: 'com.example.openapi' })),
  });
  assert.equal(pub.status, 201);
  release = ((await pub.json()) as { release: { id: string; appId: string } }).release;
});
after(async () => {
  await srv?.stop();
});

describe('the document', () => {
  test('is valid OpenAPI 3.1, public and cacheable, names this server and its version, holds no secret', async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/openapi.json`);
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const text = await res.text();
    const result = await new Validator().validate(JSON.parse(text) as Json);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
    assert.equal(doc.openapi, '3.1.0');
    assert.equal((doc.info as Json).version, VERSION);
    assert.deepEqual(doc.servers, [{ url: srv.publicUrl }]);
    const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
    assert.deepEqual(schemes.apiToken, { ...schemes.apiToken, type: 'http', scheme: 'bearer' });
    assert.deepEqual(schemes.adminSession, { ...schemes.adminSession, type: 'apiKey', in: 'cookie', name: 'otaship_session' });
    assert.ok(!text.includes(srv.adminToken), 'the admin token is not in the document');
  });

  test('every route the server registers (built as production builds it, self-signed TLS) is in it with its schema', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'otaship-openapi-'));
    const config = loadConfig({
      env: {},
      overrides: { host: '127.0.0.1', port: 0, publicUrl: 'https://127.0.0.1:8443', dataDir, adminToken: srv.adminToken, tls: 'self-signed' },
    });
    const composed = await compose(config);
    const ca = composed.tls?.caCert && composed.tls.caFingerprint ? { certPem: composed.tls.caCert, fingerprint: composed.tls.caFingerprint } : null;
    assert.ok(ca, 'self-signed TLS: the CA routes are registered too');
    const app = await buildServer({ config, services: composed.services, ca });
    try {
      await app.ready();
      const routes: RegisteredRoute[] = [...registeredRoutes(app)];
      const document = app.swagger() as Json;
      assert.ok(routes.length > 40, `${routes.length} routes seen`);
      for (const url of ['/ca.crt', '/assets/*', '/api/v1/uploads/:id', '/udid/callback', '/cli/:name', '/api/v1/openapi.json']) {
        assert.ok(routes.some((r) => r.url === url), `${url} is registered`);
      }
      assert.deepEqual(undocumentedRoutes(routes, document), []);
      // The check itself: a route without a schema, and a route the document lacks, are reported.
      const extra = [...routes, { method: 'GET', url: '/api/v1/not-documented' }];
      assert.deepEqual(undocumentedRoutes(extra, document), ['GET /api/v1/not-documented']);
      const stripped = structuredClone(document);
      const health = (stripped.paths as Record<string, Record<string, Json>>)['/api/v1/health']!;
      health.get = { responses: { 200: { description: 'Default Response' } } };
      assert.deepEqual(undocumentedRoutes(routes, stripped), ['GET /api/v1/health (no schema)']);
    } finally {
      await app.close();
      await composed.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the conformance check of the API tests', () => {
  /** A second checker on the same server, with a copy of the document broken by `breakIt`. */
  async function problemsWith(breakIt: (paths: Record<string, Record<string, Json>>) => void, request: () => Promise<Response>) {
    const broken = structuredClone(doc);
    breakIt(broken.paths as Record<string, Record<string, Json>>);
    const checker = new OpenapiConformance(broken);
    const unwatch = checker.watch(srv.server.app.server);
    try {
      const res = await request();
      await res.arrayBuffer();
      // The answer is checked once Node has sent it, which may be just after the client has read it.
      while (checker.checked === 0) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      unwatch();
    }
    return checker.problems;
  }
  const getApp = () => fetch(`${srv.baseUrl}/api/v1/apps/${release.appId}`, { headers: srv.auth() });

  test('the real document passes the same answers', async () => {
    assert.deepEqual(await problemsWith(() => undefined, getApp), []);
  });

  test('a field the schema does not declare is caught', async () => {
    const problems = await problemsWith((paths) => {
      const App = ((doc.components as Json).schemas as Record<string, Json>).AppWithLatest!;
      const props = { ...(App.properties as Json) };
      delete props.bundleId;
      const ok = (paths['/api/v1/apps/{appId}']!.get!.responses as Record<string, Json>)['200']!;
      ok.content = { 'application/json': { schema: { ...App, properties: props, required: (App.required as string[]).filter((k) => k !== 'bundleId') } } };
    }, getApp);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /GET \/api\/v1\/apps\/\S+ → 200: the body does not match .*additionalProperty":"bundleId"/);
  });

  test('a wrong type is caught', async () => {
    const problems = await problemsWith((paths) => {
      const ok = (paths['/api/v1/apps/{appId}']!.get!.responses as Record<string, Json>)['200']!;
      ok.content = { 'application/json': { schema: { type: 'object', properties: { isPublic: { type: 'string' } } } } };
    }, getApp);
    assert.match(problems.join('\n'), /\/isPublic must be string/);
  });

  test('a status the document does not list is caught', async () => {
    const problems = await problemsWith(
      (paths) => delete (paths['/api/v1/releases/{id}']!.get!.responses as Json)['404'],
      () => fetch(`${srv.baseUrl}/api/v1/releases/01nosuchrelease0000000000`, { headers: srv.auth() }),
    );
    assert.deepEqual(problems, ['GET /api/v1/releases/01nosuchrelease0000000000 → 404: status 404 is not documented for GET /api/v1/releases/{id}']);
  });

  test('a Content-Type the document does not list is caught', async () => {
    const problems = await problemsWith(
      (paths) => {
        const ok = (paths['/api/v1/devices.txt']!.get!.responses as Record<string, Json>)['200']!;
        ok.content = { 'text/csv': { schema: { type: 'string' } } };
      },
      () => fetch(`${srv.baseUrl}/api/v1/devices.txt`, { headers: srv.auth() }),
    );
    assert.match(problems.join('\n'), /Content-Type text\/plain is not documented \(text\/csv\)/);
  });
});

describe('requests that fail a route schema', () => {
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = srv.auth()) =>
    fetch(`${srv.baseUrl}${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  async function refusal(res: Response) {
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    return ((await res.json()) as ErrorJson & { error: { details?: Json } }).error;
  }

  test('a wrong type: 400 VALIDATION naming the field and what it must be, in the error envelope', async () => {
    const res = await send('PATCH', `/api/v1/apps/${release.appId}`, { isPublic: 'yes' });
    assert.equal(res.status, 400);
    const e = await refusal(res);
    assert.equal(e.code, 'VALIDATION');
    assert.equal(e.message, 'isPublic in the request body must be true or false');
    assert.equal(e.hint, 'Correct the request as described.');
    // Also proves answers are not serialised from the schema: fast-json-stringify would send details as {}.
    assert.deepEqual(e.details, { in: 'body', field: 'isPublic' });
    // Never coerced: the string "true" is not true (ajv as fastify configures it by default would make it so).
    const quoted = await send('PATCH', `/api/v1/apps/${release.appId}`, { isPublic: 'true' });
    assert.equal(quoted.status, 400);
    assert.equal((await refusal(quoted)).message, 'isPublic in the request body must be true or false');
    const app = (await (await fetch(`${srv.baseUrl}/api/v1/apps/${release.appId}`, { headers: srv.auth() })).json()) as { isPublic: boolean };
    assert.equal(app.isPublic, false, 'nothing was changed');
  });

  test('a body that is not an object, a missing required field, a value outside its list', async () => {
    const list = await send('PATCH', `/api/v1/releases/${release.id}`, ['notes']);
    assert.equal(list.status, 400);
    assert.equal((await refusal(list)).message, 'the request body must be a JSON object (Content-Type: application/json)');
    const noName = await send('POST', '/api/v1/tokens', { admin: true });
    assert.equal(noName.status, 400);
    assert.equal((await refusal(noName)).message, 'name is required in the request body');
    const review = await send('PATCH', '/api/v1/devices/01nosuchdevice00000000000', { review: 'maybe' });
    assert.equal(review.status, 400);
    assert.equal((await refusal(review)).message, 'review in the request body must be one of: keep, accept');
  });

  test('credentials are checked before the body: a stranger gets 401, not how to shape the request', async () => {
    const res = await send('POST', '/api/v1/tokens', { bogus: true }, {});
    assert.equal(res.status, 401);
    assert.equal((await refusal(res)).code, 'UNAUTHENTICATED');
    const patch = await send('PATCH', `/api/v1/apps/${release.appId}`, { isPublic: 'yes' }, {});
    assert.equal(patch.status, 401);
  });
});
