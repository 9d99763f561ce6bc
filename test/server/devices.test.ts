// Device (UDID) registration end to end on a real server: the tester page, the Profile Service
// profile, the device's CMS-signed answer POSTed to the callback (301 to the thank-you page), the
// admin's devices API and Apple's devices.txt; and every way the callback refuses (400, clear message).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'plist';
import { loadConfig } from '../../src/config/index.js';
import { isOtashipError } from '../../src/core/errors.js';
import type { DeviceJson } from '../../src/services/devices.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SAMPLE_DEVICE, buildDeviceAnswer } from '../helpers/device-answer.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { parseHtml } from '../web/dom.js';
import { request, type ErrorJson, type Response } from './support/http.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

type Dict = Record<string, unknown>;

/** Downloads a registration profile; returns its callback URL (on the test socket) and challenge. */
async function downloadProfile(): Promise<{ callbackUrl: string; challenge: string; nonce: string; profile: Dict }> {
  const res = await request(`${srv.baseUrl}/udid/profile.mobileconfig`);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/x-apple-aspen-config');
  assert.equal(res.headers['cache-control'], 'no-store');
  const profile = parse(res.text()) as Dict;
  const content = profile.PayloadContent as Dict;
  const url = new URL(String(content.URL));
  return { callbackUrl: url.href, challenge: String(content.Challenge), nonce: url.searchParams.get('n') ?? '', profile };
}

function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/pkcs7-signature', ...headers }, body });
}

