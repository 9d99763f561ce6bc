// The admin's search and filter rules: words matched case-insensitively in the named fields, the
// platform and profile kinds exact, and query values checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppRecord, ReleaseRecord } from '../../src/ports/repositories.js';
import { isEmptyQuery, matchesApp, matchesRelease, parseAppQuery, parseReleaseQuery } from '../../src/services/catalog-search.js';
import { sampleInfo } from '../db/repositories.conformance.js';

const app = (name: string, bundleId: string, platform: AppRecord['platform'] = 'ios'): AppRecord => ({
  id: '01j0000000000000000000000a',
  platform,
  bundleId,
  name,
  isPublic: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

function release(overrides: Partial<ReleaseRecord> & { profileType?: 'ad-hoc' | 'development' | null } = {}): ReleaseRecord {
  const info = sampleInfo('Demo', overrides.build ?? '7');
  const profile =
    overrides.profileType === undefined || overrides.profileType === null
      ? null
      : ({ type: overrides.profileType } as unknown as NonNullable<typeof info.profile>);
  return {
    id: '01j0000000000000000000000b',
    appId: '01j0000000000000000000000a',
    version: '2.4.1',
    build: '7',
    name: 'Demo',
    size: 1,
    sha256: '0'.repeat(64),
    packageKey: 'releases/x/package.ipa',
    iconKey: null,
    icon57Key: null,
    icon512Key: null,
    info: { ...info, profile },
    notes: 'Fixes the **login** crash',
    isPublic: null,
    createdAt: new Date(0),
    source: { ci: 'github-actions', branch: 'feature/checkout', commit: 'abc123def' },
    ...overrides,
  };
}

test('apps: every word in the name or bundle id, any case; platform exact', () => {
  const tracker = app('Alpha Tracker', 'com.example.alpha');
  assert.equal(matchesApp(tracker, parseAppQuery({ q: 'TRACK' })), true);
  assert.equal(matchesApp(tracker, parseAppQuery({ q: 'example alpha' })), true);
  assert.equal(matchesApp(tracker, parseAppQuery({ q: 'alpha beta' })), false);
  assert.equal(matchesApp(tracker, parseAppQuery({ platform: 'ios' })), true);
  assert.equal(matchesApp(tracker, parseAppQuery({ q: 'alpha', platform: 'android' })), false);
  assert.equal(matchesApp(tracker, parseAppQuery({})), true);
});

test('releases: text in version, build, notes, branch or commit; profile kind exact ("none": no profile)', () => {
  const adHoc = release({ profileType: 'ad-hoc' });
  for (const q of ['2.4', 'LOGIN crash', 'checkout', 'abc123', '7']) assert.equal(matchesRelease(adHoc, parseReleaseQuery({ q })), true, q);
  assert.equal(matchesRelease(adHoc, parseReleaseQuery({ q: 'logout' })), false);
  assert.equal(matchesRelease(adHoc, parseReleaseQuery({ profile: 'ad-hoc' })), true);
  assert.equal(matchesRelease(adHoc, parseReleaseQuery({ profile: 'development' })), false);
  assert.equal(matchesRelease(adHoc, parseReleaseQuery({ profile: 'none' })), false);
  assert.equal(matchesRelease(release({ profileType: null }), parseReleaseQuery({ profile: 'none' })), true);
});

test('query values are checked: unknown kinds, repeated parameters and overlong text are refused', () => {
  assert.throws(() => parseAppQuery({ platform: 'windows' }), { code: 'VALIDATION' });
  assert.throws(() => parseReleaseQuery({ profile: 'store' }), { code: 'VALIDATION' });
  assert.throws(() => parseAppQuery({ q: ['a', 'b'] }), { code: 'VALIDATION' });
  assert.throws(() => parseAppQuery({ q: 'x'.repeat(201) }), { code: 'VALIDATION' });
  assert.equal(isEmptyQuery(parseAppQuery({ q: '  ', platform: '' })), true);
  assert.equal(isEmptyQuery(parseReleaseQuery({ profile: 'ad-hoc' })), false);
});
