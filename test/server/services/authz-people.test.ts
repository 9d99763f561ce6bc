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

function refusal(p: Principal, action: Action, resource: Parameters<typeof authorize>[2] = {}): { code: string; message: string } | 'OK' {
  try {
    authorize(p, action, resource);
    return 'OK';
  } catch (err) {
    if (err instanceof OtashipError) return { code: err.code, message: err.message };
    throw err;
  }
}

test('personal tokens: people only (an admin token is not a person)', () => {
  const admin: Principal = { tokenId: 'bootstrap', name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };
  assert.equal(refusal(person({}), 'token:personal'), 'OK');
  assert.equal(refusal(person({}, true), 'token:personal'), 'OK');
  assert.deepEqual(refusal(admin, 'token:personal'), {
    code: 'FORBIDDEN',
    message: 'token "bootstrap admin" is a service token, not a person: personal tokens belong to people signed in',
  });
});

test('refusals say who, what role they have, and who may', () => {
  const tester = person({ a1: 'tester' });
  const on = { appId: 'a1', label: 'app com.example.x', ref: 'release r1' };
  assert.deepEqual(refusal(tester, 'release:visibility', on), {
    code: 'FORBIDDEN',
    message: 'pat@example.com is a tester of app com.example.x and may not make builds public or private in it (a manager may: ask a manager of the app)',
  });
  assert.deepEqual(refusal(person({ a1: 'developer' }), 'access:manage', on), {
    code: 'FORBIDDEN',
    message: 'pat@example.com is a developer of app com.example.x and may not grant roles on it (a manager may: ask a manager of the app)',
  });
  assert.deepEqual(refusal(tester, 'release:delete', { appId: 'a2', ref: 'release r2' }), { code: 'NOT_FOUND', message: 'release r2 does not exist' });
  assert.deepEqual(refusal(tester, 'release:publish', { appId: 'a2', label: 'ios app com.example.y' }), {
    code: 'FORBIDDEN',
    message: 'pat@example.com is not a member of ios app com.example.y and may not publish builds of it (a developer may: ask a manager of the app)',
  });
  assert.deepEqual(refusal(person({ a1: 'developer' }), 'release:publish', { appId: null, label: 'ios app com.example.new' }), {
    code: 'FORBIDDEN',
    message: 'pat@example.com may not create ios app com.example.new: an instance admin publishes its first build, then grants roles on it',
  });
  assert.deepEqual(refusal(tester, 'upload:create'), { code: 'FORBIDDEN', message: 'pat@example.com is a developer or manager of no app and may not upload builds' });
  assert.deepEqual(refusal(tester, 'people:manage'), { code: 'FORBIDDEN', message: 'pat@example.com is not an instance admin and cannot manage people and groups' });
  const ci: Principal = { tokenId: 'ci', name: 'ci', admin: false, appId: null, via: 'bearer' };
  assert.deepEqual(refusal(ci, 'access:manage', { appId: 'a1' }), {
    code: 'FORBIDDEN',
    message: 'token "ci" is a service token and cannot grant roles: sign in as a manager of the app or an admin',
  });
});

test('roleOn: admins and unrestricted tokens manage every app; a limited token its own', () => {
  assert.equal(roleOn({ tokenId: 'a', name: 'a', admin: true, appId: null, via: 'bearer' }, 'x'), 'manager');
  assert.equal(roleOn({ tokenId: 'c', name: 'c', admin: false, appId: null, via: 'bearer' }, 'x'), 'manager');
  assert.equal(roleOn({ tokenId: 'l', name: 'l', admin: false, appId: 'y', via: 'bearer' }, 'x'), null);
  assert.equal(roleOn({ tokenId: 'l', name: 'l', admin: false, appId: 'x', via: 'bearer' }, 'x'), 'manager');
  assert.equal(roleOn(person({ x: 'tester' }, true), 'y'), 'manager');
});