function assertRefused(res: Response, message: RegExp): void {
  assert.equal(res.status, 400, res.text());
  const body = res.json<ErrorJson>();
  assert.equal(body.error.code, 'DEVICE_REGISTRATION');
  assert.match(body.error.message, message);
  assert.match(body.error.hint, /\/udid/);
  assert.doesNotMatch(res.text(), /\bat [\w.<>]+ \(|node_modules|\.ts:\d+/, 'no stack trace');
}

const udidOf = (n: number) => `00008110-${String(n).padStart(16, '0')}`;

describe('device registration (Profile Service)', () => {
  test('GET /udid explains the steps and links the profile', async () => {
    const res = await request(`${srv.baseUrl}/udid`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const html = res.text();
    assert.match(html, /href="\/udid\/profile\.mobileconfig"/);
    assert.match(html, /Unverified/);
    assert.match(html, /Safari/);
  });

  test('the profile is a Profile Service payload: public callback URL with a signed nonce, which is also the Challenge', async () => {
    const a = await downloadProfile();
    const b = await downloadProfile();
    assert.equal(a.profile.PayloadType, 'Profile Service');
    assert.equal(a.profile.PayloadIdentifier, '1.0.0.127.otaship.udid');
    assert.equal(a.profile.PayloadIdentifier, b.profile.PayloadIdentifier, 'stable identifier');
    assert.notEqual(a.profile.PayloadUUID, b.profile.PayloadUUID, 'fresh UUID per download');
    assert.ok(a.callbackUrl.startsWith(`${srv.publicUrl}/udid/callback?n=`), a.callbackUrl);
    assert.equal(a.challenge, a.nonce);
    assert.notEqual(a.nonce, b.nonce, 'one nonce per download');
    assert.deepEqual((a.profile.PayloadContent as Dict).DeviceAttributes, ['UDID', 'PRODUCT', 'VERSION', 'SERIAL', 'DEVICE_NAME']);
  });

  test('the device answer is stored and answered with a 301 to the thank-you page showing the UDID', async () => {
    const { callbackUrl, challenge } = await downloadProfile();
    const res = await post(callbackUrl, await buildDeviceAnswer(challenge));
    assert.equal(res.status, 301, res.text());
    const location = String(res.headers.location);
    assert.ok(location.startsWith(`${srv.publicUrl}/udid/done?d=`), location);
    assert.equal(res.headers['cache-control'], 'no-store');

    const stored = await srv.services.repos.devices.findByUdid(SAMPLE_DEVICE.UDID);
    assert.ok(stored);
    assert.equal(stored.product, 'iPhone16,1');
    assert.equal(stored.version, '21E236');
    assert.equal(stored.serial, 'F2LXK0ABCD12');
    assert.equal(stored.deviceName, 'Anna’s iPhone');

    const done = await request(location);
    assert.equal(done.status, 200);
    const html = done.text();
    assert.ok(html.includes(SAMPLE_DEVICE.UDID));
    assert.ok(html.includes('iPhone16,1'));
    assert.match(html, /data-copy-from="udid"/);
    assert.match(html, /udid\.js/);

    // iOS may retry its POST: the same device with the same nonce gets the same answer, another device does not.
    const retry = await post(callbackUrl, await buildDeviceAnswer(challenge));
    assert.equal(retry.status, 301);
    assertRefused(await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: udidOf(1) })), /already used by another device/);
    assert.equal(await srv.services.repos.devices.findByUdid(udidOf(1)), null);
  });

  test('the done link expires', async () => {
    const { callbackUrl, challenge } = await downloadProfile();
    const res = await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: udidOf(2) }));
    srv.clock.advance(16 * 60_000);
    try {
      const done = await request(String(res.headers.location), { headers: { accept: 'text/html' } });
      assert.equal(done.status, 400);
      assert.match(done.text(), /has expired/);
      assert.match(String(done.headers['content-type']), /^text\/html/);
    } finally {
      srv.clock.reset();
    }
  });

  test('forged, missing, foreign and expired nonces are refused with 400', async () => {
    const { callbackUrl, challenge, nonce } = await downloadProfile();
    const body = await buildDeviceAnswer(challenge);
    const forged = `${nonce.slice(0, -2)}${nonce.endsWith('AA') ? 'BB' : 'AA'}`;
    const base = callbackUrl.split('?')[0]!;
    assertRefused(await post(`${base}?n=${encodeURIComponent(forged)}`, await buildDeviceAnswer(forged)), /nonce is not valid/);
    assertRefused(await post(base, body), /no nonce/);
    // A valid signed token of another kind (an install link token) is not a nonce.
    const linkToken = srv.services.links.forRelease('01m85xe9mh06xkg32zmrbe51cs', 3600);
    assertRefused(await post(`${base}?n=${encodeURIComponent(linkToken)}`, await buildDeviceAnswer(linkToken)), /nonce is not valid/);

    srv.clock.advance(61 * 60_000);
    try {
      assertRefused(await post(callbackUrl, body), /registration profile has expired/);
    } finally {
      srv.clock.reset();
    }
  });

  test('a wrong or missing challenge, garbage, an oversized body and a bad UDID are refused with 400', async () => {
    const { callbackUrl, challenge } = await downloadProfile();
    const other = await downloadProfile();
    assertRefused(await post(callbackUrl, await buildDeviceAnswer(other.challenge, { UDID: udidOf(3) })), /CHALLENGE .*does not belong/);
    assertRefused(await post(callbackUrl, await buildDeviceAnswer(null, { UDID: udidOf(3) })), /no CHALLENGE/);
    assertRefused(await post(callbackUrl, Buffer.from('<plist>not signed</plist>')), /CMS-signed/);
    assertRefused(await post(callbackUrl, Buffer.from('{"UDID":"x"}'), { 'content-type': 'application/json' }), /CMS-signed/);
    assertRefused(await post(callbackUrl, Buffer.alloc(0)), /empty/);
    const big = Buffer.alloc(100 * 1024, 0x30);
    assertRefused(await post(callbackUrl, big), /larger than 64 KiB/);
    assertRefused(await post(callbackUrl, big, { 'transfer-encoding': 'chunked' }), /larger than 64 KiB/);
    assertRefused(await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: 'not-a-udid' })), /"not-a-udid" is not a UDID/);
    // None of these used the nonce: the real device can still register with it.
    assert.equal((await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: udidOf(3) }))).status, 301);
    assert.equal(await srv.services.repos.devices.findByUdid('not-a-udid'), null);
  });

  test('browsers get the refusal as an HTML page', async () => {
    const { callbackUrl } = await downloadProfile();
    const res = await post(callbackUrl, Buffer.from('garbage'), { accept: 'text/html' });
    assert.equal(res.status, 400);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text(), /not the signed answer iOS sends/);
  });
});

