import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyHost } from '../../../src/core/link/host.js';

// Hostnames as new URL() gives them: shorthand IPv4 forms are already dotted quads.
const hostOf = (url: string): string => new URL(url).hostname;

test('loopback and unspecified hosts are unreachable from a phone', () => {
  for (const url of ['https://localhost/', 'https://LOCALHOST./', 'https://app.localhost/', 'https://127.0.0.1/', 'https://127.1/', 'https://0x7f.1/', 'https://0.0.0.0/', 'https://[::1]/', 'https://[::]/', 'https://[::ffff:127.0.0.1]/']) {
    assert.equal(classifyHost(hostOf(url)), 'unreachable', url);
  }
});

test('private, link-local, CGNAT and intranet names are reachable only on their network', () => {
  for (const url of ['https://10.0.0.1/', 'https://172.16.0.1/', 'https://172.31.255.255/', 'https://192.168.0.1/', 'https://169.254.1.1/', 'https://100.64.0.1/', 'https://[fd12:3456::1]/', 'https://[fe80::1]/', 'https://[::ffff:192.168.1.1]/', 'https://printer.local/', 'https://nas.home.arpa/', 'https://ci.internal/', 'https://buildserver/']) {
    assert.equal(classifyHost(hostOf(url)), 'private', url);
  }
});

test('public names and addresses are public', () => {
  for (const url of ['https://ota.example.com/', 'https://172.32.0.1/', 'https://11.0.0.1/', 'https://192.169.0.1/', 'https://100.128.0.1/', 'https://[2001:db8::1]/', 'https://xn--bcher-kva.example/', 'https://localhost.example.com/']) {
    assert.equal(classifyHost(hostOf(url)), 'public', url);
  }
});
