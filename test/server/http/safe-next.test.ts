// Where a sign-in sends the browser afterwards: our own pages only. Each refused case below is a way
// a crafted `next` could leave the site (or loop back to the login page).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNext } from '../../../src/server/http/safe-next.js';

const ADMIN = { areas: ['admin'] as const, fallback: '/admin' };
const ANY = { areas: ['admin', 'my'] as const, fallback: '/my' };

describe('safeNext', () => {
  test('our own pages in the allowed areas are kept, with plain queries', () => {
    for (const next of ['/admin', '/admin/apps/01abc', '/admin/apps/01abc?tab=releases&page=2', '/admin/people?q=a%40b']) {
      assert.equal(safeNext(next, ADMIN), next);
      assert.equal(safeNext(next, ANY), next);
    }
    assert.equal(safeNext('/my', ANY), '/my');
    assert.equal(safeNext('/my/tokens', ANY), '/my/tokens');
  });

  test('an area that is not allowed falls back', () => {
    assert.equal(safeNext('/my/tokens', ADMIN), '/admin');
  });

  test('other hosts, schemes, dot segments, odd characters and the login page fall back', () => {
    const refused = [
      'https://evil.example/admin',
      '//evil.example/admin',
      '/admin//evil.example',
      '/\\evil.example',
      '/admin/../evil',
      '/admin/./apps',
      '/admin/..',
      '/admin/apps/..?x=1',
      '/admin/apps\\..\\x',
      '/admin/login',
      '/admin/login?next=/admin',
      '/adminx',
      '/admin?next=https://evil.example',
      '/admin/apps#x',
      '/admin/apps\n',
      'admin',
      '',
      '/',
      '/i/01abc',
      '/api/v1/releases',
    ];
    for (const next of refused) {
      assert.equal(safeNext(next, ADMIN), '/admin', JSON.stringify(next));
      assert.equal(safeNext(next, ANY), '/my', JSON.stringify(next));
    }
  });

  test('anything but a string falls back', () => {
    for (const next of [undefined, null, 42, ['/admin'], { toString: () => '/admin' }]) assert.equal(safeNext(next, ANY), '/my');
  });
});
