// The people rules of src/services/authz.ts: each role's actions on its app, instance admins,
// invisibility (404) of apps a person has no role on, and 403 for a role too weak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OtashipError } from '../../../src/core/errors.js';
import { authorize, isAllowed, roleOn, visibleAppIds, type Action } from '../../../src/services/authz.js';
import type { AppRole } from '../../../src/ports/people.js';
import type { Principal } from '../../../src/services/principal.js';

function person(roles: Record<string, AppRole>, admin = false): Principal {
  return { tokenId: 'person.p1', name: 'Pat', admin, appId: null, via: 'session', person: { id: 'p1', email: 'pat@example.com', roles: new Map(Object.entries(roles)) } };
}

function outcome(p: Principal, action: Action, appId: string | null): string {
  try {
    authorize(p, action, { appId, ref: `app ${appId}`, label: `app ${appId}` });
    return 'allowed';
  } catch (err) {
    if (err instanceof OtashipError) return err.code;
    throw err;
  }
}

const APP_ACTIONS: Action[] = ['app:read', 'release:read', 'release:publish', 'release:update', 'release:visibility', 'app:update', 'app:delete', 'release:delete', 'access:manage'];
const ALLOWED: Record<AppRole, Action[]> = {
  tester: ['app:read', 'release:read'],
  developer: ['app:read', 'release:read', 'release:publish', 'release:update'],
  manager: APP_ACTIONS,
};

test('each role may do exactly its actions on its app; a weaker role is 403, another app is 404', () => {
  for (const role of ['tester', 'developer', 'manager'] as const) {
    const p = person({ a1: role });
    for (const action of APP_ACTIONS) {
      const want = ALLOWED[role].includes(action) ? 'allowed' : 'FORBIDDEN';
      assert.equal(outcome(p, action, 'a1'), want, `${role} ${action}`);
      // release:publish names no ref in practice; with one, an invisible app is still hidden.
      assert.equal(outcome(p, action, 'a2'), action === 'release:publish' ? 'FORBIDDEN' : 'NOT_FOUND', `${role} ${action} on another app`);
    }
    assert.equal(roleOn(p, 'a1'), role);
    assert.equal(roleOn(p, 'a2'), null);
    assert.deepEqual(visibleAppIds(p), ['a1']);
  }
});

test('people create no new app, manage nothing instance-wide unless admin; admins may do everything', () => {
  const dev = person({ a1: 'developer' });
  assert.equal(outcome(dev, 'release:publish', null), 'FORBIDDEN');
  for (const action of ['token:manage', 'device:manage', 'webhook:manage', 'people:manage'] as const) {
    assert.equal(outcome(dev, action, null), 'FORBIDDEN');
    assert.equal(outcome(person({}, true), action, null), 'allowed');
  }
  assert.equal(visibleAppIds(person({}, true)), 'all');
});

test('uploads: only people who may publish somewhere start one', () => {
  assert.equal(isAllowed(person({ a1: 'tester' }), 'upload:create'), false);
  assert.equal(isAllowed(person({ a1: 'tester', a2: 'developer' }), 'upload:create'), true);
  assert.equal(isAllowed(person({ a1: 'manager' }), 'upload:use', { ownerTokenId: 'person.p1' }), true);
  assert.equal(isAllowed(person({ a1: 'manager' }), 'upload:use', { ownerTokenId: 'ci' }), false);
});

test('service tokens grant no roles', () => {
  const ci: Principal = { tokenId: 'ci', name: 'ci', admin: false, appId: null, via: 'bearer' };
  assert.equal(outcome(ci, 'access:manage', 'a1'), 'FORBIDDEN');
  assert.equal(outcome(ci, 'app:delete', 'a1'), 'allowed');
});
