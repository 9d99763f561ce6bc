// Pure pieces of the access model: signed link tokens and the authorisation matrix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Signer } from '../../../src/services/signing.js';
import { authorize, isAllowed, visibleAppIds, type Action } from '../../../src/services/authz.js';
import type { Principal } from '../../../src/services/principal.js';
import { OtashipError } from '../../../src/core/errors.js';
import { isId, newId } from '../../../src/services/ids.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof OtashipError) return err.code;
    throw err;
  }
  return 'OK';
};

describe('Signer', () => {
  const signer = new Signer('k'.repeat(40));
  const now = Date.UTC(2026, 0, 1);
  const exp = now / 1000 + 3600;

  test('round trip; expiry; other keys and any changed character are refused', () => {
    const token = signer.sign({ sub: 'rel', scope: 'release', exp });
    assert.deepEqual(signer.verify(token, now), { sub: 'rel', scope: 'release', exp });
    assert.equal(code(() => signer.verify(token, exp * 1000)), 'TOKEN_EXPIRED');
    assert.equal(code(() => new Signer('x'.repeat(40)).verify(token, now)), 'TOKEN_INVALID');
    // Every other character at every position, including ones that differ only in unused bits.
    for (let i = 0; i < token.length; i++) {
      for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.') {
        if (c === token[i]) continue;
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        assert.notEqual(code(() => signer.verify(changed, now)), 'OK', `changed at ${i} to ${c}`);
      }
    }
    for (const junk of ['', '.', 'a.b.c', 'x'.repeat(2000), `${token}.`]) {
      assert.equal(code(() => signer.verify(junk, now)), 'TOKEN_INVALID', junk.slice(0, 20));
    }
  });

  test('property: any payload round-trips, and the payload cannot be swapped under a MAC', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('release', 'app', 'session'), fc.string(), (sub, scope, other) => {
        const t = signer.sign({ sub, scope: scope as 'release', exp });
        assert.equal(signer.verify(t, now).sub, sub);
        if (other !== sub) {
          const forged = `${Buffer.from(JSON.stringify({ sub: other, scope, exp })).toString('base64url')}.${t.split('.')[1]}`;
          assert.equal(code(() => signer.verify(forged, now)), 'TOKEN_INVALID');
        }
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});

describe('authorize', () => {
  const admin: Principal = { tokenId: 'a', name: 'admin', admin: true, appId: null, via: 'bearer' };
  const all: Principal = { tokenId: 'b', name: 'ci', admin: false, appId: null, via: 'bearer' };
  const limited: Principal = { tokenId: 'c', name: 'one', admin: false, appId: 'app1', via: 'bearer' };
  const actions: Action[] = ['app:read', 'app:update', 'app:delete', 'release:publish', 'release:read', 'release:update', 'release:delete'];

  test('admin: everything; all-apps token: every app, no token management', () => {
    for (const a of [...actions, 'token:manage' as const]) assert.ok(isAllowed(admin, a, { appId: 'x' }));
    for (const a of actions) assert.ok(isAllowed(all, a, { appId: 'x' }));
    assert.ok(isAllowed(all, 'release:publish', { appId: null }), 'may create new apps');
    assert.equal(code(() => authorize(all, 'token:manage')), 'FORBIDDEN');
    assert.ok(isAllowed(admin, 'webhook:manage'));
    assert.equal(code(() => authorize(all, 'webhook:manage')), 'FORBIDDEN');
    assert.equal(code(() => authorize(limited, 'webhook:manage', { appId: 'app1' })), 'FORBIDDEN');
  });

  test('app-limited token: only its app, never a new one', () => {
    for (const a of actions) {
      assert.ok(isAllowed(limited, a, { appId: 'app1' }), a);
      assert.ok(!isAllowed(limited, a, { appId: 'app2' }), a);
    }
    assert.ok(!isAllowed(limited, 'release:publish', { appId: null }));
    assert.equal(code(() => authorize(limited, 'release:publish', { appId: null, label: 'ios app com.x' })), 'FORBIDDEN');
    assert.deepEqual(visibleAppIds(limited), ['app1']);
    assert.equal(visibleAppIds(all), 'all');
  });
});

describe('ids', () => {
  test('url-safe, no underscore, time-sortable, unique', () => {
    const a = newId(new Date(1000));
    const b = newId(new Date(2000));
    assert.ok(isId(a) && isId(b));
    assert.ok(a < b);
    assert.ok(!a.includes('_'));
    assert.equal(new Set(Array.from({ length: 1000 }, () => newId())).size, 1000);
  });
});
