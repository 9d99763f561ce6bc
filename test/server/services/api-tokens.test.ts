// API tokens (src/services/api-tokens.ts) against a real SQLite database: who may create, list and
// revoke tokens, how long they live (days, in milliseconds), and what authenticating says for each
// kind of bad token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openRepositories } from '../../../src/db/index.js';
import type { Repositories } from '../../../src/ports/repositories.js';
import { ApiTokenService, BOOTSTRAP_TOKEN_ID, sha256, tokenView } from '../../../src/services/api-tokens.js';
import type { Principal } from '../../../src/services/principal.js';
import { rejection } from '../../helpers/otaship-errors.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
let now = T0;
const clock = () => new Date(now);
const BOOTSTRAP = 'bootstrap-admin-secret-123456';
const admin: Principal = { tokenId: BOOTSTRAP_TOKEN_ID, name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };

let repos: Repositories;
let service: ApiTokenService;
let appId: string;

before(async () => {
  repos = await openRepositories(':memory:');
  service = new ApiTokenService(repos, clock, sha256(BOOTSTRAP));
  const app = await repos.apps.create({ platform: 'ios', bundleId: 'com.example.tokens', name: 'Tokens', isPublic: false });
  appId = app.id;
});
after(async () => {
  await repos?.close();
});

describe('revocation is for admins only', () => {
  test('a non-admin token cannot revoke any token, its own included; the token keeps working', async () => {
    now = T0;
    const victim = await service.create(admin, { name: 'victim' });
    const ci = await service.create(admin, { name: 'ci' });
    const ciPrincipal = await service.authenticate(ci.token);
    assert.deepEqual(await rejection(service.revoke(ciPrincipal, victim.record.id)), {
      code: 'FORBIDDEN',
      message: 'token "ci" is not an admin token and cannot manage tokens',
    });
    assert.equal((await rejection(service.revoke(ciPrincipal, ci.record.id))).code, 'FORBIDDEN');
    assert.equal((await service.authenticate(victim.token)).tokenId, victim.record.id);
    assert.equal((await repos.tokens.get(victim.record.id))?.revokedAt, null);
  });

  test('an admin revokes: the token stops at once, saying so; an unknown id is NOT_FOUND', async () => {
    now = T0;
    const t = await service.create(admin, { name: 'old ci' });
    now = T0 + 1000;
    await service.revoke(admin, t.record.id);
    now = T0;
    const listed = (await service.list(admin)).find((v) => v.id === t.record.id);
    assert.equal(listed?.revokedAt, new Date(T0 + 1000).toISOString());
    assert.equal((await service.list(admin)).find((v) => v.name === 'victim')?.revokedAt, null);
    assert.deepEqual(await rejection(service.authenticate(t.token)), {
      code: 'UNAUTHENTICATED',
      message: 'the API token "old ci" was revoked',
    });
    assert.deepEqual(await rejection(service.revoke(admin, '0'.repeat(26))), { code: 'NOT_FOUND', message: `token ${'0'.repeat(26)} does not exist` });
    assert.deepEqual(await rejection(service.revoke(admin, `x${'y'.repeat(100)}`)), { code: 'NOT_FOUND', message: `token x${'y'.repeat(63)} does not exist` });
  });

  test('creating and listing are admin-only too', async () => {
    const ci = await service.authenticate((await service.create(admin, { name: 'lister' })).token);
    assert.equal((await rejection(service.list(ci))).code, 'FORBIDDEN');
    assert.equal((await rejection(service.create(ci, { name: 'x' }))).code, 'FORBIDDEN');
    assert.ok((await service.list(admin)).some((t) => t.name === 'lister'));
  });
});

