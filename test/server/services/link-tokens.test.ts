// The link-token rules (src/services/link-tokens.ts) on their own: which grant opens which release
// and which latest-release page, what each refusal says, and when a token expires. A real Signer
// and an injected clock; no server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OtashipError } from '../../../src/core/errors.js';
import type { PackageInfo } from '../../../src/core/types.js';
import type { AppRecord, ReleaseRecord } from '../../../src/ports/repositories.js';
import {
  LinkTokens,
  PUBLIC_GRANT,
  effectivePublic,
  grantExpiry,
  opensApp,
  opensAssets,
  opensRelease,
  viaApp,
  type Grant,
} from '../../../src/services/link-tokens.js';
import { Signer } from '../../../src/services/signing.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
let now = T0;
const clock = () => new Date(now);
const signer = new Signer('s'.repeat(40));
const tokens = new LinkTokens(signer, clock);
/** Grants as verify() returns them carry their expiry (unix seconds); the rules below do not read it. */
const EXP = Math.floor(T0 / 1000) + 3600;

function app(id: string, isPublic = false): AppRecord {
  return { id, platform: 'ios', bundleId: `com.example.${id}`, name: id, isPublic, createdAt: new Date(T0), updatedAt: new Date(T0) };
}
function release(id: string, appId: string, isPublic: boolean | null = null): ReleaseRecord {
  return {
    id, appId, version: '1.0', build: '1', name: id, size: 1, sha256: '0'.repeat(64), packageKey: `releases/${id}/package.ipa`,
    iconKey: null, icon57Key: null, icon512Key: null, info: {} as PackageInfo, notes: '', isPublic, createdAt: new Date(T0), source: null,
  };
}

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof OtashipError) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: 'OK', message: '' };
}

const appA = app('appA');
const appB = app('appB');
const relA = release('relA', 'appA');
const relB = release('relB', 'appB');

describe('opensRelease / opensApp: one app\'s link never opens another app', () => {
  test('an app grant opens its own app\'s releases and latest page, and nothing of another app', () => {
    const grantA: Grant = { scope: 'app', appId: 'appA', exp: EXP };
    assert.equal(opensRelease(grantA, relA, appA), true);
    assert.equal(opensRelease(grantA, relB, appB), false, "app A's link must not open app B's private release");
    assert.equal(opensApp(grantA, appA), true);
    assert.equal(opensApp(grantA, appB), false, "app A's link must not open app B's latest page");
  });

  test('an app grant does not open a release of another app passed with its own app record', () => {
    // The release belongs to B even if a caller pairs it with app A: the release's own app id decides.
    assert.equal(opensRelease({ scope: 'app', appId: 'appA', exp: EXP }, relB, appA), false);
  });

  test('a release grant opens that release only; no grant opens only public things', () => {
    assert.equal(opensRelease({ scope: 'release', releaseId: 'relA', exp: EXP, viaApp: false }, relA, appA), true);
    assert.equal(opensRelease({ scope: 'release', releaseId: 'relA', exp: EXP, viaApp: false }, relB, appB), false);
    assert.equal(opensRelease(PUBLIC_GRANT, relA, appA), false);
    assert.equal(opensRelease(PUBLIC_GRANT, release('pub', 'appA', true), appA), true);
    assert.equal(opensRelease(PUBLIC_GRANT, relA, app('appA', true)), true);
    assert.equal(opensApp(PUBLIC_GRANT, appA), false);
    assert.equal(opensApp(PUBLIC_GRANT, app('appA', true)), true);
    assert.equal(opensApp({ scope: 'release', releaseId: 'relA', exp: EXP, viaApp: false }, appA), false);
  });

  test('a release set private opens only with its own link, even for the app\'s link and inside a public app', () => {
    const privateRel = release('priv', 'appA', false);
    assert.equal(opensRelease({ scope: 'app', appId: 'appA', exp: EXP }, privateRel, appA), false);
    assert.equal(opensRelease({ scope: 'app', appId: 'appA', exp: EXP }, privateRel, app('appA', true)), false);
    assert.equal(opensRelease({ scope: 'release', releaseId: 'priv', exp: EXP, viaApp: false }, privateRel, appA), true);
    assert.equal(opensRelease({ scope: 'app', appId: 'appA', exp: EXP }, release('explicit', 'appA', true), appA), true);
  });

  test('effectivePublic: the release setting wins, null inherits', () => {
    assert.equal(effectivePublic(release('r', 'a', null), app('a', true)), true);
    assert.equal(effectivePublic(release('r', 'a', null), app('a', false)), false);
    assert.equal(effectivePublic(release('r', 'a', false), app('a', true)), false);
    assert.equal(effectivePublic(release('r', 'a', true), app('a', false)), true);
  });
});

