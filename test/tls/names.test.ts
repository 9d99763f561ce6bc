import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { collectServerNames } from '../../src/tls/names.js';

function nic(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  const base = { address, netmask: family === 'IPv4' ? '255.255.255.0' : 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

describe('collectServerNames', () => {
  test('covers loopback, host name, .local name and every external address', () => {
    const names = collectServerNames({
      hostname: 'Build-Mac',
      interfaces: {
        lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
        en0: [nic('192.168.1.20', 'IPv4'), nic('fe80::1c2b:3aff:fe4d:5e6f', 'IPv6'), nic('2001:db8::20', 'IPv6')],
        docker0: [nic('172.17.0.1', 'IPv4')],
      },
    });
    assert.deepEqual(names.dns, ['build-mac', 'build-mac.local', 'localhost']);
    assert.deepEqual(names.ips, ['127.0.0.1', '172.17.0.1', '192.168.1.20', '2001:db8::20', '::1', 'fe80::1c2b:3aff:fe4d:5e6f'].sort());
  });

  test('a dotted host name also yields its short label and .local name', () => {
    const names = collectServerNames({ hostname: 'ci-01.corp.example.com', interfaces: {} });
    assert.deepEqual(names.dns, ['ci-01', 'ci-01.corp.example.com', 'ci-01.local', 'localhost']);
  });

  test('extra names accept URLs, host:port, bracketed IPv6, and skip what cannot be a DNS name', () => {
    const names = collectServerNames({
      hostname: 'box',
      interfaces: {},
      extra: ['https://ota.example.com:8443/path', '10.0.0.5:8080', '[2001:DB8:0:0::7]:443', 'not a host', 'https://[fd00::1]/'],
    });
    assert.ok(names.dns.includes('ota.example.com'));
    assert.ok(!names.dns.some((n) => n.includes(' ')));
    assert.ok(names.ips.includes('10.0.0.5'));
    assert.ok(names.ips.includes('2001:db8::7'), names.ips.join());
    assert.ok(names.ips.includes('fd00::1'));
  });

  test('IPv6 zone ids are dropped and duplicates collapse', () => {
    const names = collectServerNames({
      hostname: 'box',
      interfaces: { en0: [nic('fe80::1%en0', 'IPv6')], en1: [nic('fe80::1', 'IPv6')] },
      extra: ['localhost', '127.0.0.1'],
    });
    assert.equal(names.ips.filter((ip) => ip === 'fe80::1').length, 1);
    assert.equal(names.dns.filter((n) => n === 'localhost').length, 1);
    assert.equal(names.ips.filter((ip) => ip === '127.0.0.1').length, 1);
  });
});
