// build → parse returns every string unchanged. Design decision under test: characters XML 1.0
// cannot carry (C0 controls except TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) are dropped from
// title/subtitle and refused (MANIFEST_INPUT) in bundle-identifier/bundle-version; everything else,
// including CR, NEL, LS, PS, markup characters, astral characters, is preserved exactly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as plistParse } from 'plist';
import { buildManifest, findXmlIllegal, parseManifest, stripXmlIllegal, validateManifest } from '../../../src/core/manifest/index.js';
import { OtashipError } from '../../../src/core/errors.js';
import { propertyRuns } from '../../helpers/property-runs.js';

// Any UTF-16 code unit (so lone surrogates and every control appear), plus the strings most
// likely to break escaping, plus well-formed astral characters.
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('&', '<', '>', ']]>', '"', "'", '\r', '\r\n', '\u0085', '\u2028', '\u2029', '&amp;', '<![CDATA[', '\uFEFF'),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const anyString = fc.string({ unit, maxLength: 40 });

function build(name: string, bundleId = 'com.example.app', version = '1.0', subtitle?: string): string {
  return buildManifest({
    package: { bundleId, version, build: '1', name },
    urls: { softwarePackage: 'https://dl.example.com/a.ipa' },
    ...(subtitle === undefined ? {} : { subtitle }),
  });
}

describe('build → parse round trip', () => {
  test('title and subtitle: every string comes back as given, minus XML-illegal characters', () => {
    fc.assert(
      fc.property(anyString, anyString, (title, subtitle) => {
        const cleanTitle = stripXmlIllegal(title);
        fc.pre(cleanTitle.trim() !== '');
        const xml = build(title, undefined, undefined, subtitle);
        const meta = parseManifest(xml).items[0]!.metadata;
        assert.equal(meta.title, cleanTitle);
        if (findXmlIllegal(title) === null) assert.equal(meta.title, title);
        const cleanSub = stripXmlIllegal(subtitle);
        assert.equal(meta.subtitle, cleanSub.trim() === '' ? undefined : cleanSub);
        // An independent parser agrees, and the document is well-formed for our strict reader.
        const other = plistParse(xml) as { items: { metadata: { title: string } }[] };
        assert.equal(other.items[0]?.metadata.title, cleanTitle);
        assert.deepEqual(validateManifest(xml), []);
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  test('bundle-identifier and bundle-version: exact round trip, or a MANIFEST_INPUT error', () => {
    fc.assert(
      fc.property(anyString, anyString, (bundleId, version) => {
        fc.pre(bundleId.trim() !== '' && version.trim() !== '');
        const illegal = findXmlIllegal(bundleId) ?? findXmlIllegal(version);
        if (illegal) {
          assert.throws(() => build('App', bundleId, version), (e: unknown) => e instanceof OtashipError && e.code === 'MANIFEST_INPUT');
          return;
        }
        const meta = parseManifest(build('App', bundleId, version)).items[0]!.metadata;
        assert.equal(meta['bundle-identifier'], bundleId);
        assert.equal(meta['bundle-version'], version);
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  test('every legal BMP character survives, one block of 256 at a time', () => {
    for (let block = 0; block < 0x10000; block += 0x100) {
      let s = '';
      for (let c = block; c < block + 0x100; c++) s += String.fromCharCode(c);
      const legal = stripXmlIllegal(s);
      if (legal.trim() === '') continue;
      const xml = build(legal);
      assert.equal(parseManifest(xml).items[0]?.metadata.title, legal, `block U+${block.toString(16)}`);
      assert.deepEqual(validateManifest(xml), [], `block U+${block.toString(16)}`);
    }
  });

  test('stripXmlIllegal removes exactly what XML 1.0 forbids', () => {
    assert.equal(stripXmlIllegal('a\u0000b\u0008c\u000bd\u000ce\u001ff\uFFFEg\uFFFFh'), 'abcdefgh');
    assert.equal(stripXmlIllegal('\t\n\r\u0085\u007f'), '\t\n\r\u0085\u007f');
    assert.equal(stripXmlIllegal('x\uD800y\uDC00z😀'), 'xyz😀');
  });
});
