// `--tls self-signed` is for installing on phones over the LAN: without a public URL, links use the
// machine's LAN address (which the certificate covers), not localhost; an http public URL is refused;
// and /api/v1/health says iOS installs are not ready while the public URL is a loopback address.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { loadConfig } from '../../src/config/index.js';
import { OtashipError } from '../../src/core/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { request } from './support/http.js';

const nic = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null }) as NetworkInterfaceInfo;

describe('--tls self-signed: the default public URL', () => {
  test("is the machine's first LAN IPv4 address, skipping loopback and link-local", () => {
    const interfaces = { lo: [nic('127.0.0.1', true)], eth0: [nic('169.254.3.4'), nic('192.168.1.20')], wlan0: [nic('10.0.0.7')] };
    const c = loadConfig({ env: { OTASHIP_TLS: 'self-signed', OTASHIP_PORT: '8443' }, networkInterfaces: interfaces });
    assert.equal(c.publicUrl, 'https://192.168.1.20:8443');
  });

  test('an http public URL with self-signed TLS is refused, naming the setting and the https alternative', () => {
    assert.throws(
      () =>
        loadConfig({
          env: { OTASHIP_TLS: 'self-signed', OTASHIP_PORT: '8443', OTASHIP_PUBLIC_URL: 'http://192.168.1.20:8443' },
          networkInterfaces: { eth0: [nic('192.168.1.20')] },
        }),
      (err: unknown) =>
        err instanceof OtashipError && err.code === 'CONFIG' && /OTASHIP_PUBLIC_URL/.test(err.message) && /https:\/\//.test(err.message),
    );
  });
});

describe('/api/v1/health: iosInstallReady', () => {
  const servers: TestServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  const health = async (srv: TestServer) =>
    request(`${srv.baseUrl}/api/v1/health`, { ca: srv.ca }).then((r) =>
      r.json<{ https: boolean; iosInstallReady: boolean; warnings: string[] }>(),
    );

  test('https on a loopback public URL: https, but not ready for iOS (a phone cannot reach it)', async () => {
    const srv = await startTestServer({ tls: true });
    servers.push(srv);
    assert.match(srv.publicUrl, /^https:\/\/127\.0\.0\.1:/);
    const h = await health(srv);
    assert.equal(h.https, true);
    assert.equal(h.iosInstallReady, false);
    assert.match(h.warnings.join(' '), /loopback/);
  });

  test('https on a LAN public URL: ready', async () => {
    const srv = await startTestServer({ tls: true, settings: { publicUrl: 'https://192.168.1.20:8443' } });
    servers.push(srv);
    const h = await health(srv);
    assert.equal(h.https, true);
    assert.equal(h.iosInstallReady, true);
  });
});
