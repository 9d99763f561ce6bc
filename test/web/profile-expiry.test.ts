// The admin lists' expiry flag: expired at the instant of expiry, "soon" for less than 14 days, the
// date always in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPIRY_WARNING_DAYS, profileExpiryBadge, profileExpiryState } from '../../src/web/profile-expiry.js';

const now = new Date('2026-03-01T12:00:00Z');
const DAY = 86400_000;
const at = (ms: number) => new Date(now.getTime() + ms);

test('states at the boundaries', () => {
  assert.equal(profileExpiryState(now, now), 'expired');
  assert.equal(profileExpiryState(at(-DAY), now), 'expired');
  assert.equal(profileExpiryState(at(1), now), 'soon');
  assert.equal(profileExpiryState(at(EXPIRY_WARNING_DAYS * DAY - 1), now), 'soon');
  assert.equal(profileExpiryState(at(EXPIRY_WARNING_DAYS * DAY), now), 'ok');
});

test('badges name the date; none when far away or without a profile', () => {
  assert.match(String(profileExpiryBadge(at(-3 * DAY), now)), />Profile expired 2026-02-26</);
  assert.match(String(profileExpiryBadge(at(5 * DAY), now)), />Profile expires in 5 days \(2026-03-06\)</);
  assert.match(String(profileExpiryBadge(at(DAY + 1), now)), />Profile expires in 1 day \(2026-03-02\)</);
  assert.match(String(profileExpiryBadge(at(3600_000), now)), />Profile expires within a day \(2026-03-01\)</);
  assert.equal(String(profileExpiryBadge(at(30 * DAY), now)), '');
  assert.equal(String(profileExpiryBadge(null, now)), '');
});