describe('expiry is counted in days of milliseconds', () => {
  test('expiresInDays 2 → expiresAt exactly 2 × 86 400 000 ms after creation; usable until then', async () => {
    now = T0;
    const t = await service.create(admin, { name: 'two days', expiresInDays: 2 });
    assert.equal(t.record.expiresAt, new Date(T0 + 2 * 86_400_000).toISOString());
    now = T0 + 2 * 86_400_000 - 1;
    assert.equal((await service.authenticate(t.token)).name, 'two days');
    now = T0 + 2 * 86_400_000;
    assert.deepEqual(await rejection(service.authenticate(t.token)), {
      code: 'UNAUTHENTICATED',
      message: `the API token "two days" expired on ${new Date(T0 + 2 * 86_400_000).toISOString()}`,
    });
    now = T0;
  });

  test('no expiry: expiresAt null; out-of-range and fractional days are refused', async () => {
    now = T0;
    assert.equal((await service.create(admin, { name: 'forever' })).record.expiresAt, null);
    assert.equal((await service.create(admin, { name: 'also forever', expiresInDays: null })).record.expiresAt, null);
    assert.ok((await service.create(admin, { name: 'century', expiresInDays: 36500 })).record.expiresAt);
    // The shortest expiry is one day.
    assert.equal((await service.create(admin, { name: 'one day', expiresInDays: 1 })).record.expiresAt, new Date(T0 + 86_400_000).toISOString());
    for (const days of [0, -1, 36501, 1.5, 0.0001, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.deepEqual(await rejection(service.create(admin, { name: 'bad', expiresInDays: days })), {
        code: 'VALIDATION',
        message: 'expiresInDays must be a whole number of days from 1 to 36500 (or null: never)',
      }, String(days));
    }
  });
});

describe('creating tokens', () => {
  test('names are trimmed and 1-100 characters; app ids must exist; admins cannot be app-limited', async () => {
    now = T0;
    assert.equal((await service.create(admin, { name: '  spaced  ' })).record.name, 'spaced');
    assert.equal((await service.create(admin, { name: 'n'.repeat(100) })).record.name.length, 100);
    for (const name of ['', '   ', 'n'.repeat(101), 42 as unknown as string]) {
      assert.deepEqual(await rejection(service.create(admin, { name })), { code: 'VALIDATION', message: 'name must be 1-100 characters' });
    }
    const limited = await service.create(admin, { name: 'one app', appId });
    assert.equal(limited.record.appId, appId);
    assert.equal(limited.record.admin, false);
    assert.deepEqual(await rejection(service.create(admin, { name: 'x', appId: '0'.repeat(26) })), { code: 'NOT_FOUND', message: `app ${'0'.repeat(26)} does not exist` });
    assert.equal((await rejection(service.create(admin, { name: 'x', appId: 'not an id' }))).code, 'NOT_FOUND');
    assert.deepEqual(await rejection(service.create(admin, { name: 'x', appId: 7 as unknown as string })), { code: 'VALIDATION', message: 'appId must be an app id or null' });
    assert.deepEqual(await rejection(service.create(admin, { name: 'x', appId, admin: true })), {
      code: 'VALIDATION',
      message: 'an admin token cannot be limited to one app',
    });
    const second = await service.create(admin, { name: 'second admin', admin: true });
    assert.equal(second.record.admin, true);
    assert.equal((await service.create(admin, { name: 'truthy', admin: 'yes' as unknown as boolean })).record.admin, false);
  });

  test('the token is ota_<id>_<secret>; only the secret\'s hash is stored', async () => {
    const t = await service.create(admin, { name: 'shape' });
    const m = /^ota_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/.exec(t.token);
    assert.ok(m, t.token);
    assert.equal(m[1], t.record.id);
    const stored = await repos.tokens.get(t.record.id);
    assert.equal(stored?.secretHash, sha256(m[2]!));
    assert.ok(!JSON.stringify(t.record).includes(m[2]!));
  });
});

describe('authenticate', () => {
  test('the bootstrap admin token, with surrounding whitespace', async () => {
    assert.deepEqual(await service.authenticate(` ${BOOTSTRAP}\n`), { ...admin });
  });

  test('what each bad token is told', async () => {
    now = T0;
    const t = await service.create(admin, { name: 'good', appId });
    const [, id, secret] = /^ota_([^_]+)_(.+)$/.exec(t.token)!;
    assert.deepEqual(await service.authenticate(t.token), { tokenId: id, name: 'good', admin: false, appId, via: 'bearer' });
    assert.deepEqual(await rejection(service.authenticate('not a token')), {
      code: 'UNAUTHENTICATED',
      message: 'the API token is not an otaship token (ota_<id>_<secret>)',
    });
    const unknown = { code: 'UNAUTHENTICATED', message: 'the API token is not known to this server' };
    assert.deepEqual(await rejection(service.authenticate(`ota_${'0'.repeat(26)}_${secret}`)), unknown);
    assert.deepEqual(await rejection(service.authenticate(`ota_${id}_${'A'.repeat(43)}`)), unknown);
    assert.equal((await rejection(service.authenticate(`x${t.token}`))).code, 'UNAUTHENTICATED');
    assert.deepEqual(await rejection(service.authenticate(`${t.token}!`)), {
      code: 'UNAUTHENTICATED',
      message: 'the API token is not an otaship token (ota_<id>_<secret>)',
    });
    assert.equal((await rejection(service.authenticate(`ota_${id}_short`))).code, 'UNAUTHENTICATED');
  });

  test('a malformed configured admin hash matches nothing (and never throws)', async () => {
    const odd = new ApiTokenService(repos, clock, 'abcd');
    assert.equal((await rejection(odd.authenticate('abcd'))).code, 'UNAUTHENTICATED');
    assert.equal((await rejection(odd.authenticate(BOOTSTRAP))).code, 'UNAUTHENTICATED');
  });

  test('without a bootstrap token configured, nothing is the bootstrap admin', async () => {
    const bare = new ApiTokenService(repos, clock, null);
    assert.equal((await rejection(bare.authenticate(BOOTSTRAP))).code, 'UNAUTHENTICATED');
    assert.equal((await rejection(bare.authenticate(''))).code, 'UNAUTHENTICATED');
    assert.equal(bare.sessionSubject(admin), BOOTSTRAP_TOKEN_ID);
    assert.deepEqual(await rejection(bare.principalForId(BOOTSTRAP_TOKEN_ID, 'session')), {
      code: 'UNAUTHENTICATED',
      message: 'the bootstrap admin token is no longer configured',
    });
  });

  test('a successful authentication records its use (lastUsedAt)', async () => {
    now = T0 + 5000;
    const t = await service.create(admin, { name: 'touched' });
    assert.equal(t.record.lastUsedAt, null);
    await service.authenticate(t.token);
    // touch() is fire-and-forget; a read on the same connection is ordered after it.
    const view = tokenView((await repos.tokens.get(t.record.id))!);
    assert.equal(view.lastUsedAt, new Date(T0 + 5000).toISOString());
    now = T0;
  });
});

describe('sessions name their token', () => {
  test('session subjects: the token id, or for the bootstrap admin which admin token it was', async () => {
    const t = await service.create(admin, { name: 'sess' });
    const p = await service.authenticate(t.token);
    assert.equal(service.sessionSubject(p), t.record.id);
    const subject = service.sessionSubject(admin);
    assert.match(subject, /^bootstrap\.[0-9a-f]{32}$/);
    assert.equal(subject, `bootstrap.${sha256(`otaship session ${sha256(BOOTSTRAP)}`).slice(0, 32)}`);
    assert.deepEqual(await service.principalForId(subject, 'session'), { ...admin, via: 'session' });
    assert.deepEqual(await service.principalForId(t.record.id, 'session'), { ...p, via: 'session' });
  });

  test('a session of a replaced admin token, a deleted or revoked token is refused with the reason', async () => {
    const other = new ApiTokenService(repos, clock, sha256('another-admin-token-value'));
    assert.deepEqual(await rejection(other.principalForId(service.sessionSubject(admin), 'session')), {
      code: 'UNAUTHENTICATED',
      message: 'the admin token (OTASHIP_ADMIN_TOKEN) has changed since this session began: sign in again',
    });
    assert.equal((await rejection(other.principalForId(BOOTSTRAP_TOKEN_ID, 'session'))).code, 'UNAUTHENTICATED');
    const gone = { code: 'UNAUTHENTICATED', message: 'the token behind this session no longer exists' };
    assert.deepEqual(await rejection(service.principalForId('0'.repeat(26), 'session')), gone);
    assert.deepEqual(await rejection(service.principalForId('not-an-id', 'session')), gone);
    const t = await service.create(admin, { name: 'revoked sess' });
    await service.revoke(admin, t.record.id);
    assert.equal((await rejection(service.principalForId(t.record.id, 'session'))).message, 'the API token "revoked sess" was revoked');
  });
});
