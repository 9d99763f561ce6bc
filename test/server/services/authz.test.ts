// Every rule of src/services/authz.ts and every message it answers with: the admin-only actions,
// resumable uploads, app-limited tokens (hidden resources answer NOT_FOUND in the caller's words),
// and listings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OtashipError } from '../../../src/core/errors.js';
import { authorize, isAllowed, visibleAppIds, type Action } from '../../../src/services/authz.js';
import type { Principal } from '../../../src/services/principal.js';

const admin: Principal = { tokenId: 'adm', name: 'root', admin: true, appId: null, via: 'bearer' };
const all: Principal = { tokenId: 'ci', name: 'ci', admin: false, appId: null, via: 'bearer' };
const limited: Principal = { tokenId: 'one', name: 'one-app', admin: false, appId: 'app1', via: 'session' };

function refusal(fn: () => unknown): { code: string; message: string } | 'OK' {
  try {
    fn();
  } catch (err) {
    if (err instanceof OtashipError) return { code: err.code, message: err.message };
    throw err;
  }
  return 'OK';
}

describe('admin-only actions', () => {
  const cases: Array<[Action, string]> = [
    ['token:manage', 'token "ci" is not an admin token and cannot manage tokens'],
    ['device:manage', 'token "ci" is not an admin token and cannot see or change registered devices'],
    ['webhook:manage', 'token "ci" is not an admin token and cannot see or change webhooks'],
  ];
  for (const [action, message] of cases) {
    test(`${action}: admins only, for every other token whatever its app`, () => {
      assert.equal(refusal(() => authorize(admin, action)), 'OK');
      assert.deepEqual(refusal(() => authorize(all, action)), { code: 'FORBIDDEN', message });
      assert.equal(isAllowed(limited, action, { appId: 'app1' }), false);
      assert.equal(isAllowed(all, action, { appId: 'app1' }), false);
    });
  }
});

describe('resumable uploads', () => {
  test('anyone may start one; only its creator (or an admin) may use it', () => {
    assert.equal(isAllowed(limited, 'upload:create'), true);
    assert.equal(isAllowed(all, 'upload:create', { appId: 'elsewhere' }), true);
    assert.equal(isAllowed(limited, 'upload:use', { ownerTokenId: 'one' }), true);
    assert.equal(isAllowed(all, 'upload:use', { ownerTokenId: 'one' }), false);
    assert.equal(isAllowed(limited, 'upload:use', { ownerTokenId: 'ci', appId: 'app1' }), false);
    assert.equal(isAllowed(admin, 'upload:use', { ownerTokenId: 'ci' }), true);
    assert.deepEqual(refusal(() => authorize(all, 'upload:use', { ownerTokenId: 'one' })), {
      code: 'FORBIDDEN',
      message: 'token "ci" did not start this upload and may not use it',
    });
    assert.equal(refusal(() => authorize(limited, 'upload:use', { ownerTokenId: 'one' })), 'OK');
  });
});

describe('app-limited tokens', () => {
  test('its own app: allowed; another app: hidden as NOT_FOUND in the caller\'s words when named', () => {
    for (const action of ['app:read', 'app:update', 'app:delete', 'release:read', 'release:update', 'release:delete'] as const) {
      assert.equal(refusal(() => authorize(limited, action, { appId: 'app1', ref: 'release r1' })), 'OK', action);
      assert.deepEqual(refusal(() => authorize(limited, action, { appId: 'app2', ref: 'release r2' })), {
        code: 'NOT_FOUND',
        message: 'release r2 does not exist',
      }, action);
    }
  });

  test('without a ref, or for publishing, the refusal is FORBIDDEN naming the verb and the target', () => {
    const cases: Array<[Action, { appId?: string | null; label?: string }, string]> = [
      ['release:publish', { appId: 'app2', label: 'ios app com.b' }, 'token "one-app" is limited to one app and may not publish builds of ios app com.b'],
      ['release:publish', { appId: null }, 'token "one-app" is limited to one app and may not publish builds of a new app'],
      ['app:read', { appId: 'app2' }, 'token "one-app" is limited to one app and may not read app app2'],
      ['release:read', { appId: 'app2' }, 'token "one-app" is limited to one app and may not read app app2'],
      ['app:update', { appId: 'app2' }, 'token "one-app" is limited to one app and may not change app app2'],
      ['release:update', { appId: 'app2' }, 'token "one-app" is limited to one app and may not change app app2'],
      ['app:delete', { appId: 'app2' }, 'token "one-app" is limited to one app and may not delete app app2'],
      ['release:delete', { appId: 'app2' }, 'token "one-app" is limited to one app and may not delete app app2'],
      ['app:list', { appId: 'app2' }, 'OK'],
    ];
    for (const [action, resource, message] of cases) {
      const got = refusal(() => authorize(limited, action, resource));
      assert.deepEqual(got, message === 'OK' ? 'OK' : { code: 'FORBIDDEN', message }, `${action} ${JSON.stringify(resource)}`);
    }
    // Publishing is never hidden: a publish names what it may not touch even with a ref.
    assert.equal((refusal(() => authorize(limited, 'release:publish', { appId: 'app2', ref: 'app app2' })) as { code: string }).code, 'FORBIDDEN');
  });

  test('a resource with no app id is not its app', () => {
    assert.equal(isAllowed(limited, 'app:read', {}), false);
    assert.equal(isAllowed(limited, 'release:publish', { appId: null }), false);
    assert.equal(isAllowed(all, 'app:read', {}), true);
  });

  test('listings: an app-limited token sees its app; others see all', () => {
    assert.equal(isAllowed(limited, 'app:list'), true);
    assert.deepEqual(visibleAppIds(limited), ['app1']);
    assert.equal(visibleAppIds(all), 'all');
    assert.equal(visibleAppIds(admin), 'all');
    // An admin limited to an app (not creatable, but the rule is explicit) still sees everything.
    assert.equal(visibleAppIds({ ...admin, appId: 'app1' }), 'all');
  });
});
