import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthThrottle, clientKey } from '../../src/services/auth-throttle.js';
import { isOtashipError } from '../../src/core/errors.js';

test('clients are keyed by IPv4 address, IPv4-mapped IPv6 as IPv4, IPv6 by /64', () => {
  assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
  assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:2:ffff:1:2:3'));
  assert.equal(clientKey('2001:0db8:0001:0002:0:0:0:9'), '2001:db8:1:2::/64');
  assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
  assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
});

test('only failures count; over the limit check() throws TOO_MANY_REQUESTS until the window ends', () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const throttle = new AuthThrottle(() => new Date(now), 2, 60);
  throttle.fail('2001:db8::1');
  throttle.check('2001:db8::2');
  throttle.fail('2001:db8::2');
  assert.throws(
    () => throttle.check('2001:db8::3'),
    (err: unknown) => isOtashipError(err) && err.code === 'TOO_MANY_REQUESTS' && err.details?.retryAfterSeconds === 60,
  );
  throttle.check('198.51.100.1');
  now += 30_000;
  assert.throws(() => throttle.check('2001:db8::1'), (err: unknown) => isOtashipError(err) && err.details?.retryAfterSeconds === 30);
  now += 30_000;
  throttle.check('2001:db8::1');
});

test('a limit of 0 turns throttling off', () => {
  const throttle = new AuthThrottle(() => new Date(), 0);
  for (let i = 0; i < 100; i++) throttle.fail('192.0.2.1');
  throttle.check('192.0.2.1');
});

test('firstRefusal: true once per client and window (a refusal is logged once), again in the next window', () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const throttle = new AuthThrottle(() => new Date(now), 1, 60);
  throttle.fail('192.0.2.7');
  assert.equal(throttle.firstRefusal('192.0.2.7'), true);
  assert.equal(throttle.firstRefusal('192.0.2.7'), false);
  assert.equal(throttle.firstRefusal('192.0.2.7'), false);
  assert.equal(throttle.firstRefusal('192.0.2.8'), true, 'another client is reported on its own');
  now += 60_000;
  throttle.fail('192.0.2.7');
  assert.equal(throttle.firstRefusal('192.0.2.7'), true, 'a new window reports again');
});
