// Anonymous device registration cannot flood or rewrite the device list: one client address gets a
// bounded number of attempts an hour, a bounded number of new devices may wait for review (both 429
// TOO_MANY_REQUESTS with Retry-After), and re-registering a known UDID never changes its stored name
// or model: the report waits as a claim that an admin keeps or accepts. Real server, real signed answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'plist';
import type { DeviceJson } from '../../src/services/devices.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildDeviceAnswer } from '../helpers/device-answer.js';
import { request, type ErrorJson, type Response } from './support/http.js';

type Dict = Record<string, unknown>;

async function register(srv: TestServer, attributes: Record<string, string>): Promise<Response> {
  const res = await request(`${srv.baseUrl}/udid/profile.mobileconfig`);
  assert.equal(res.status, 200);
  const content = (parse(res.text()) as Dict).PayloadContent as Dict;
  const url = new URL(String(content.URL));
  const local = `${srv.baseUrl}${url.pathname}${url.search}`;
  const body = await buildDeviceAnswer(String(content.Challenge), attributes);
  return request(local, { method: 'POST', headers: { 'content-type': 'application/pkcs7-signature' }, body });
}

function assertThrottled(res: Response, message: RegExp): void {
  assert.equal(res.status, 429, res.text());
  const { error } = res.json<ErrorJson>();
  assert.equal(error.code, 'TOO_MANY_REQUESTS');
  assert.match(error.message, message);
  assert.match(String(res.headers['retry-after']), /^\d+$/);
}

async function api(srv: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  return request(`${srv.baseUrl}${path}`, {
    method,
    headers: body === undefined ? srv.auth() : srv.auth({ 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function device(srv: TestServer, udid: string): Promise<DeviceJson> {
  const items = (await api(srv, 'GET', '/api/v1/devices')).json<{ items: DeviceJson[] }>().items;
  const found = items.find((d) => d.udid === udid.toLowerCase() || d.udid === udid);
  assert.ok(found, udid);
  return found;
}

const udidOf = (n: number) => `00008110-${String(n).padStart(16, '0')}`;

describe('one client address registers a bounded number of times an hour', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { udidPerIpPerHour: 3 } });
  });
  after(async () => {
    await srv?.stop();
  });

  test('the attempt after the limit is 429 with Retry-After; the next hour it works again', async () => {
    for (let i = 1; i <= 3; i++) assert.equal((await register(srv, { UDID: udidOf(i) })).status, 301, `registration ${i}`);
    assertThrottled(await register(srv, { UDID: udidOf(4) }), /too many device registrations/);
    assert.equal((await api(srv, 'GET', '/api/v1/devices')).json<{ items: unknown[] }>().items.length, 3, 'nothing stored');
    srv.clock.advance(3600_000);
    try {
      assert.equal((await register(srv, { UDID: udidOf(4) })).status, 301);
    } finally {
      srv.clock.reset();
    }
  });
});

describe('a bounded number of new devices wait for review', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { udidMaxUnreviewed: 2, udidPerIpPerHour: 1000 } });
  });
  after(async () => {
    await srv?.stop();
  });

  test('a new device beyond the cap is 429; a known one re-registers; reviewing makes room', async () => {
    assert.equal((await register(srv, { UDID: udidOf(1) })).status, 301);
    assert.equal((await register(srv, { UDID: udidOf(2) })).status, 301);
    assertThrottled(await register(srv, { UDID: udidOf(3) }), /waiting for an administrator's review/);
    assert.equal((await register(srv, { UDID: udidOf(2) })).status, 301, 'a known device is no new entry');

    const first = await device(srv, udidOf(1));
    assert.equal(first.reviewed, false);
    const reviewed = await api(srv, 'PATCH', `/api/v1/devices/${first.id}`, { review: 'keep' });
    assert.equal(reviewed.status, 200, reviewed.text());
    assert.equal(reviewed.json<DeviceJson>().reviewed, true);
    assert.equal((await register(srv, { UDID: udidOf(3) })).status, 301);
    assertThrottled(await register(srv, { UDID: udidOf(4) }), /review/);
    assert.equal((await api(srv, 'PATCH', `/api/v1/devices/${first.id}`, { review: 'maybe' })).status, 400);
  });
});

describe('an anonymous registration never rewrites a known device', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv?.stop();
  });

  test('name and model stay; the new report is a pending claim the admin keeps or accepts', async () => {
    const udid = udidOf(77);
    assert.equal((await register(srv, { UDID: udid, PRODUCT: 'iPhone16,1', DEVICE_NAME: 'Anna’s iPhone' })).status, 301);
    const original = await device(srv, udid);

    // Someone else sends the same UDID with another name and model: accepted, and the thank-you page
    // shows what they sent, not what is stored.
    const claimed = await register(srv, { UDID: udid, PRODUCT: 'iPad1,1', DEVICE_NAME: 'Mallory', SERIAL: 'XXXX' });
    assert.equal(claimed.status, 301);
    const done = new URL(String(claimed.headers.location));
    const thanks = (await request(`${srv.baseUrl}${done.pathname}${done.search}`)).text();
    assert.ok(thanks.includes('Mallory') && !thanks.includes('Anna'), 'the stored name is not revealed');
    const after = await device(srv, udid);
    assert.equal(after.id, original.id);
    assert.equal(after.deviceName, 'Anna’s iPhone');
    assert.equal(after.product, 'iPhone16,1');
    assert.equal(after.serial, original.serial);
    assert.deepEqual(after.pendingClaim && [after.pendingClaim.product, after.pendingClaim.deviceName], ['iPad1,1', 'Mallory']);
    assert.ok((await api(srv, 'GET', '/api/v1/devices.txt')).text().includes(`${after.udid}\tAnna’s iPhone\tios`));

    // The admin keeps the stored facts: the claim is gone, nothing changed.
    const kept = (await api(srv, 'PATCH', `/api/v1/devices/${original.id}`, { review: 'keep' })).json<DeviceJson>();
    assert.deepEqual([kept.deviceName, kept.product, kept.pendingClaim, kept.reviewed], ['Anna’s iPhone', 'iPhone16,1', null, true]);

    // A genuine change (a new name), accepted by the admin.
    assert.equal((await register(srv, { UDID: udid, PRODUCT: 'iPhone16,1', DEVICE_NAME: 'Anna’s new iPhone' })).status, 301);
    assert.equal((await device(srv, udid)).deviceName, 'Anna’s iPhone');
    const accepted = (await api(srv, 'PATCH', `/api/v1/devices/${original.id}`, { review: 'accept' })).json<DeviceJson>();
    assert.deepEqual([accepted.deviceName, accepted.pendingClaim], ['Anna’s new iPhone', null]);
  });
});