describe('LinkTokens.checkRelease / checkApp', () => {
  test('tokens minted for app A open A and are refused by B, with messages naming the mismatch', () => {
    now = T0;
    const appToken = tokens.forApp('appA', 3600);
    assert.deepEqual(tokens.checkRelease(relA, appA, appToken), { scope: 'app', appId: 'appA', exp: EXP });
    assert.deepEqual(tokens.checkApp(appA, appToken), { scope: 'app', appId: 'appA', exp: EXP });
    assert.deepEqual(refusal(() => tokens.checkRelease(relB, appB, appToken)), {
      code: 'TOKEN_INVALID',
      message: 'the access token in this link belongs to another release',
    });
    assert.deepEqual(refusal(() => tokens.checkApp(appB, appToken)), {
      code: 'TOKEN_INVALID',
      message: 'the access token in this link belongs to another app',
    });
  });

  test('a release token opens its release only; the app link is told when a release is set private', () => {
    now = T0;
    const relToken = tokens.forRelease('relA', 3600);
    assert.deepEqual(tokens.checkRelease(relA, appA, relToken), { scope: 'release', releaseId: 'relA', exp: EXP, viaApp: false });
    assert.equal(refusal(() => tokens.checkRelease(relB, appB, relToken)).code, 'TOKEN_INVALID');
    assert.equal(refusal(() => tokens.checkApp(appA, relToken)).code, 'TOKEN_INVALID');
    const privateRel = release('priv', 'appA', false);
    assert.deepEqual(refusal(() => tokens.checkRelease(privateRel, appA, tokens.forApp('appA', 3600))), {
      code: 'TOKEN_INVALID',
      message: "this release is set private: only its own install link opens it, not the app's latest-release link",
    });
  });

  test('no token: TOKEN_MISSING for private things; public things open with no token or a broken one', () => {
    now = T0;
    assert.deepEqual(refusal(() => tokens.checkRelease(relA, appA, undefined)), {
      code: 'TOKEN_MISSING',
      message: 'this build is private and the link has no access token',
    });
    assert.equal(refusal(() => tokens.checkApp(appA, '')).code, 'TOKEN_MISSING');
    const publicApp = app('appA', true);
    assert.deepEqual(tokens.checkApp(publicApp, undefined), { scope: 'public' });
    assert.deepEqual(PUBLIC_GRANT, { scope: 'public' });
    assert.deepEqual(tokens.checkApp(publicApp, 'garbage'), PUBLIC_GRANT);
    assert.deepEqual(tokens.checkRelease(relA, publicApp, 'garbage'), PUBLIC_GRANT);
    // A valid token on a public release still tells the page what its visitor holds.
    const in60 = Math.floor(T0 / 1000) + 60;
    assert.deepEqual(tokens.checkRelease(relA, publicApp, tokens.forApp('appA', 60)), { scope: 'app', appId: 'appA', exp: in60 });
    assert.deepEqual(tokens.checkApp(publicApp, tokens.forApp('appA', 60)), { scope: 'app', appId: 'appA', exp: in60 });
  });

  test('a token of another scope (a session) opens nothing', () => {
    now = T0;
    const session = signer.sign({ sub: 'appA', scope: 'session', exp: T0 / 1000 + 60 });
    assert.deepEqual(refusal(() => tokens.checkApp(appA, session)), { code: 'TOKEN_INVALID', message: 'the access token in this link is not valid' });
    assert.equal(refusal(() => tokens.checkRelease(relA, appA, session)).code, 'TOKEN_INVALID');
  });

  test('expiry is ttl SECONDS after now: valid one second before, expired at the instant', () => {
    now = T0;
    const t = tokens.forRelease('relA', 90);
    assert.equal(signer.verify(t, T0).exp, T0 / 1000 + 90);
    now = T0 + 89_000;
    assert.deepEqual(tokens.checkRelease(relA, appA, t), { scope: 'release', releaseId: 'relA', exp: T0 / 1000 + 90, viaApp: false });
    now = T0 + 90_000;
    assert.equal(refusal(() => tokens.checkRelease(relA, appA, t)).code, 'TOKEN_EXPIRED');
    now = T0 + 500; // sub-second clocks round down: exp stays whole seconds
    assert.equal(signer.verify(tokens.forApp('appA', 10), T0).exp, T0 / 1000 + 10);
    now = T0;
  });
});

