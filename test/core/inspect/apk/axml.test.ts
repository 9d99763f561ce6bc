import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAxml } from '../../../../src/core/inspect/apk/axml.js';
import { manifestFacts } from '../../../../src/core/inspect/apk/manifest.js';
import { scalarText } from '../../../../src/core/inspect/apk/typed-value.js';
import { isOtashipError } from '../../../../src/core/errors.js';
import { encodeAxml, hex, int, manifestTree, ref, str } from '../../../helpers/synthetic-apk.js';
import { propertyRuns } from '../../../helpers/property-runs.js';

const spec = {
  package: 'com.example.app',
  versionCode: int(42),
  versionName: str('2.1.0'),
  minSdk: int(21),
  targetSdk: int(34),
  label: ref(0x7f010000),
  debuggable: true,
  features: [{ name: 'android.hardware.camera', required: false }],
};

function isBadApk(entry: string) {
  return (err: unknown): boolean => {
    assert.ok(isOtashipError(err), `expected an OtashipError, got ${String(err)}`);
    assert.equal(err.code, 'BAD_APK');
    assert.ok(err.message.includes(entry), `message names ${entry}: ${err.message}`);
    return true;
  };
}

describe('AXML parser', () => {
  for (const utf8 of [false, true]) {
    test(`reads elements, namespaces and typed attributes (${utf8 ? 'UTF-8' : 'UTF-16'} string pool)`, () => {
      const root = parseAxml(encodeAxml(manifestTree(spec), { utf8 }), 'AndroidManifest.xml');
      assert.equal(root.name, 'manifest');
      assert.deepEqual(
        root.children.map((c) => c.name),
        ['uses-sdk', 'uses-feature', 'application'],
      );
      const facts = manifestFacts(root);
      assert.equal(facts.packageName, 'com.example.app');
      assert.equal(scalarText(facts.versionCode!), '42');
      assert.equal(scalarText(facts.versionName!), '2.1.0');
      assert.equal(scalarText(facts.minSdk!), '21');
      assert.equal(scalarText(facts.targetSdk!), '34');
      assert.equal(facts.label?.data, 0x7f010000);
      assert.equal(scalarText(facts.debuggable!), 'true');
      assert.deepEqual(
        facts.features.map((f) => [f.name, f.required && scalarText(f.required)]),
        [['android.hardware.camera', 'false']],
      );
      const app = root.children[2]!;
      assert.equal(app.attributes[0]?.namespace, 'http://schemas.android.com/apk/res/android');
    });
  }

  test('hex versionCode and boolean attributes decode as written in the source XML', () => {
    const facts = manifestFacts(parseAxml(encodeAxml(manifestTree({ ...spec, versionCode: hex(0x10) })), 'm'));
    assert.equal(scalarText(facts.versionCode!), '16');
    const off = manifestFacts(parseAxml(encodeAxml(manifestTree({ ...spec, debuggable: false })), 'm'));
    assert.equal(scalarText(off.debuggable!), 'false');
  });

  test('attributes are found by resource id when an obfuscator blanked their names', () => {
    const root = parseAxml(encodeAxml(manifestTree(spec), { obfuscateNames: true }), 'AndroidManifest.xml');
    assert.ok(root.attributes.some((a) => a.name === ''), 'names really are blank');
    const facts = manifestFacts(root);
    assert.equal(scalarText(facts.versionName!), '2.1.0');
    assert.equal(scalarText(facts.minSdk!), '21');
  });

  test('attributes without a resource map are found by name (hand-built or very old manifests)', () => {
    const root = parseAxml(
      encodeAxml({
        name: 'manifest',
        attrs: [
          { name: 'package', value: str('org.old'), android: false },
          { name: 'versionCode', value: int(3), android: false },
          { name: 'versionName', value: str('0.3'), android: false },
        ],
      }),
      'AndroidManifest.xml',
    );
    const facts = manifestFacts(root);
    assert.equal(facts.packageName, 'org.old');
    assert.equal(scalarText(facts.versionCode!), '3');
    assert.equal(scalarText(facts.versionName!), '0.3');
    assert.equal(facts.minSdk, null);
  });

  test('unicode strings, long strings and strings needing two-unit lengths round-trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.boolean(), (label, utf8) => {
        const root = parseAxml(encodeAxml(manifestTree({ ...spec, label: str(label) }), { utf8 }), 'm');
        assert.equal(manifestFacts(root).label?.string, label);
      }),
    );
    const long = 'é'.repeat(40000); // > 0x7fff UTF-16 units
    const root = parseAxml(encodeAxml(manifestTree({ ...spec, label: str(long) })), 'm');
    assert.equal(manifestFacts(root).label?.string, long);
  });

  test('plain-text XML is refused with BAD_APK naming the entry', () => {
    assert.throws(() => parseAxml(Buffer.from('<?xml version="1.0"?><manifest/>'), 'AndroidManifest.xml'), isBadApk('AndroidManifest.xml'));
  });

  test('every truncation of a valid manifest gives BAD_APK, never a RangeError', () => {
    const full = encodeAxml(manifestTree(spec));
    for (let cut = 0; cut < full.length; cut += 7) {
      assert.throws(() => parseAxml(full.subarray(0, cut), 'AndroidManifest.xml'), isBadApk('AndroidManifest.xml'), `cut at ${cut}`);
    }
  });

  test('random byte corruption gives a result or BAD_APK, never another error', () => {
    const full = encodeAxml(manifestTree(spec));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(full.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }), (edits) => {
        const b = Buffer.from(full);
        for (const [at, v] of edits) b[at] = v;
        try {
          parseAxml(b, 'AndroidManifest.xml');
        } catch (err) {
          isBadApk('AndroidManifest.xml')(err);
        }
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  test('a string index beyond the pool is BAD_APK', () => {
    const b = encodeAxml(manifestTree(spec));
    // The first START_ELEMENT chunk (type 0x0102): point its name at string 0x00ffffff.
    const at = b.indexOf(Buffer.from([0x02, 0x01, 0x10, 0x00]));
    assert.ok(at > 0);
    b.writeUInt32LE(0x00ffffff, at + 20);
    assert.throws(() => parseAxml(b, 'AndroidManifest.xml'), isBadApk('AndroidManifest.xml'));
  });
});
