// Renderers of the device registration pages, the admin devices page and the install page's link to
// /udid, with hostile text in every field that comes from a device or a request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAdminDevicesPage, renderInstallPage, renderUdidDonePage, renderUdidPage } from '../../src/web/index.js';
import { parseHtml } from './dom.js';
import { DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { HOSTILE_NAME, NOW, iosView, profile } from './fixtures.js';

describe('device registration pages', () => {
  test('/udid: the profile button, the steps, the host escaped', () => {
    const markup = renderUdidPage({ profileUrl: '/udid/profile.mobileconfig', host: `ota.example.com"><script>` }).value;
    assert.ok(!markup.includes('"><script>'));
    const dom = parseHtml(markup);
    const button = dom.all((el) => el.name === 'a' && el.attribs.href === '/udid/profile.mobileconfig')[0];
    assert.ok(button);
    assert.match(dom.text(button), /Download registration profile/);
    assert.ok(dom.text(dom.byTag('main')[0]!).includes('ota.example.com"><script>'));
    assert.match(markup, /Unverified/);
  });

  test('/udid/done: the UDID with a copy button (shown by udid.js), model, escaped device name', () => {
    const markup = renderUdidDonePage({ udid: '00008030-001A2B3C4D5E802E', product: 'iPhone16,1', version: '21E236', deviceName: HOSTILE_NAME }).value;
    assert.ok(!markup.includes('<script>alert'));
    const dom = parseHtml(markup);
    assert.equal(dom.text(dom.byId('udid')!), '00008030-001A2B3C4D5E802E');
    const copy = dom.all((el) => el.attribs['data-copy-from'] === 'udid')[0]!;
    assert.equal(dom.attr(copy, 'hidden'), '', 'hidden until the script runs');
    assert.ok(dom.text(dom.byTag('main')[0]!).includes(HOSTILE_NAME));
    assert.ok(dom.all((el) => el.name === 'script' && (el.attribs.src ?? '').startsWith('/assets/udid.js')).length === 1);
  });
});

describe('install page: "Register this device"', () => {
  test('ad-hoc and development builds link the registration page when it is open', async () => {
    for (const type of ['ad-hoc', 'development'] as const) {
      const dom = parseHtml((await renderInstallPage(iosView({ profile: profile({ type }), registerDeviceUrl: 'https://ota.example.com/udid' }))).value);
      const link = dom.byClass('register-device')[0];
      assert.ok(link, type);
      assert.equal(dom.attr(link, 'href'), 'https://ota.example.com/udid');
    }
  });

  test('no link when registration is off, nor for enterprise builds', async () => {
    const off = parseHtml((await renderInstallPage(iosView({ registerDeviceUrl: null }))).value);
    assert.equal(off.byClass('register-device').length, 0);
    assert.match(off.text(off.byClass('hint-udid')[0]!), /Send the developer your device’s UDID/);
    const enterprise = parseHtml(
      (await renderInstallPage(iosView({ profile: profile({ type: 'enterprise', deviceCount: 0, provisionsAllDevices: true }), registerDeviceUrl: 'https://ota.example.com/udid' }))).value,
    );
    assert.equal(enterprise.byClass('register-device').length, 0);
  });
});

describe('admin devices page', () => {
  const user = { name: 'admin token', admin: true };

  test('rows escape what devices report; rename and remove carry the device id', () => {
    const markup = renderAdminDevicesPage({
      user,
      exportUrl: '/api/v1/devices.txt',
      udidPageUrl: 'https://ota.example.com/udid',
      devices: [
        {
          id: 'dev1',
          udid: '00008030-001A2B3C4D5E802E',
          product: 'iPhone16,1<',
          version: '21E236',
          serial: null,
          deviceName: HOSTILE_NAME,
          label: null,
          firstRegisteredAt: NOW,
          lastRegisteredAt: NOW,
          reviewed: true,
          pendingClaim: null,
        },
      ],
    }).value;
    assert.ok(!markup.includes('<script>alert'));
    const dom = parseHtml(markup);
    const row = dom.all((el) => el.attribs['data-device-id'] === 'dev1')[0]!;
    assert.ok(dom.text(row).includes(HOSTILE_NAME));
    const remove = dom.all((el) => el.attribs['data-action'] === 'delete-device')[0]!;
    assert.equal(dom.attr(remove, 'data-label'), HOSTILE_NAME);
    assert.equal(dom.all((el) => el.attribs['data-action'] === 'copy')[0]!.attribs['data-copy'], '00008030-001A2B3C4D5E802E');
    assert.equal(dom.byClass('empty').length, 0);
  });

  test('a device waiting for review and a pending claim are shown with their actions; the claim is escaped', () => {
    const device = {
      id: 'dev2', udid: '00008030-0000000000000002', product: 'iPhone15,2', version: '21E236', serial: null,
      deviceName: 'Known phone', label: null, firstRegisteredAt: NOW, lastRegisteredAt: NOW,
    };
    const dom = parseHtml(
      renderAdminDevicesPage({
        user,
        exportUrl: '/api/v1/devices.txt',
        udidPageUrl: 'https://ota.example.com/udid',
        devices: [
          { ...device, reviewed: false, pendingClaim: null },
          { ...device, id: 'dev3', reviewed: true, pendingClaim: { product: 'iPad<b>', version: '22A1', serial: null, deviceName: HOSTILE_NAME, at: NOW } },
        ],
      }).value,
    );
    const row = (id: string) => dom.all((el) => el.attribs['data-device-id'] === id)[0]!;
    // The review buttons inside one row (htmlparser2's own search, under that row only).
    const reviews = (id: string) =>
      (DomUtils.findAll((el) => (el as Element).attribs['data-action'] === 'review-device', row(id).children) as Element[]).map(
        (b) => b.attribs['data-review'],
      );
    assert.match(dom.text(row('dev2')), /New: not reviewed/);
    assert.deepEqual(reviews('dev2'), ['keep'], 'a new device can be marked reviewed');
    assert.doesNotMatch(dom.text(row('dev3')), /not reviewed/);
    const claim = dom.all((el) => el.attribs['data-role'] === 'pending-claim');
    assert.equal(claim.length, 1, 'only the device with a claim shows one');
    assert.ok(dom.text(claim[0]!).includes(HOSTILE_NAME), 'the claimed name is shown as text');
    assert.ok(dom.text(claim[0]!).includes('iPad<b>'));
    assert.deepEqual(reviews('dev3'), ['accept', 'keep'], 'a claim is accepted or the stored facts kept');
  });

  test('empty list, and registration turned off', () => {
    const dom = parseHtml(renderAdminDevicesPage({ user, exportUrl: '/api/v1/devices.txt', udidPageUrl: null, devices: [] }).value);
    assert.equal(dom.byClass('empty').length, 1);
    assert.match(dom.text(dom.byTag('main')[0]!), /OTASHIP_UDID_REGISTRATION=off/);
  });
});
