import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysUntil, formatDate, formatDateTime, humanSize } from '../../src/web/format.js';

test('humanSize uses decimal units like iOS and Android', () => {
  assert.equal(humanSize(0), '0 bytes');
  assert.equal(humanSize(1), '1 byte');
  assert.equal(humanSize(999), '999 bytes');
  assert.equal(humanSize(1000), '1.00 kB');
  assert.equal(humanSize(48_213_000), '48.2 MB');
  assert.equal(humanSize(123_456_789), '123 MB');
  assert.equal(humanSize(4_500_000_000), '4.50 GB');
  assert.equal(humanSize(-1), '?');
  assert.equal(humanSize(Number.NaN), '?');
});

test('dates are UTC and fixed-format', () => {
  const d = new Date('2026-01-05T03:04:59Z');
  assert.equal(formatDate(d), '2026-01-05');
  assert.equal(formatDateTime(d), '2026-01-05 03:04 UTC');
});

test('days until a date', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const day = 86_400_000;
  assert.equal(daysUntil(new Date(now.getTime() + 13.9 * day), now), 13);
  assert.equal(daysUntil(new Date(now.getTime() - 0.5 * day), now), -1);
});
