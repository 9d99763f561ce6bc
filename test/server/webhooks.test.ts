// Webhooks against a real server and a real receiver socket: signed release events, app-limited
// webhooks, retries with a delivery log, deletion, pings, admin-only management, URL validation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import type { ErrorJson } from './support/http.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface WebhookJson {
  id: string;
  url: string;
  events: string[];
  appId: string | null;
  description: string;
  secret?: string;
}

interface DeliveryJson {
  id: string;
  event: string;
  state: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  attempts: Array<{ attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

interface EventJson {
  event: string;
  id: string;
  occurredAt: string;
  app: { id: string; bundleId: string; name: string; platform: string };
  release: Record<string, unknown> & { id: string; installLink: string | null; downloadUrl: string | null; manifestUrl: string | null };
}

let srv: TestServer;
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
/** Per path: the statuses to answer with, in turn (then 200). */
const answers = new Map<string, number[]>();

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/silent') return; // never answers
      const status = answers.get(path)?.shift() ?? 200;
      res.writeHead(status, status === 302 ? { location: 'http://127.0.0.1:1/elsewhere' } : {});
      res.end(status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The receiver is on loopback: private targets must be allowed explicitly (they are refused by default).
  srv = await startTestServer({ settings: { webhookAllowPrivate: true }, webhooks: { pollIntervalMs: 50, retryDelaysMs: [150, 150], timeoutMs: 2000 } });
});
after(async () => {
  await srv?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function api(method: string, path: string, body?: unknown, headers = srv.auth()): Promise<Response> {
  return fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function createHook(body: Record<string, unknown>): Promise<WebhookJson> {
  const res = await api('POST', '/api/v1/webhooks', body);
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as WebhookJson;
}

async function publish(opts: Parameters<typeof buildIpa>[0]): Promise<{ release: { id: string; appId: string }; downloadUrl: string; manifestUrl: string }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: await readFile(await buildIpa(opts)),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { release: { id: string; appId: string }; downloadUrl: string; manifestUrl: string };
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const at = (path: string) => received.filter((r) => r.path === path);

/** What a receiver does: recompute the HMAC over `${timestamp}.${raw body}`, compare in constant time, check the age. */
function verify(secret: string, r: Received): boolean {
  const timestamp = String(r.headers['x-otaship-timestamp']);
  const signature = String(r.headers['x-otaship-signature']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

describe('webhooks', () => {
  test('a publish sends a signed release.published with the links the API returned', async () => {
    const hook = await createHook({ url: `${receiverUrl}/all`, description: 'CI' });
    assert.match(hook.secret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(hook.events, ['release.published', 'release.updated', 'release.deleted']);
    assert.equal(hook.appId, null);

    const published = await publish({ bundleId: 'com.example.hooked', version: '2.0', build: '7' });
    const r = await waitFor('release.published at /all', () => at('/all').find((x) => x.headers['x-otaship-event'] === 'release.published'));
    assert.ok(verify(hook.secret!, r), 'the signature verifies with the secret shown at creation');
    assert.ok(!verify(`${hook.secret!}x`, r), 'and not with another secret');
    assert.equal(r.headers['content-type'], 'application/json');
    const event = JSON.parse(r.body) as EventJson;
    assert.equal(event.event, 'release.published');
    assert.equal(event.id, r.headers['x-otaship-delivery']);
    assert.deepEqual(
      { bundleId: event.app.bundleId, platform: event.app.platform, id: event.app.id },
      { bundleId: 'com.example.hooked', platform: 'ios', id: published.release.appId },
    );
    assert.equal(event.release.id, published.release.id);
    assert.equal(event.release.version, '2.0');
    assert.equal(event.release.build, '7');
    assert.match(event.release.installLink ?? '', /^itms-services:\/\/\?action=download-manifest&url=/);
    // Same links as the publish response (private release: fresh tokens, same URLs).
    const path = (u: string | null) => (u ? new URL(u).pathname : null);
    assert.equal(path(event.release.downloadUrl), path(published.downloadUrl));
    assert.equal(path(event.release.manifestUrl), path(published.manifestUrl));
    const download = await fetch(event.release.downloadUrl!, { method: 'HEAD' });
    assert.equal(download.status, 200, 'the download link in the payload works');

    // The log shows the delivery.
    const log = await waitFor('delivered', async () => {
      const items = ((await (await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).json()) as { items: DeliveryJson[] }).items;
      return items.find((d) => d.id === event.id && d.state === 'delivered');
    });
    assert.equal(log.attempts.length, 1);
    assert.equal(log.attempts[0]?.statusCode, 200);
  });

  test('the secret is shown once: never by GET', async () => {
    const hook = await createHook({ url: `${receiverUrl}/quiet`, events: ['release.deleted'] });
    const list = await (await api('GET', '/api/v1/webhooks')).text();
    const one = await (await api('GET', `/api/v1/webhooks/${hook.id}`)).text();
    for (const text of [list, one]) {
      assert.ok(!text.includes(hook.secret!), 'no secret');
      assert.ok(!text.includes('"secret"'), 'no secret field');
    }
    assert.ok((JSON.parse(list) as { items: WebhookJson[] }).items.some((h) => h.id === hook.id));
    assert.equal((JSON.parse(one) as WebhookJson).url, `${receiverUrl}/quiet`);
  });

  test('an app-limited webhook fires only for its app', async () => {
    const mine = await publish({ bundleId: 'com.example.mine' });
    const hook = await createHook({ url: `${receiverUrl}/limited`, appId: mine.release.appId, events: ['release.published'] });
    assert.equal(hook.appId, mine.release.appId);
    const other = await publish({ bundleId: 'com.example.other' });
    const again = await publish({ bundleId: 'com.example.mine', build: '46' });
    const r = await waitFor('limited delivery', () => at('/limited')[0]);
    // The other app's event went to the all-apps webhook, and never to this one.
    await waitFor('other app at /all', () => at('/all').find((x) => (JSON.parse(x.body) as EventJson).release.id === other.release.id));
    assert.equal(at('/limited').length, 1);
    assert.equal((JSON.parse(r.body) as EventJson).release.id, again.release.id);
  });

  test('a failing receiver is retried and the log shows every attempt', async () => {
    answers.set('/flaky', [500]);
    const hook = await createHook({ url: `${receiverUrl}/flaky`, events: ['release.published'] });
    await publish({ bundleId: 'com.example.flaky' });
    const delivery = await waitFor('delivered after a retry', async () => {
      const items = ((await (await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).json()) as { items: DeliveryJson[] }).items;
      return items.find((d) => d.state === 'delivered');
    });
    assert.equal(delivery.attemptCount, 2);
    assert.deepEqual(
      delivery.attempts.map((a) => a.statusCode),
      [500, 200],
    );
    assert.match(delivery.attempts[0]?.error ?? '', /answered 500/);
    assert.equal(delivery.attempts[1]?.error, null);
    assert.equal(delivery.nextAttemptAt, null);
    const bodies = at('/flaky');
    assert.equal(bodies.length, 2);
    assert.equal(bodies[0]?.body, bodies[1]?.body, 'a retry sends the same event');
    assert.equal(bodies[0]?.headers['x-otaship-delivery'], bodies[1]?.headers['x-otaship-delivery']);
    assert.ok(bodies.every((b) => verify(hook.secret!, b)));
  });

  test('a receiver that keeps failing is given up after the last retry; redirects are not followed', async () => {
    answers.set('/down', [503, 503, 503, 503]);
    answers.set('/moved', [302]);
    const down = await createHook({ url: `${receiverUrl}/down`, events: ['release.published'] });
    const moved = await createHook({ url: `${receiverUrl}/moved`, events: ['release.published'] });
    await publish({ bundleId: 'com.example.down' });
    const failed = await waitFor('given up', async () => {
      const items = ((await (await api('GET', `/api/v1/webhooks/${down.id}/deliveries`)).json()) as { items: DeliveryJson[] }).items;
      return items.find((d) => d.state === 'failed');
    });
    assert.equal(failed.attempts.length, 3, 'one attempt and two retries');
    // Once the receiver is back, the failed delivery can be sent again by hand.
    answers.set('/down', []);
    const resent = await api('POST', `/api/v1/webhooks/${down.id}/deliveries/${failed.id}/redeliver`);
    assert.equal(resent.status, 200);
    const again = (await resent.json()) as DeliveryJson;
    assert.equal(again.state, 'delivered');
    assert.deepEqual(
      again.attempts.map((a) => a.statusCode),
      [503, 503, 503, 200],
    );
    const sent = at('/down');
    assert.equal(sent[3]?.body, sent[0]?.body, 'the same event');
    assert.ok(verify(down.secret!, sent[3]!));
    assert.equal((await api('POST', `/api/v1/webhooks/${moved.id}/deliveries/${failed.id}/redeliver`)).status, 404, 'not its delivery');
    assert.equal((await api('POST', `/api/v1/webhooks/${down.id}/deliveries/01m85xe9tjnesg94nw3syqh9yx/redeliver`)).status, 404);
    const redirected = await waitFor('redirect attempt', async () => {
      const items = ((await (await api('GET', `/api/v1/webhooks/${moved.id}/deliveries`)).json()) as { items: DeliveryJson[] }).items;
      return items.find((d) => d.attempts.length > 0);
    });
    assert.equal(redirected.attempts[0]?.statusCode, 302);
    assert.match(redirected.attempts[0]?.error ?? '', /redirects are not followed/);
    assert.ok(!received.some((r) => r.path === '/elsewhere'));
    await api('DELETE', `/api/v1/webhooks/${down.id}`);
    await api('DELETE', `/api/v1/webhooks/${moved.id}`);
  });

  test('release.updated and release.deleted are sent; a deleted release has no links', async () => {
    const hook = await createHook({ url: `${receiverUrl}/changes`, events: ['release.updated', 'release.deleted'] });
    const p = await publish({ bundleId: 'com.example.changes' });
    assert.equal((await api('PATCH', `/api/v1/releases/${p.release.id}`, { notes: 'Fixes login' })).status, 200);
    assert.equal((await api('DELETE', `/api/v1/releases/${p.release.id}`)).status, 204);
    await waitFor('two events', () => (at('/changes').length >= 2 ? true : undefined));
    const events = at('/changes').map((r) => JSON.parse(r.body) as EventJson);
    assert.deepEqual(
      events.map((e) => e.event),
      ['release.updated', 'release.deleted'],
    );
    assert.equal(events[0]?.release.notes, 'Fixes login');
    assert.equal(events[1]?.release.id, p.release.id);
    assert.equal(events[1]?.release.downloadUrl, null);
    assert.ok(at('/changes').every((r) => verify(hook.secret!, r)));
  });

  test('a deleted webhook gets no more deliveries', async () => {
    answers.set('/gone', [500]);
    const hook = await createHook({ url: `${receiverUrl}/gone`, events: ['release.published'] });
    await publish({ bundleId: 'com.example.gone' });
    await waitFor('first (failed) attempt', () => at('/gone')[0]);
    assert.equal((await api('DELETE', `/api/v1/webhooks/${hook.id}`)).status, 204);
    await publish({ bundleId: 'com.example.gone', build: '99' });
    await waitFor('the all-apps webhook saw the second publish', () =>
      at('/all').find((x) => (JSON.parse(x.body) as EventJson).app.bundleId === 'com.example.gone' && (JSON.parse(x.body) as EventJson).release.build === '99'),
    );
    await new Promise((r) => setTimeout(r, 400)); // longer than the retry delay
    assert.equal(at('/gone').length, 1, 'neither the retry nor the new event was sent');
    assert.equal((await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).status, 404);
    assert.equal((await api('DELETE', `/api/v1/webhooks/${hook.id}`)).status, 404);
  });

  test('test sends a signed ping and answers with the attempt', async () => {
    const hook = await createHook({ url: `${receiverUrl}/ping` });
    const res = await api('POST', `/api/v1/webhooks/${hook.id}/test`);
    assert.equal(res.status, 200);
    const delivery = (await res.json()) as DeliveryJson;
    assert.equal(delivery.event, 'ping');
    assert.equal(delivery.state, 'delivered');
    assert.equal(delivery.attempts[0]?.statusCode, 200);
    const r = at('/ping')[0]!;
    assert.equal(r.headers['x-otaship-event'], 'ping');
    assert.ok(verify(hook.secret!, r));
    assert.equal((JSON.parse(r.body) as { webhook: { id: string } }).webhook.id, hook.id);

    // A receiver that cannot be reached: the answer says so, coarsely (no errno, no port-open hints).
    const dead = await createHook({ url: 'http://127.0.0.1:1/nothing-listens' });
    const failed = (await (await api('POST', `/api/v1/webhooks/${dead.id}/test`)).json()) as DeliveryJson;
    assert.equal(failed.state, 'pending');
    assert.equal(failed.attempts[0]?.statusCode, null);
    assert.equal(failed.attempts[0]?.error, 'connection failed');
    await api('DELETE', `/api/v1/webhooks/${dead.id}`);

    // A receiver that never answers is cut off at the timeout.
    const silent = await createHook({ url: `${receiverUrl}/silent` });
    const started = Date.now();
    const timedOut = (await (await api('POST', `/api/v1/webhooks/${silent.id}/test`)).json()) as DeliveryJson;
    assert.equal(timedOut.attempts[0]?.error, 'timed out');
    assert.ok(Date.now() - started < 5000);
    await api('DELETE', `/api/v1/webhooks/${silent.id}`);
  });

  test('only admins manage webhooks', async () => {
    const app = (await (await api('GET', '/api/v1/apps')).json()) as { items: Array<{ id: string }> };
    const tokens = [
      (await (await api('POST', '/api/v1/tokens', { name: 'limited', appId: app.items[0]!.id })).json()) as { token: string },
      (await (await api('POST', '/api/v1/tokens', { name: 'publisher' })).json()) as { token: string },
    ];
    const hook = await createHook({ url: `${receiverUrl}/admin-only` });
    for (const { token } of tokens) {
      const auth = { authorization: `Bearer ${token}` };
      for (const [method, path, body] of [
        ['POST', '/api/v1/webhooks', { url: `${receiverUrl}/x` }],
        ['GET', '/api/v1/webhooks', undefined],
        ['DELETE', `/api/v1/webhooks/${hook.id}`, undefined],
        ['POST', `/api/v1/webhooks/${hook.id}/test`, undefined],
        ['GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined],
        ['POST', `/api/v1/webhooks/${hook.id}/deliveries/01m85xe9tjnesg94nw3syqh9yx/redeliver`, undefined],
      ] as const) {
        const res = await api(method, path, body, auth);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(((await res.json()) as ErrorJson).error.message, /not an admin token/);
      }
    }
    assert.equal((await api('GET', '/api/v1/webhooks', undefined, {})).status, 401);
    assert.equal(at('/admin-only').length, 0);
  });

  test('invalid URLs, events and apps are refused with a clear VALIDATION error', async () => {
    for (const url of ['ftp://example.com/hook', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd', '/relative', 'https://user:pw@example.com/']) {
      const res = await api('POST', '/api/v1/webhooks', { url });
      assert.equal(res.status, 400, url);
      const error = ((await res.json()) as ErrorJson).error;
      assert.equal(error.code, 'VALIDATION');
      assert.match(error.message, /url/);
    }
    const events = await api('POST', '/api/v1/webhooks', { url: `${receiverUrl}/x`, events: ['release.exploded'] });
    assert.equal(events.status, 400);
    assert.match(((await events.json()) as ErrorJson).error.message, /release\.published/);
    assert.equal((await api('POST', '/api/v1/webhooks', { url: `${receiverUrl}/x`, appId: '01m85xe9tjnesg94nw3syqh9yx' })).status, 404);
    assert.equal((await api('POST', '/api/v1/webhooks', { url: `${receiverUrl}/x`, events: [] })).status, 400);
  });
});

describe('webhook deliveries survive a restart', () => {
  test('a delivery that failed before a restart is retried by the next server on the same database, signed alike', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'otaship-webhook-restart-'));
    try {
      answers.set('/restart', [500]);
      const first = await startTestServer({ settings: { dataDir, webhookAllowPrivate: true }, webhooks: { pollIntervalMs: 50, retryDelaysMs: [60_000] } });
      let hook: WebhookJson;
      try {
        const res = await fetch(`${first.baseUrl}/api/v1/webhooks`, {
          method: 'POST',
          headers: first.auth({ 'content-type': 'application/json' }),
          body: JSON.stringify({ url: `${receiverUrl}/restart` }),
        });
        hook = (await res.json()) as WebhookJson;
        const published = await fetch(`${first.baseUrl}/api/v1/releases`, {
          method: 'POST',
          headers: first.auth({ 'content-type': 'application/octet-stream' }),
          body: await readFile(await buildIpa({ bundleId: 'com.example.restart' })),
        });
        assert.equal(published.status, 201);
        await waitFor('the failed first attempt', () => at('/restart')[0]);
      } finally {
        await first.stop();
      }
      const second = await startTestServer({ settings: { dataDir, webhookAllowPrivate: true }, webhooks: { pollIntervalMs: 50, retryDelaysMs: [60_000] } });
      try {
        second.clock.advance(61_000); // the retry falls due
        const retried = await waitFor('the retry after the restart', () => at('/restart')[1]);
        // The retry is signed with the same derived secret (its timestamp is the advanced clock's).
        const ts = String(retried.headers['x-otaship-timestamp']);
        const expected = `sha256=${createHmac('sha256', hook.secret!).update(`${ts}.${retried.body}`).digest('hex')}`;
        assert.equal(retried.headers['x-otaship-signature'], expected);
        assert.equal(retried.headers['x-otaship-delivery'], at('/restart')[0]?.headers['x-otaship-delivery']);
        const items = await waitFor('the log shows both attempts', async () => {
          const res = await fetch(`${second.baseUrl}/api/v1/webhooks/${hook.id}/deliveries`, { headers: second.auth() });
          const list = ((await res.json()) as { items: DeliveryJson[] }).items;
          return list.find((d) => d.state === 'delivered');
        });
        assert.deepEqual(
          items.attempts.map((a) => a.statusCode),
          [500, 200],
        );
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhooks with several instances', () => {
  test('two servers on one database send each event exactly once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'otaship-webhook-pair-'));
    const options = { settings: { dataDir, webhookAllowPrivate: true }, webhooks: { pollIntervalMs: 20, retryDelaysMs: [50, 50, 50] } };
    const a = await startTestServer(options);
    const b = await startTestServer(options);
    try {
      answers.set('/pair', [500, 500]); // the first two attempts fail: retries race too
      const res = await fetch(`${a.baseUrl}/api/v1/webhooks`, {
        method: 'POST',
        headers: a.auth({ 'content-type': 'application/json' }),
        body: JSON.stringify({ url: `${receiverUrl}/pair`, events: ['release.published'] }),
      });
      assert.equal(res.status, 201);
      for (const [i, srvX] of [a, b, a, b].entries()) {
        const published = await fetch(`${srvX.baseUrl}/api/v1/releases`, {
          method: 'POST',
          headers: srvX.auth({ 'content-type': 'application/octet-stream' }),
          body: await readFile(await buildIpa({ bundleId: 'com.example.pair', build: String(100 + i) })),
        });
        assert.equal(published.status, 201);
      }
      await waitFor('four successful deliveries', () => (at('/pair').length >= 6 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300)); // anything sent twice would arrive by now
      const ids = at('/pair').map((r) => String(r.headers['x-otaship-delivery']));
      assert.equal(ids.length, 6, 'four events, two of them retried once');
      assert.equal(new Set(ids).size, 4);
      const hooks = await a.services.repos.webhooks.list();
      const log = await a.services.repos.webhooks.deliveries(hooks[0]!.id, 10);
      assert.deepEqual(
        log.map((d) => d.state),
        ['delivered', 'delivered', 'delivered', 'delivered'],
      );
      assert.equal(log.reduce((n, d) => n + d.attempts.length, 0), 6, 'one logged attempt per request');
    } finally {
      await a.stop();
      await b.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