describe('devices API (admin)', () => {
  async function api(method: string, path: string, headers: Record<string, string> = srv.auth(), body?: unknown): Promise<Response> {
    return request(`${srv.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  test('list, label, devices.txt for Apple, delete', async () => {
    const { callbackUrl, challenge } = await downloadProfile();
    const udid = 'abcdef0123456789abcdef0123456789abcdef01';
    assert.equal((await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: udid.toUpperCase(), PRODUCT: 'iPad13,4', DEVICE_NAME: 'QA\tiPad' }))).status, 301);

    const list = await api('GET', '/api/v1/devices');
    assert.equal(list.status, 200);
    const items = list.json<{ items: DeviceJson[] }>().items;
    const d = items.find((x) => x.udid === udid);
    assert.ok(d, 'stored in canonical (lower-case) form');
    assert.equal(d.product, 'iPad13,4');
    assert.equal(d.platform, 'ios');
    assert.equal(d.deviceName, 'QA iPad');
    assert.equal(items[0]?.udid, udid, 'newest registration first');

    const txt = await api('GET', '/api/v1/devices.txt');
    assert.equal(txt.status, 200);
    assert.match(String(txt.headers['content-type']), /^text\/plain/);
    assert.match(String(txt.headers['content-disposition']), /attachment; filename="devices.txt"/);
    const lines = txt.text().split('\n');
    assert.equal(lines[0], 'Device ID\tDevice Name\tDevice Platform');
    assert.ok(lines.includes(`${udid}\tQA iPad\tios`), txt.text());
    assert.equal(lines.at(-1), '', 'ends with a newline');
    for (const line of lines.slice(1, -1)) assert.equal(line.split('\t').length, 3, line);

    const labelled = await api('PATCH', `/api/v1/devices/${d.id}`, srv.auth(), { label: 'Test lab iPad 2' });
    assert.equal(labelled.status, 200);
    assert.equal(labelled.json<DeviceJson>().label, 'Test lab iPad 2');
    assert.ok((await api('GET', '/api/v1/devices.txt')).text().includes(`${udid}\tTest lab iPad 2\tios`));
    assert.equal((await api('PATCH', `/api/v1/devices/${d.id}`, srv.auth(), { label: 'two\nlines' })).status, 400);

    assert.equal((await api('DELETE', `/api/v1/devices/${d.id}`)).status, 204);
    assert.equal((await api('DELETE', `/api/v1/devices/${d.id}`)).status, 404);
    assert.equal(await srv.services.repos.devices.get(d.id), null);
  });

  test('only admin tokens: app-limited and all-apps tokens get 403, no token 401', async () => {
    const app = await srv.services.repos.apps.create({ platform: 'ios', bundleId: 'com.example.devices', name: 'D', isPublic: false });
    const limited = (await api('POST', '/api/v1/tokens', srv.auth(), { name: 'limited', appId: app.id })).json<{ token: string }>().token;
    const allApps = (await api('POST', '/api/v1/tokens', srv.auth(), { name: 'ci' })).json<{ token: string }>().token;
    for (const token of [limited, allApps]) {
      for (const [method, path] of [['GET', '/api/v1/devices'], ['GET', '/api/v1/devices.txt'], ['DELETE', '/api/v1/devices/01m85xe9mh06xkg32zmrbe51cs']] as const) {
        const res = await api(method, path, { authorization: `Bearer ${token}` });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.json<ErrorJson>().error.message, /not an admin token and cannot see or change registered devices/);
      }
    }
    assert.equal((await api('GET', '/api/v1/devices', {})).status, 401);
    assert.equal((await api('GET', '/api/v1/devices.txt', {})).status, 401);
  });
});

describe('web: admin devices page and the install page link', () => {
  async function session(token: string): Promise<string> {
    const res = await request(`${srv.baseUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, next: '/admin/devices' }).toString(),
    });
    assert.equal(res.status, 303);
    return String(res.headers['set-cookie']).split(';')[0]!;
  }

  test('/admin/devices lists registered devices with the export link; other tokens get 403', async () => {
    const { callbackUrl, challenge } = await downloadProfile();
    const udid = udidOf(42);
    const hostileName = '<img src=x onerror=alert(1)> & Bob';
    assert.equal((await post(callbackUrl, await buildDeviceAnswer(challenge, { UDID: udid, DEVICE_NAME: hostileName }))).status, 301);

    const res = await request(`${srv.baseUrl}/admin/devices`, { headers: { cookie: await session(srv.adminToken) } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.ok(!res.text().includes('<img src=x'), 'device names are escaped');
    const dom = parseHtml(res.text());
    const row = dom.all((el) => el.attribs['data-device-id'] !== undefined && dom.text(el).includes(udid))[0];
    assert.ok(row, 'the device has a row');
    assert.ok(dom.text(row).includes(hostileName));
    assert.ok(dom.all((el) => el.attribs['data-action'] === 'delete-device').length >= 1);
    assert.equal(dom.all((el) => el.name === 'a' && el.attribs.href === '/api/v1/devices.txt').length, 1);
    assert.ok(dom.all((el) => el.name === 'a' && el.attribs.href === `${srv.publicUrl}/udid`).length >= 1, 'tells where testers register');
    assert.ok(dom.all((el) => el.name === 'a' && el.attribs.href === '/admin/devices').length >= 1, 'in the admin navigation');

    // The session cookie also fetches the export (a plain GET from the page's link).
    const txt = await request(`${srv.baseUrl}/api/v1/devices.txt`, { headers: { cookie: await session(srv.adminToken) } });
    assert.ok(txt.text().includes(`${udid}\t${hostileName}\tios`));

    const ci = (await (await fetch(`${srv.baseUrl}/api/v1/tokens`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/json' }), body: '{"name":"web-ci"}' })).json()) as { token: string };
    const forbidden = await request(`${srv.baseUrl}/admin/devices`, { headers: { cookie: await session(ci.token) } });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.text(), /cannot see or change registered devices/);
  });

  test('the install page of an ad-hoc build offers "Register this device"', async () => {
    const pub = await fetch(`${srv.baseUrl}/api/v1/releases`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/octet-stream' }),
      body: await readFile(await buildIpa({ bundleId: 'com.example.udidlink', profile: { type: 'ad-hoc' } })),
    });
    assert.equal(pub.status, 201);
    const { installPageUrl } = (await pub.json()) as { installPageUrl: string };
    const dom = parseHtml(await (await fetch(installPageUrl)).text());
    const link = dom.byClass('register-device')[0];
    assert.ok(link, 'the UDID hint links the registration page');
    assert.equal(dom.attr(link, 'href'), `${srv.publicUrl}/udid`);
    assert.equal(dom.text(link), 'Register this device');
  });
});

describe('OTASHIP_UDID_REGISTRATION=off', () => {
  let off: TestServer;
  before(async () => {
    off = await startTestServer({ settings: { udidRegistration: 'off' } });
  });
  after(async () => {
    await off?.stop();
  });

  test('the page, the profile and the callback are 404; the admin API still lists devices', async () => {
    for (const path of ['/udid', '/udid/profile.mobileconfig']) {
      const res = await request(`${off.baseUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.json<ErrorJson>().error.message, /device registration is turned off/);
    }
    const callback = await request(`${off.baseUrl}/udid/callback?n=x`, { method: 'POST', body: await buildDeviceAnswer('x') });
    assert.equal(callback.status, 404);
    assert.equal((await request(`${off.baseUrl}/api/v1/devices`, { headers: off.auth() })).status, 200);
  });
});

test('OTASHIP_UDID_REGISTRATION: open by default, open|off accepted, anything else refused naming the variable', () => {
  assert.equal(loadConfig({ env: {} }).udidRegistration, 'open');
  assert.equal(loadConfig({ env: { OTASHIP_UDID_REGISTRATION: 'OFF' } }).udidRegistration, 'off');
  assert.throws(
    () => loadConfig({ env: { OTASHIP_UDID_REGISTRATION: 'invite' } }),
    (err: unknown) => isOtashipError(err) && err.code === 'CONFIG' && /OTASHIP_UDID_REGISTRATION is "invite", expected one of open, off/.test(err.message),
  );
});
