// Share-link passcode guesses against the throttle, on real SQLite: guesses sent all at once must
// not each get the slow scrypt check before any failure is counted (that let a guesser try as many
// passcodes as it could send in parallel, and queue that many 32 MiB hashes on the thread pool).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOtashipError } from '../../src/core/errors.js';
import { openRepositories } from '../../src/db/open.js';
import { AuthThrottle } from '../../src/services/auth-throttle.js';
import { ShareLinkService } from '../../src/services/share-links.js';
import { ShareLinkTokens } from '../../src/services/share-link-tokens.js';
import { hashPasscode, PASSCODE_CHECKS } from '../../src/services/passcode.js';
import { Signer } from '../../src/services/signing.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-share-guess-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('parallel wrong passcodes use only the allowance; the right one is then refused too, and a right one does not use it up', async () => {
  const repos = await openRepositories(`sqlite:${join(dir, 'guess.db')}`);
  try {
    const clock = () => new Date();
    const throttle = new AuthThrottle(clock, 3);
    const service = new ShareLinkService(repos, new ShareLinkTokens(new Signer('x'.repeat(32)), clock), clock, { publicUrl: 'https://ota.example.test', assetTtlSeconds: 3600 }, throttle);
    const app = await repos.apps.create({ platform: 'ios', bundleId: 'com.example.guess', name: 'Guess', isPublic: false });
    const link = await repos.shareLinks.create({
      appId: app.id,
      releaseId: null,
      name: 'Guess',
      createdAt: clock(),
      createdBy: 'test',
      expiresAt: null,
      installLimit: null,
      passcodeHash: await hashPasscode('open sesame'),
    });
    // Right passcodes from one address do not count against it (a tester reopening the page).
    // The app has no builds: the page itself is refused with NOT_FOUND, after the passcode passed.
    for (let i = 0; i < 5; i++) {
      await assert.rejects(service.unlock(link, 'open sesame', '192.0.2.7'), (err: unknown) => isOtashipError(err) && err.code === 'NOT_FOUND');
    }
    const guesses = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => service.unlock(link, `guess ${i}`, '192.0.2.8')));
    const wrong = guesses.filter((g) => g.status === 'fulfilled' && g.value === null).length;
    const throttled = guesses.filter((g) => g.status === 'rejected' && isOtashipError(g.reason) && g.reason.code === 'TOO_MANY_REQUESTS').length;
    assert.deepEqual({ wrong, throttled }, { wrong: 3, throttled: 7 });
    await assert.rejects(service.unlock(link, 'open sesame', '192.0.2.8'), (err: unknown) => isOtashipError(err) && err.code === 'TOO_MANY_REQUESTS');

    // Guesses refused unchecked because too many checks run at once (passcode.ts) are no failures.
    const busy = Array.from({ length: PASSCODE_CHECKS.running + PASSCODE_CHECKS.waiting }, (_, i) => service.unlock(link, 'x', `198.51.100.${i + 1}`));
    const unchecked = await Promise.allSettled([0, 1, 2].map(() => service.unlock(link, 'open sesame', '192.0.2.9')));
    await Promise.all(busy);
    assert.ok(unchecked.every((u) => u.status === 'rejected' && isOtashipError(u.reason) && u.reason.code === 'TOO_MANY_REQUESTS'));
    await assert.rejects(service.unlock(link, 'open sesame', '192.0.2.9'), (err: unknown) => isOtashipError(err) && err.code === 'NOT_FOUND', 'the allowance is whole');
  } finally {
    await repos.close();
  }
});
