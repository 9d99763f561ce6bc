// Webhooks are not a way into the server's own network. With the default settings a webhook URL
// naming a private address is refused at registration (400 WEBHOOK_TARGET), and at delivery every
// address a name resolves to is checked before connecting: a receiver listening on loopback, reached
// by the name `localhost` or by a literal stored earlier, receives no connection at all, and the log
// says only "refused: private address". No traffic goes to any non-loopback address in this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { newId } from '../../src/services/ids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { ErrorJson } from './support/http.js';

interface DeliveryJson {
  state: string;
  attempts: Array<{ statusCode: number | null; error: string | null }>;
}

/** A loopback receiver (IPv4 and IPv6) that counts every TCP connection made to it. */
async function countingReceiver(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

async function close(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
}

describe('webhook targets on the private network are refused by default', () => {
  let srv: TestServer;
  let receiver: Awaited<ReturnType<typeof countingReceiver>>;
  const api = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${srv.baseUrl}${path}`, {
      method,
      headers: body === undefined ? srv.auth() : srv.auth({ 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ping = async (id: string): Promise<DeliveryJson> => {
    const res = await api('POST', `/api/v1/webhooks/${id}/test`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as DeliveryJson;
  };

  before(async () => {
    receiver = await countingReceiver();
    srv = await startTestServer({ webhooks: { pollIntervalMs: 60_000, retryDelaysMs: [60_000], timeoutMs: 5000 } });
  });
  after(async () => {
    await srv?.stop();
    await close(receiver?.server);
  });

  test('registering a literal private address of any family answers 400 WEBHOOK_TARGET', async () => {
    const hosts = [
      '127.0.0.1', '127.1.2.3', '[::1]', // loopback
      '169.254.169.254', '[fe80::1]', // link-local (cloud metadata)
      '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '[fc00::1]', '[fd00::1]', '100.64.0.1', // private, CGNAT
      '0.0.0.0', '[::]', // unspecified
      '[::ffff:127.0.0.1]', '[::ffff:169.254.169.254]', '[::ffff:10.0.0.1]', '[::ffff:192.168.0.1]', // IPv4-mapped
      '224.0.0.1', '[ff02::1]', '255.255.255.255', // multicast, broadcast
      '2130706433', '0x7f.1', // other spellings of 127.0.0.1 (normalised by the URL parser)
    ];
    for (const host of hosts) {
      const res = await api('POST', '/api/v1/webhooks', { url: `http://${host}:${receiver.port}/hook` });
      assert.equal(res.status, 400, host);
      const { error } = (await res.json()) as ErrorJson;
      assert.equal(error.code, 'WEBHOOK_TARGET', host);
      assert.match(error.message, /OTASHIP_WEBHOOK_ALLOW_PRIVATE/);
    }
    assert.deepEqual(((await (await api('GET', '/api/v1/webhooks')).json()) as { items: unknown[] }).items, []);
  });

  test('a name that resolves to loopback is refused at delivery, before any connection', async () => {
    const res = await api('POST', '/api/v1/webhooks', { url: `http://localhost:${receiver.port}/hook` });
    assert.equal(res.status, 201, 'names are judged at delivery, on what they resolve to');
    const hook = (await res.json()) as { id: string };
    const delivery = await ping(hook.id);
    assert.equal(delivery.state, 'pending');
    assert.deepEqual(delivery.attempts.map((a) => [a.statusCode, a.error]), [[null, 'refused: private address']]);
    assert.equal(receiver.connections(), 0, 'no connection was attempted');
    await api('DELETE', `/api/v1/webhooks/${hook.id}`);
  });

  test('literal private targets stored earlier (e.g. while private targets were allowed) are refused at delivery', async () => {
    for (const host of ['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0', '[::]']) {
      const now = new Date();
      const hook = await srv.services.repos.webhooks.create({
        id: newId(now),
        url: `http://${host}:${receiver.port}/hook`,
        events: ['release.published'],
        appId: null,
        description: '',
        createdAt: now,
      });
      const delivery = await ping(hook.id);
      assert.deepEqual(delivery.attempts.map((a) => a.error), ['refused: private address'], host);
      assert.equal(receiver.connections(), 0, `no connection was attempted to ${host}`);
      await srv.services.repos.webhooks.delete(hook.id);
    }
  });
});

describe('OTASHIP_WEBHOOK_ALLOW_PRIVATE=true', () => {
  let srv: TestServer;
  let receiver: Awaited<ReturnType<typeof countingReceiver>>;
  before(async () => {
    receiver = await countingReceiver();
    srv = await startTestServer({ settings: { webhookAllowPrivate: true } });
  });
  after(async () => {
    await srv?.stop();
    await close(receiver?.server);
  });

  test('delivers to a name on the private network, connecting to the address it resolved', async () => {
    const create = await fetch(`${srv.baseUrl}/api/v1/webhooks`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ url: `http://localhost:${receiver.port}/hook` }),
    });
    assert.equal(create.status, 201);
    const hook = (await create.json()) as { id: string };
    const res = await fetch(`${srv.baseUrl}/api/v1/webhooks/${hook.id}/test`, { method: 'POST', headers: srv.auth() });
    const delivery = (await res.json()) as DeliveryJson;
    assert.equal(delivery.state, 'delivered', JSON.stringify(delivery));
    assert.equal(receiver.connections(), 1);
  });

  test('the setting is read from the environment, strictly', async () => {
    const { loadConfig } = await import('../../src/config/index.js');
    const base = { OTASHIP_DATA_DIR: srv.dataDir };
    assert.equal(loadConfig({ env: base }).webhookAllowPrivate, false);
    assert.equal(loadConfig({ env: { ...base, OTASHIP_WEBHOOK_ALLOW_PRIVATE: 'true' } }).webhookAllowPrivate, true);
    assert.throws(() => loadConfig({ env: { ...base, OTASHIP_WEBHOOK_ALLOW_PRIVATE: 'maybe' } }), /OTASHIP_WEBHOOK_ALLOW_PRIVATE/);
  });
});
