// Admin sessions (src/services/sessions.ts) against a real SQLite database: a session lasts its TTL
// in seconds, names its token (never the secret), ends when the token is revoked, and a forged,
// expired or other-scope value is UNAUTHENTICATED.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OtashipError } from '../../../src/core/errors.js';
import { openRepositories } from '../../../src/db/index.js';
import type { Repositories } from '../../../src/ports/repositories.js';
import { ApiTokenService, BOOTSTRAP_TOKEN_ID, sha256 } from '../../../src/services/api-tokens.js';
import type { Principal } from '../../../src/services/principal.js';
import { SESSION_COOKIE, SessionService } from '../../../src/services/sessions.js';
import { Signer } from '../../../src/services/signing.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
let now = T0;
const clock = () => new Date(now);
const BOOTSTRAP = 'bootstrap-admin-secret-abcdef';
const TTL = 7200;
const admin: Principal = { tokenId: BOOTSTRAP_TOKEN_ID, name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };
const signer = new Signer('z'.repeat(40));

let repos: Repositories;
let tokens: ApiTokenService;
let sessions: SessionService;

before(async () => {
  repos = await openRepositories(':memory:');
  tokens = new ApiTokenService(repos, clock, sha256(BOOTSTRAP));
  sessions = new SessionService(signer, tokens, repos, clock, TTL, true);
});
after(async () => {
  await repos?.close();
});

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OtashipError) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: 'OK', message: '' };
}

const NOT_VALID = { code: 'UNAUTHENTICATED', message: 'the admin session is not valid or has expired: sign in again' };

describe('SessionService', () => {
  test('sign-in: a session of TTL seconds naming the token, not its secret; resolves to the principal via session', async () => {
    now = T0 + 400; // sub-second part rounds down
    const t = await tokens.create(admin, { name: 'editor' });
    const s = await sessions.signIn(t.token);
    assert.equal(s.expiresAt.getTime(), Math.floor((T0 + 400) / 1000) * 1000 + TTL * 1000);
    assert.deepEqual(s.principal, { tokenId: t.record.id, name: 'editor', admin: false, appId: null, via: 'session' });
    assert.ok(!s.value.includes(t.token.split('_')[2]!));
    assert.deepEqual(signer.verify(s.value, now), { sub: t.record.id, scope: 'session', exp: s.expiresAt.getTime() / 1000 });
    assert.deepEqual(await sessions.resolve(s.value), s.principal);
    now = T0;
  });

  test('the session ends at its expiry: valid a millisecond before, refused at the instant', async () => {
    now = T0;
    const s = await sessions.signIn(BOOTSTRAP);
    now = s.expiresAt.getTime() - 1;
    assert.equal((await sessions.resolve(s.value)).admin, true);
    now = s.expiresAt.getTime();
    assert.deepEqual(await rejection(sessions.resolve(s.value)), NOT_VALID);
    now = T0;
  });

  test('a revoked token ends its sessions; a wrong token cannot sign in', async () => {
    now = T0;
    const t = await tokens.create(admin, { name: 'leaver' });
    const s = await sessions.signIn(t.token);
    await tokens.revoke(admin, t.record.id);
    assert.deepEqual(await rejection(sessions.resolve(s.value)), { code: 'UNAUTHENTICATED', message: 'the API token "leaver" was revoked' });
    assert.equal((await rejection(sessions.signIn(t.token))).code, 'UNAUTHENTICATED');
    assert.equal((await rejection(sessions.signIn('nonsense'))).code, 'UNAUTHENTICATED');
  });

  test('forged values, other keys and other scopes are not sessions', async () => {
    now = T0;
    const s = await sessions.signIn(BOOTSTRAP);
    assert.deepEqual(await rejection(sessions.resolve(`${s.value}x`)), NOT_VALID);
    assert.deepEqual(await rejection(sessions.resolve('')), NOT_VALID);
    const foreign = new SessionService(new Signer('q'.repeat(40)), tokens, clock, TTL, false);
    assert.deepEqual(await rejection(foreign.resolve(s.value)), NOT_VALID);
    // An install-link token for the same subject is signed with the same key but is not a session.
    const link = signer.sign({ sub: tokens.sessionSubject(admin), scope: 'app', exp: T0 / 1000 + 60 });
    assert.deepEqual(await rejection(sessions.resolve(link)), NOT_VALID);
  });

  test('cookie options: HttpOnly, SameSite=Lax, path /, Secure as configured, expiring with the session', () => {
    const at = new Date(T0 + TTL * 1000);
    assert.deepEqual(sessions.cookieOptions(at), { httpOnly: true, sameSite: 'lax', secure: true, path: '/', expires: at });
    assert.equal(new SessionService(signer, tokens, repos, clock, TTL, false).cookieOptions(at).secure, false);
    assert.equal(sessions.ttlSeconds, TTL);
    assert.equal(SESSION_COOKIE, 'otaship_session');
  });
});
