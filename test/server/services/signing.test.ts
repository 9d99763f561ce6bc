// Signed tokens (src/services/signing.ts): a MAC of the wrong length is a forgery (403), never a
// crash (500); expiry is in seconds since the epoch, judged against a clock in milliseconds; only
// the canonical spelling of a token is accepted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { OtashipError } from '../../../src/core/errors.js';
import { Signer, type SignedPayload } from '../../../src/services/signing.js';

const SECRET = 'k'.repeat(40);
const signer = new Signer(SECRET);
const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const EXP = NOW / 1000 + 3600;

function refusal(fn: () => unknown): OtashipError | 'OK' {
  try {
    fn();
  } catch (err) {
    // Anything but an OtashipError (a RangeError from timingSafeEqual, say) is a 500: fail loudly.
    if (err instanceof OtashipError) return err;
    throw err;
  }
  return 'OK';
}

function invalid(token: string): void {
  const r = refusal(() => signer.verify(token, NOW));
  assert.ok(r instanceof OtashipError, `refused: ${token.slice(0, 60)}`);
  assert.equal(r.code, 'TOKEN_INVALID');
  assert.equal(r.status, 403);
  assert.equal(r.message, 'the access token in this link is not valid');
}

describe('Signer.verify', () => {
  const token = signer.sign({ sub: 'rel', scope: 'release', exp: EXP });
  const [body, mac] = token.split('.') as [string, string];

  test('a truncated or lengthened MAC is TOKEN_INVALID (403), not an exception', () => {
    for (let keep = 0; keep < mac.length; keep += 5) invalid(`${body}.${mac.slice(0, keep)}`);
    invalid(`${body}.${mac.slice(0, -1)}`);
    invalid(`${body}.${mac}AAAA`);
    invalid(`${body}.${Buffer.alloc(64).toString('base64url')}`);
  });

  test('the token is checked in one shape: one dot, a body, bounded length', () => {
    invalid(`.${mac}`);
    invalid(`${body}.${mac}.`);
    invalid(`${body}`);
    invalid(`${token}${'A'.repeat(1025 - token.length)}`);
    // 1024 characters exactly is still read (and refused only for its bad MAC).
    invalid(`${body}.${'A'.repeat(1024 - body.length - 1)}`);
  });

  test('an authentic token longer than 1024 characters is refused unread; 1024 is still read', () => {
    const sized = (length: number) => {
      // base64url of the JSON grows 4 characters per 3 bytes of sub: find the sub that hits the length.
      for (let n = 0; n < 2000; n++) {
        const t = signer.sign({ sub: 's'.repeat(n), scope: 'app', exp: EXP });
        if (t.length === length) return t;
      }
      throw new Error(`no token of length ${length}`);
    };
    assert.equal(signer.verify(sized(1024), NOW).scope, 'app');
    invalid(sized(1028));
  });

  test('a token with a valid MAC over a non-canonical body or a bad payload is refused', () => {
    const mint = (text: string) => {
      const b = Buffer.from(text).toString('base64url');
      const key = createHmac('sha256', SECRET).update('otaship signed tokens v1').digest();
      return `${b}.${createHmac('sha256', key).update(b).digest('base64url')}`;
    };
    // A correctly MACed token of our own making verifies: the helper above is the real scheme.
    assert.deepEqual(signer.verify(mint(JSON.stringify({ sub: 's', scope: 'app', exp: EXP })), NOW), { sub: 's', scope: 'app', exp: EXP });
    for (const payload of [
      'not json',
      'null',
      '"text"',
      JSON.stringify({ scope: 'app', exp: EXP }),
      JSON.stringify({ sub: 1, scope: 'app', exp: EXP }),
      JSON.stringify({ sub: 's', exp: EXP }),
      JSON.stringify({ sub: 's', scope: 7, exp: EXP }),
      JSON.stringify({ sub: 's', scope: 'admin', exp: EXP }),
      JSON.stringify({ sub: 's', scope: 'app' }),
      JSON.stringify({ sub: 's', scope: 'app', exp: String(EXP) }),
      JSON.stringify({ sub: 's', scope: 'app', exp: null }),
      '{"sub":"s","scope":"app","exp":1e999}',
    ]) {
      invalid(mint(payload));
    }
    for (const scope of ['release', 'app', 'session', 'udid-nonce', 'udid-done', 'app-release', 'asset', 'app-asset'] as const) {
      assert.equal(signer.verify(mint(JSON.stringify({ sub: 's', scope, exp: EXP })), NOW).scope, scope);
    }
    // A body with a stray character that base64url decoding would skip: same bytes, other spelling.
    const key = createHmac('sha256', SECRET).update('otaship signed tokens v1').digest();
    const stray = `${body}=`;
    invalid(`${stray}.${createHmac('sha256', key).update(stray).digest('base64url')}`);
  });

  test('expiry: exp is seconds; valid until the millisecond before exp × 1000, expired from then on', () => {
    assert.deepEqual(signer.verify(token, EXP * 1000 - 1), { sub: 'rel', scope: 'release', exp: EXP });
    const expired = refusal(() => signer.verify(token, EXP * 1000));
    assert.ok(expired instanceof OtashipError);
    assert.equal(expired.code, 'TOKEN_EXPIRED');
    assert.equal(expired.message, `the link expired on ${new Date(EXP * 1000).toISOString()}`);
    // A clock in milliseconds is far beyond exp in seconds: the comparison must scale exp, not now.
    assert.equal(signer.verify(token, NOW).sub, 'rel');
  });

  test('sign writes exactly sub, scope and exp, in that order', () => {
    const extra = { sub: 'x', scope: 'app', exp: EXP, admin: true } as SignedPayload;
    const [b] = signer.sign(extra).split('.') as [string];
    assert.equal(Buffer.from(b, 'base64url').toString(), JSON.stringify({ sub: 'x', scope: 'app', exp: EXP }));
  });

  test('the MAC key is derived from the secret: another secret, another MAC', () => {
    const other = new Signer('other'.repeat(8));
    assert.notEqual(other.sign({ sub: 'rel', scope: 'release', exp: EXP }), token);
    const r = refusal(() => other.verify(token, NOW));
    assert.ok(r instanceof OtashipError && r.code === 'TOKEN_INVALID');
  });
});
