// Names and identifiers an attacker (or a broken build script) puts in Info.plist: display names lose
// their control and bidirectional-override characters; a bundle id iOS would refuse and a version an
// install manifest cannot carry make the build not installable, said when it is inspected (and so
// refused at publish) instead of every manifest request failing later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from '../../../src/core/inspect/index.js';
import { cleanDisplayName } from '../../../src/core/inspect/display-name.js';
import type { IpaInfo } from '../../../src/core/types.js';
import { buildIpa } from '../../helpers/synthetic-ipa.js';

const codes = (info: IpaInfo) => info.installable.reasons.filter((r) => r.severity === 'error').map((r) => r.code);

test('cleanDisplayName: controls become one space, bidi embedding/override/isolate controls go, RTL letters and marks stay', () => {
  assert.equal(cleanDisplayName('A\u0000B\u202eC'), 'A BC');
  assert.equal(cleanDisplayName('\u202eexe.gpj'), 'exe.gpj');
  assert.equal(cleanDisplayName('x\u2066y\u2069z\u202a\u202c'), 'xyz');
  assert.equal(cleanDisplayName('שלום\u200f App'), 'שלום\u200f App');
  assert.equal(cleanDisplayName('Line\r\nTwo\t3'), 'Line Two 3');
  assert.equal(cleanDisplayName('\u202e\u0001 '), null);
  assert.equal(cleanDisplayName(null), null);
});

test('an IPA whose display name carries a NUL and an RTL override: the name is shown without them', async () => {
  const info = (await inspect(await buildIpa({ displayName: 'Pay\u0000roll \u202eexe.gpj' }))) as IpaInfo;
  assert.equal(info.name, 'Pay roll exe.gpj');
  assert.deepEqual(codes(info), []);
});

test('a bundle id with characters iOS does not allow: INVALID_BUNDLE_ID, not installable', async () => {
  for (const bundleId of ['com.example.ctrl\u0001', 'com.example.sp ace', 'com.example/../x', 'com.example.\u202eexe']) {
    // A wildcard profile: the profile's own XML never holds the hostile id.
    const info = (await inspect(await buildIpa({ bundleId, profile: { appId: 'ABCDE12345.*' } }))) as IpaInfo;
    assert.ok(codes(info).includes('INVALID_BUNDLE_ID'), `${JSON.stringify(bundleId)}: ${codes(info).join(', ')}`);
    assert.equal(info.installable.ok, false);
  }
  const fine = (await inspect(await buildIpa({ bundleId: 'com.Example-App.v2', profile: { appId: 'ABCDE12345.*' } }))) as IpaInfo;
  assert.deepEqual(codes(fine), [], 'letters, digits, "-" and "." are fine (the comparison can fail)');
});

test('a version or build holding a character XML cannot carry: INVALID_VERSION naming the key', async () => {
  const v = (await inspect(await buildIpa({ version: '1.0\u0007' }))) as IpaInfo;
  assert.ok(v.installable.reasons.some((r) => r.code === 'INVALID_VERSION' && r.message.startsWith('CFBundleShortVersionString holds U+0007')));
  const b = (await inspect(await buildIpa({ build: '45\uffff' }))) as IpaInfo;
  assert.ok(b.installable.reasons.some((r) => r.code === 'INVALID_VERSION' && r.message.startsWith('CFBundleVersion holds U+FFFF')));
});
