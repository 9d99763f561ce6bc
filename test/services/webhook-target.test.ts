// Which addresses a webhook may reach: a pure table (no traffic is sent). Every family the server
// must refuse by default, their IPv4-mapped IPv6 spellings, and what OTASHIP_WEBHOOK_ALLOW_PRIVATE
// changes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isRefusedAddress } from '../../src/services/webhook-target.js';

const PRIVATE = [
  '127.0.0.1', '127.8.9.10', // loopback
  '::1',
  '169.254.169.254', '169.254.0.1', // link-local, cloud metadata
  'fe80::1', 'febf::1',
  '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.254', '192.168.1.1', // RFC 1918
  'fc00::1', 'fd12:3456::1', // unique local
  '100.64.0.1', '100.127.255.254', // CGNAT
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.1', '::ffff:192.168.0.1', // IPv4-mapped
  '64:ff9b::a00:1', '2002:a00:1::1', // NAT64 and 6to4 spellings of 10.0.0.1
];
const NEVER = ['0.0.0.0', '::', '::ffff:0.0.0.0', '224.0.0.1', '239.255.255.250', 'ff02::1', '255.255.255.255'];
const PUBLIC = ['8.8.8.8', '93.184.215.14', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

describe('webhook targets', () => {
  test('private, loopback, link-local and CGNAT addresses are refused by default, in every spelling', () => {
    for (const address of [...PRIVATE, ...NEVER]) assert.equal(isRefusedAddress(address, false), true, address);
    assert.equal(isRefusedAddress('[::1]', false), true, 'a bracketed URL host');
  });

  test('public unicast addresses are targets', () => {
    for (const address of PUBLIC) assert.equal(isRefusedAddress(address, false), false, address);
  });

  test('allowing private targets admits the private network, never the unspecified, multicast or broadcast addresses', () => {
    for (const address of PRIVATE) assert.equal(isRefusedAddress(address, true), false, address);
    for (const address of NEVER) assert.equal(isRefusedAddress(address, true), true, address);
  });

  test('text that is not an address is refused', () => {
    for (const text of ['', 'localhost', '1.2.3', '::g', '999.1.1.1']) assert.equal(isRefusedAddress(text, false), true, text);
  });
});
