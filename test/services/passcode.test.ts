// Share-link passcodes are stored as scrypt hashes with a random salt: the stored text never holds
// the passcode, two hashes of one passcode differ, and only the right passcode verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOtashipError } from '../../src/core/errors.js';
import { hashPasscode, PASSCODE_CHECKS, verifyPasscode } from '../../src/services/passcode.js';

test('a passcode hash verifies the right passcode only, and never contains it', async () => {
  const stored = await hashPasscode('open sesame');
  assert.match(stored, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.doesNotMatch(stored, /sesame/);
  assert.notEqual(await hashPasscode('open sesame'), stored, 'salted');
  assert.equal(await verifyPasscode('open sesame', stored), true);
  assert.equal(await verifyPasscode('open sesame ', stored), false);
  assert.equal(await verifyPasscode('Open sesame', stored), false);
});

test('a malformed stored hash verifies nothing (no crash)', async () => {
  for (const stored of ['', 'plain', 'scrypt$0$8$1$aa$bb', 'scrypt$16384$8$1$$', 'md5$1$1$1$aa$bb', 'scrypt$16384$8$1$aa$bb$cc', 'scrypt$1000$8$1$aa$bb', 'scrypt$1073741824$8$1$aa$bb']) {
    assert.equal(await verifyPasscode('x', stored), false, stored);
  }
});

test('checks sent all at once run a few at a time; past the waiting room they are refused (429), not queued on the thread pool', async () => {
  const stored = await hashPasscode('open sesame');
  const answers = await Promise.allSettled(Array.from({ length: PASSCODE_CHECKS.running + PASSCODE_CHECKS.waiting + 5 }, (_, i) => verifyPasscode(`guess ${i}`, stored)));
  const refused = answers.filter((a) => a.status === 'rejected' && isOtashipError(a.reason) && a.reason.code === 'TOO_MANY_REQUESTS' && a.reason.details?.retryAfterSeconds === 1);
  assert.equal(refused.length, 5);
  assert.ok(answers.every((a) => a.status === 'rejected' || a.value === false));
  assert.equal(await verifyPasscode('open sesame', stored), true, 'the room is free again');
});