const ASSET_ON_PAGE = {
  code: 'TOKEN_INVALID',
  message: "this link's token opens the app's download only (it comes from a manifest), not an install page: ask for a new install link",
};
const SET_PRIVATE = {
  code: 'TOKEN_INVALID',
  message: "this release is set private: only its own install link opens it, not the app's latest-release link",
};
const OTHER_RELEASE = { code: 'TOKEN_INVALID', message: 'the access token in this link belongs to another release' };
const privRel = release('priv', 'appA', false);

describe('asset grants and links minted through an app link', () => {
  test('opensAssets: an asset grant opens its own release\'s files (and public ones), never a page', () => {
    const asset: Grant = { scope: 'asset', releaseId: 'relA', exp: EXP, viaApp: false };
    assert.equal(opensAssets(asset, relA, appA), true);
    assert.equal(opensAssets(asset, relB, appB), false);
    assert.equal(opensAssets(asset, release('pub', 'appB', true), appB), true);
    assert.equal(opensAssets(asset, relB, app('appB', true)), true);
    assert.equal(opensRelease(asset, relA, appA), false);
    // Other grants open files where they open the page.
    assert.equal(opensAssets({ scope: 'app', appId: 'appA', exp: EXP }, relA, appA), true);
    assert.equal(opensAssets({ scope: 'app', appId: 'appA', exp: EXP }, relB, appB), false);
    assert.equal(opensAssets(PUBLIC_GRANT, relA, appA), false);
    assert.equal(opensAssets(PUBLIC_GRANT, relA, app('appA', true)), true);
  });

  test('minted through an app link (viaApp), release and asset grants stay under the app rule', () => {
    const appAsset: Grant = { scope: 'asset', releaseId: 'priv', exp: EXP, viaApp: true };
    const ownAsset: Grant = { scope: 'asset', releaseId: 'priv', exp: EXP, viaApp: false };
    assert.equal(opensAssets(appAsset, privRel, appA), false);
    assert.equal(opensAssets(ownAsset, privRel, appA), true);
    assert.equal(opensAssets({ scope: 'asset', releaseId: 'relA', exp: EXP, viaApp: true }, relA, appA), true);
    // The release's own app decides, not the app record it is paired with.
    assert.equal(opensAssets({ scope: 'asset', releaseId: 'relB', exp: EXP, viaApp: true }, relB, appA), false);
    assert.equal(opensRelease({ scope: 'release', releaseId: 'priv', exp: EXP, viaApp: true }, privRel, appA), false);
    assert.equal(opensRelease({ scope: 'release', releaseId: 'relA', exp: EXP, viaApp: true }, relA, appA), true);
    assert.equal(opensRelease({ scope: 'release', releaseId: 'relB', exp: EXP, viaApp: true }, relB, appA), false);
  });

  test('viaApp and grantExpiry read the grant', () => {
    assert.equal(viaApp({ scope: 'app', appId: 'appA', exp: EXP }), true);
    assert.equal(viaApp({ scope: 'release', releaseId: 'r', exp: EXP, viaApp: true }), true);
    assert.equal(viaApp({ scope: 'release', releaseId: 'r', exp: EXP, viaApp: false }), false);
    assert.equal(viaApp({ scope: 'asset', releaseId: 'r', exp: EXP, viaApp: true }), true);
    assert.equal(viaApp({ scope: 'asset', releaseId: 'r', exp: EXP, viaApp: false }), false);
    assert.equal(viaApp(PUBLIC_GRANT), false);
    assert.equal(grantExpiry(PUBLIC_GRANT), null);
    assert.equal(grantExpiry({ scope: 'app', appId: 'appA', exp: EXP }), EXP);
    assert.equal(grantExpiry({ scope: 'asset', releaseId: 'r', exp: EXP + 1, viaApp: false }), EXP + 1);
  });

  test('minted links carry their scope, and notAfter caps their expiry (never extends it)', () => {
    now = T0 + 700; // sub-second part rounds down
    const s0 = Math.floor(T0 / 1000);
    assert.deepEqual(signer.verify(tokens.forRelease('r', 60), now), { sub: 'r', scope: 'release', exp: s0 + 60 });
    assert.deepEqual(signer.verify(tokens.forRelease('r', 60, { viaApp: true, notAfter: s0 + 30 }), now), { sub: 'r', scope: 'app-release', exp: s0 + 30 });
    assert.deepEqual(signer.verify(tokens.forRelease('r', 60, { notAfter: s0 + 90 }), now), { sub: 'r', scope: 'release', exp: s0 + 60 });
    assert.deepEqual(signer.verify(tokens.forAssets('r', 60), now), { sub: 'r', scope: 'asset', exp: s0 + 60 });
    assert.deepEqual(signer.verify(tokens.forAssets('r', 60, { viaApp: true, notAfter: s0 + 20 }), now), { sub: 'r', scope: 'app-asset', exp: s0 + 20 });
    assert.deepEqual(signer.verify(tokens.forApp('a', 60, s0 + 10), now), { sub: 'a', scope: 'app', exp: s0 + 10 });
    assert.deepEqual(signer.verify(tokens.forApp('a', 60), now), { sub: 'a', scope: 'app', exp: s0 + 60 });
    assert.equal(tokens.expiry(60), s0 + 60);
    assert.equal(tokens.expiry(60, null), s0 + 60);
    assert.equal(tokens.expiry(60, s0 + 61), s0 + 60);
    assert.equal(tokens.expiry(60, s0 + 59), s0 + 59);
    now = T0;
  });

  test('checkRelease: an app-release link is told when its release is set private; an asset token is no page token', () => {
    now = T0;
    assert.deepEqual(tokens.checkRelease(relA, appA, tokens.forRelease('relA', 3600, { viaApp: true })), {
      scope: 'release', releaseId: 'relA', exp: EXP, viaApp: true,
    });
    assert.deepEqual(refusal(() => tokens.checkRelease(privRel, appA, tokens.forRelease('priv', 3600, { viaApp: true }))), SET_PRIVATE);
    assert.deepEqual(tokens.checkRelease(privRel, appA, tokens.forRelease('priv', 3600)), { scope: 'release', releaseId: 'priv', exp: EXP, viaApp: false });
    assert.deepEqual(refusal(() => tokens.checkRelease(relA, appA, tokens.forAssets('relA', 3600))), ASSET_ON_PAGE);
    assert.deepEqual(refusal(() => tokens.checkRelease(privRel, appA, tokens.forAssets('priv', 3600, { viaApp: true }))), SET_PRIVATE);
    // A token for another release is only ever "another release", whatever it is.
    assert.deepEqual(refusal(() => tokens.checkRelease(relA, appA, tokens.forAssets('relB', 3600))), OTHER_RELEASE);
    assert.deepEqual(refusal(() => tokens.checkRelease(privRel, appA, tokens.forRelease('relA', 3600, { viaApp: true }))), OTHER_RELEASE);
    assert.deepEqual(refusal(() => tokens.checkRelease(privRel, appA, tokens.forApp('appB', 3600))), OTHER_RELEASE);
    // On a public release an asset token counts for nothing.
    assert.deepEqual(tokens.checkRelease(relA, app('appA', true), tokens.forAssets('relA', 3600)), PUBLIC_GRANT);
  });

  test('checkAssets: asset and page tokens open the files; the app rule and other releases refuse', () => {
    now = T0;
    const assetGrant = { scope: 'asset', releaseId: 'relA', exp: EXP, viaApp: false };
    assert.deepEqual(tokens.checkAssets(relA, appA, tokens.forAssets('relA', 3600)), assetGrant);
    assert.deepEqual(tokens.checkAssets(relA, appA, tokens.forApp('appA', 3600)), { scope: 'app', appId: 'appA', exp: EXP });
    assert.deepEqual(refusal(() => tokens.checkAssets(relA, appA, undefined)), {
      code: 'TOKEN_MISSING',
      message: 'this build is private and the link has no access token',
    });
    assert.deepEqual(refusal(() => tokens.checkAssets(privRel, appA, tokens.forAssets('priv', 3600, { viaApp: true }))), SET_PRIVATE);
    assert.deepEqual(refusal(() => tokens.checkAssets(relA, appA, tokens.forAssets('relB', 3600))), OTHER_RELEASE);
    // Public files: what the visitor holds is returned as it is (an asset grant included), a broken token grants nothing.
    const publicApp = app('appA', true);
    assert.deepEqual(tokens.checkAssets(relA, publicApp, tokens.forAssets('relA', 3600)), assetGrant);
    assert.deepEqual(tokens.checkAssets(relA, publicApp, 'garbage'), PUBLIC_GRANT);
    assert.deepEqual(tokens.checkAssets(relA, publicApp, undefined), PUBLIC_GRANT);
  });

  test('checkApp: an asset token opens no latest page, and counts for nothing on a public one', () => {
    now = T0;
    assert.deepEqual(refusal(() => tokens.checkApp(appA, tokens.forAssets('relA', 3600))), ASSET_ON_PAGE);
    assert.deepEqual(tokens.checkApp(app('appA', true), tokens.forAssets('relA', 3600)), PUBLIC_GRANT);
  });
});

