// The per-client registration throttle: a fixed window per client key; IPv6 clients are counted per
// /64 (one subscriber's allocation), IPv4-mapped IPv6 as the IPv4 address.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientThrottle, clientKey } from '../../src/services/client-throttle.js';

describe('client throttle', () => {
  test('allows `limit` attempts per window and per client, then answers the seconds left', () => {
    const t = new ClientThrottle(2, 3600_000);
    const start = 1_000_000;
    assert.equal(t.hit('192.0.2.1', start), 0);
    assert.equal(t.hit('192.0.2.1', start + 1000), 0);
    assert.equal(t.hit('192.0.2.1', start + 1000), 3599);
    assert.equal(t.hit('192.0.2.2', start + 1000), 0, 'another client has its own count');
    assert.equal(t.hit('192.0.2.1', start + 3600_000), 0, 'a new window');
  });

  test('one IPv6 /64 is one client; an IPv4-mapped address is its IPv4 address', () => {
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), clientKey('2001:db8:1:2:bbbb::2'));
    assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
    assert.equal(clientKey('::ffff:192.0.2.7'), clientKey('192.0.2.7'));
    const t = new ClientThrottle(1, 60_000);
    assert.equal(t.hit('2001:db8:1:2::1', 0), 0);
    assert.ok(t.hit('2001:db8:1:2::ffff', 0) > 0);
  });
});
