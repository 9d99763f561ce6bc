// Admin sessions (src/services/sessions.ts) against a real SQLite database file: a session lasts its
// TTL in seconds, its cookie carries a random session id (never the token or its secret), the
// database keeps only a hash of that id, signing out ends the session for every instance on the
// same database, revoking the token ends its sessions, and a forged, expired or other-scope value
// is UNAUTHENTICATED.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepositories } from '../../../src/db/index.js';
import type { Repositories } from '../../../src/ports/repositories.js';
import { ApiTokenService, BOOTSTRAP_TOKEN_ID, sha256 } from '../../../src/services/api-tokens.js';
import type { Principal } from '../../../src/services/principal.js';
import { SESSION_COOKIE, SessionService } from '../../../src/services/sessions.js';
import { Signer } from '../../../src/services/signing.js';
import { rejection } from '../../helpers/otaship-errors.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
let now = T0;
const clock = () => new Date(now);
const BOOTSTRAP = 'bootstrap-admin-secret-abcdef';
const TTL = 7200;
const admin: Principal = { tokenId: BOOTSTRAP_TOKEN_ID, name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };
const signer = new Signer('z'.repeat(40));

let dir: string;
let repos: Repositories;
/** A second connection to the same database file, as a second instance behind a load balancer has. */
let otherRepos: Repositories;
let tokens: ApiTokenService;
let sessions: SessionService;
let otherInstance: SessionService;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-sessions-'));
  const url = `sqlite:${join(dir, 'db.sqlite')}`;
  repos = await openRepositories(url);
  otherRepos = await openRepositories(url);
  tokens = new ApiTokenService(repos, clock, sha256(BOOTSTRAP));
  sessions = new SessionService(signer, tokens, repos, clock, TTL, true);
  otherInstance = new SessionService(signer, new ApiTokenService(otherRepos, clock, sha256(BOOTSTRAP)), otherRepos, clock, TTL, true);
});
after(async () => {
  await otherRepos?.close();
  await repos?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const NOT_VALID = { code: 'UNAUTHENTICATED', message: 'the admin session is not valid, has ended or has expired: sign in again' };
/** The session id a cookie value carries (the signed payload's subject). */
const idOf = (value: string): string => signer.verify(value, now).sub;
/** What the database keys a session by: a hash of its id, never the id itself. */
const hashOf = (id: string): string => createHash('sha256').update(`otaship session ${id}`).digest('hex');

describe('SessionService', () => {
  test('sign-in: a session of TTL seconds whose cookie names a random session id, not the token or its secret', async () => {
    now = T0 + 400; // sub-second part rounds down
    const t = await tokens.create(admin, { name: 'editor' });
    const s = await sessions.signIn(t.token);
    assert.equal(s.expiresAt.getTime(), Math.floor((T0 + 400) / 1000) * 1000 + TTL * 1000);
    assert.deepEqual(s.principal, { tokenId: t.record.id, name: 'editor', admin: false, appId: null, via: 'session' });
    const payload = signer.verify(s.value, now);
    assert.deepEqual(payload, { sub: payload.sub, scope: 'session', exp: s.expiresAt.getTime() / 1000 });
    // The secret is base64url and may itself hold '_': take all of it after `ota_<id>_`.
    const secret = t.token.slice(`ota_${t.record.id}_`.length);
    assert.equal(secret.length, 43);
    assert.ok(!s.value.includes(secret));
    assert.notEqual(payload.sub, t.record.id);
    assert.notEqual(payload.sub, t.token);
    // 18 random bytes, base64url: a fresh id per sign-in.
    assert.match(payload.sub, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(idOf((await sessions.signIn(t.token)).value), payload.sub);
    assert.deepEqual(await sessions.resolve(s.value), s.principal);
    now = T0;
  });

  test('the database holds the hash of the session id and the token it names, expiring with the cookie', async () => {
    now = T0 + 1000;
    const t = await tokens.create(admin, { name: 'stored' });
    const s = await sessions.signIn(t.token);
    const id = idOf(s.value);
    assert.equal(await repos.sessions.getLive(id, clock()), null);
    assert.deepEqual(await repos.sessions.getLive(hashOf(id), clock()), {
      idHash: hashOf(id),
      subject: t.record.id,
      createdAt: new Date(T0 + 1000),
      expiresAt: s.expiresAt,
    });
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

  test('a sign-in forgets the sessions that have expired', async () => {
    now = T0;
    const old = await sessions.signIn(BOOTSTRAP);
    now = old.expiresAt.getTime();
    await sessions.signIn(BOOTSTRAP);
    // Asked as of before its expiry, the old session's row is gone, not merely expired.
    assert.equal(await repos.sessions.getLive(hashOf(signer.verify(old.value, T0).sub), new Date(T0)), null);
    now = T0;
  });

  test('a failing sweep of expired sessions does not fail the sign-in', async () => {
    now = T0;
    const failingSweep: Pick<Repositories, 'sessions'> = {
      sessions: {
        create: (s) => repos.sessions.create(s),
        getLive: (h, at) => repos.sessions.getLive(h, at),
        delete: (h) => repos.sessions.delete(h),
        deleteExpired: () => Promise.reject(new Error('database is locked')),
      },
    };
    const s = await new SessionService(signer, tokens, failingSweep, clock, TTL, true).signIn(BOOTSTRAP);
    assert.equal((await sessions.resolve(s.value)).admin, true);
  });

  test('sign-out ends the session for another SessionService over the same database', async () => {
    now = T0;
    const t = await tokens.create(admin, { name: 'two instances' });
    const s = await sessions.signIn(t.token);
    const kept = await sessions.signIn(t.token);
    assert.equal((await otherInstance.resolve(s.value)).tokenId, t.record.id);
    await sessions.signOut(s.value);
    assert.deepEqual(await rejection(otherInstance.resolve(s.value)), NOT_VALID);
    assert.deepEqual(await rejection(sessions.resolve(s.value)), NOT_VALID);
    // Only that session: another sign-in with the same token goes on working.
    assert.equal((await otherInstance.resolve(kept.value)).tokenId, t.record.id);
  });

  test('a forged or other-scope value is refused, and ends nothing, without reading the database', async () => {
    now = T0;
    const s = await sessions.signIn(BOOTSTRAP);
    const id = idOf(s.value);
    let reads = 0;
    const counting: Pick<Repositories, 'sessions'> = {
      sessions: {
        create: (r) => repos.sessions.create(r),
        getLive: (h, at) => (reads++, repos.sessions.getLive(h, at)),
        delete: (h) => (reads++, repos.sessions.delete(h)),
        deleteExpired: (at) => repos.sessions.deleteExpired(at),
      },
    };
    const guarded = new SessionService(signer, tokens, counting, clock, TTL, true);
    for (const value of [`${s.value}x`, '', signer.sign({ sub: id, scope: 'app', exp: T0 / 1000 + 60 })]) {
      assert.deepEqual(await rejection(guarded.resolve(value)), NOT_VALID);
      await guarded.signOut(value);
    }
    assert.equal(reads, 0);
    assert.equal((await guarded.resolve(s.value)).admin, true);
    assert.equal(reads, 1);
  });

  test('sign-out with a forged, foreign or other-scope value ends nothing', async () => {
    now = T0;
    const s = await sessions.signIn(BOOTSTRAP);
    const id = idOf(s.value);
    await sessions.signOut(`${s.value}x`);
    await sessions.signOut('');
    await sessions.signOut(new Signer('q'.repeat(40)).sign({ sub: id, scope: 'session', exp: T0 / 1000 + 60 }));
    await sessions.signOut(signer.sign({ sub: id, scope: 'app', exp: T0 / 1000 + 60 }));
    assert.equal((await otherInstance.resolve(s.value)).admin, true);
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
    const id = idOf(s.value);
    assert.deepEqual(await rejection(sessions.resolve(`${s.value}x`)), NOT_VALID);
    assert.deepEqual(await rejection(sessions.resolve('')), NOT_VALID);
    const foreign = new SessionService(new Signer('q'.repeat(40)), tokens, repos, clock, TTL, false);
    assert.deepEqual(await rejection(foreign.resolve(s.value)), NOT_VALID);
    // Another key signing the very same session id is still refused.
    assert.deepEqual(await rejection(sessions.resolve(new Signer('q'.repeat(40)).sign({ sub: id, scope: 'session', exp: T0 / 1000 + 60 }))), NOT_VALID);
    // An install-link token for the same session id is signed with the same key but is not a session.
    const link = signer.sign({ sub: id, scope: 'app', exp: T0 / 1000 + 60 });
    assert.deepEqual(await rejection(sessions.resolve(link)), NOT_VALID);
    // A well-signed session value for an id the database never stored is not a session either.
    assert.deepEqual(await rejection(sessions.resolve(signer.sign({ sub: 'never-stored', scope: 'session', exp: T0 / 1000 + 60 }))), NOT_VALID);
  });

  test('cookie options: HttpOnly, SameSite=Lax, path /, Secure as configured, expiring with the session', () => {
    const at = new Date(T0 + TTL * 1000);
    assert.deepEqual(sessions.cookieOptions(at), { httpOnly: true, sameSite: 'lax', secure: true, path: '/', expires: at });
    assert.equal(new SessionService(signer, tokens, repos, clock, TTL, false).cookieOptions(at).secure, false);
    assert.equal(sessions.ttlSeconds, TTL);
    assert.equal(SESSION_COOKIE, 'otaship_session');
  });
});