describe("person tokens: a signed-in person's manifest, package and icon links", () => {
  test('open the assets of their own release only, never a page (checked against the database by the caller)', () => {
    const token = tokens.forPerson('relA', 'person1', 3600);
    const grant = tokens.checkAssets(relA, appA, token);
    assert.deepEqual(grant, { scope: 'person', releaseId: 'relA', personId: 'person1', exp: EXP, asset: false });
    assert.equal(refusal(() => tokens.checkAssets(relB, appB, token)).code, 'TOKEN_INVALID', 'another release');
    assert.match(refusal(() => tokens.checkRelease(relA, appA, token)).message, /not an install page/);
    assert.equal(refusal(() => tokens.checkApp(appA, token)).code, 'TOKEN_INVALID');
    // On a public page it counts for nothing: no links are minted from it.
    assert.deepEqual(tokens.checkRelease(release('pub', 'appA', true), appA, token), PUBLIC_GRANT);
    assert.equal(viaApp(grant), false);
  });

  test('a manifest asset token keeps its flag; a subject without the person is not a token', () => {
    assert.equal((tokens.checkAssets(relA, appA, tokens.forPerson('relA', 'p', 60, { asset: true })) as { asset: boolean }).asset, true);
    const bare = signer.sign({ sub: 'relA', scope: 'person', exp: EXP });
    assert.equal(refusal(() => tokens.checkAssets(relA, appA, bare)).code, 'TOKEN_INVALID');
    const extra = signer.sign({ sub: 'relA:p:q', scope: 'person', exp: EXP });
    assert.equal(refusal(() => tokens.checkAssets(relA, appA, extra)).code, 'TOKEN_INVALID');
  });
});
