// Our XML and binary plist readers must return exactly what plist@5 returns for well-formed input
// (checked on generated values and on every plist in the real fixtures), and refuse malformed input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { build, buildBinary, parse, parseBinary } from 'plist';
import type { PlistValue } from 'plist';
import { parseXmlPlist } from '../../../src/core/plist/xml.js';
import { parseBinaryPlist } from '../../../src/core/plist/binary.js';
import { readPlistDict } from '../../../src/core/plist/read.js';
import { OtashipError } from '../../../src/core/errors.js';
import { openZip } from '../../../src/core/zip/open.js';
import { cmsContent } from '../../../src/core/inspect/profile/cms.js';
import { FIXTURES_DIR, FIXTURES_SKIP } from '../../helpers/fixtures.js';
import { propertyRuns } from '../../helpers/property-runs.js';

// xmldom (inside plist@5) turns U+0085, U+2028 and U+2029 into "\n" (XML 1.1 line-end rules); an XML 1.0
// plist keeps them, as we do, so the comparison leaves those characters out.
// eslint-disable-next-line no-control-regex
const key = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((k) => k !== '__proto__' && !/[\u0000-\u001f\u0085\u2028\u2029\ud800-\udfff\ufffe\uffff]/.test(k));
// eslint-disable-next-line no-control-regex
const text = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\u0085\u2028\u2029\ud800-\udfff\ufffe\uffff]/.test(s));
const leaf: fc.Arbitrary<PlistValue> = fc.oneof(
  text,
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((n) => !Number.isInteger(n)),
  fc.boolean(),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
  fc.uint8Array({ maxLength: 40 }),
);
const { value } = fc.letrec<{ value: PlistValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));
const rootDict = fc.dictionary(key, value, { maxKeys: 8 });

/** Uint8Array subclasses (Buffer) compare unequal to plain Uint8Array under deepStrictEqual. */
function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(normalise);
  if (v instanceof Date) return v.getTime();
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

describe('plist readers', () => {
  test('XML: same values as plist@5 for generated documents', () => {
    fc.assert(
      fc.property(rootDict, (d) => {
        const xml = build(d);
        assert.deepEqual(normalise(parseXmlPlist(xml)), normalise(parse(xml)));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  test('binary: same values as plist@5 for generated documents', () => {
    fc.assert(
      fc.property(rootDict, (d) => {
        const bin = buildBinary(d);
        assert.deepEqual(normalise(parseBinaryPlist(bin)), normalise(parseBinary(bin)));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  test('XML: entities, CDATA, comments, DOCTYPE, self-closing elements, odd keys', () => {
    const xml = `\ufeff<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- a comment -->
<plist version="1.0"><dict>
  <key>a&amp;b</key><string>&lt;x&gt; &quot;q&quot; &apos;s&apos; &#233;&#x1F600;</string>
  <key>cdata</key><string>one<![CDATA[<two>&]]><!-- c -->three</string>
  <key>empty</key><string/>
  <key>e2</key><dict/>
  <key>e3</key><array/>
  <key>n</key><integer> 42 </integer>
  <key>r</key><real>1.5</real>
  <key>t</key><true/>
  <key>f</key><false></false>
  <key>d</key><data>
    aGVsbG8
  </data>
  <key>crlf</key><string>a\r\nb</string>
  <key>last</key>
</dict></plist>
`;
    const v = parseXmlPlist(xml.replace(/^\ufeff/, '')) as Record<string, unknown>;
    assert.equal(v['a&b'], '<x> "q" \'s\' é😀');
    assert.equal(v.cdata, 'one<two>&three');
    assert.equal(v.empty, '');
    assert.deepEqual(v.e2, {});
    assert.deepEqual(v.e3, []);
    assert.equal(v.n, 42);
    assert.equal(v.r, 1.5);
    assert.equal(v.t, true);
    assert.equal(v.f, false);
    assert.equal(Buffer.from(v.d as Uint8Array).toString(), 'hello'); // repaired base64 (no padding)
    assert.equal(v.crlf, 'a\nb');
    assert.equal(v.last, '');
  });

  test('XML: malformed documents are refused as BAD_PLIST naming the entry', () => {
    const bad = [
      '<plist><dict><key>x</key></plist>',
      '<plist><dict><key>x</key><string>y</dict></plist>',
      '<plist><dict><key>x</key><string>a & b</string></dict></plist>',
      '<plist><dict><key>x</key><string>&nbsp;</string></dict></plist>',
      '<plist><dict><key>x</key><widget/></dict></plist>',
      '<plist><dict><string>no key</string><string>v</string></dict></plist>',
      '<plist><dict><key>a</key><key>b</key></dict></plist>',
      '<plist><dict><key>__proto__</key><dict/></dict></plist>',
      '<plist><dict><key>n</key><integer/></dict></plist>',
      '<plist><dict></dict></plist> trailing',
      'junk <plist><dict/></plist>',
      '<notplist><dict/></notplist>',
      '<plist><dict><key>x</key><string>unterminated',
      '<!DOCTYPE plist [<!ENTITY e "x">]><plist><dict/></plist>',
    ];
    for (const doc of bad) {
      assert.throws(
        () => readPlistDict(Buffer.from(doc), 'Payload/X.app/Info.plist'),
        (e: unknown) => e instanceof OtashipError && e.code === 'BAD_PLIST' && e.message.includes('Payload/X.app/Info.plist'),
        doc,
      );
    }
  });

  test('binary: truncated, out-of-range and cyclic documents are refused, never a crash', () => {
    const good = Buffer.from(buildBinary({ a: [1, 2, { b: 'c' }], d: 'e' }));
    for (let n = 8; n < good.length; n += 3) {
      assert.throws(() => readPlistDict(good.subarray(0, n), 'x.plist'), (e: unknown) => e instanceof OtashipError && e.code === 'BAD_PLIST');
    }
    // Point every object reference of the root dict at the root itself: a cycle.
    const cyclic = Buffer.from(buildBinary({ a: { b: 1 } }));
    const t = cyclic.length - 32;
    const refSize = cyclic[t + 7] as number;
    const top = cyclic.readUInt32BE(t + 20);
    const offsetSize = cyclic[t + 6] as number;
    const tableAt = cyclic.readUInt32BE(t + 28);
    let rootAt = 0;
    for (let i = 0; i < offsetSize; i++) rootAt = rootAt * 256 + (cyclic[tableAt + top * offsetSize + i] as number);
    // Root dict {a: {b:1}}: marker, key ref, value ref. Make the value ref point at the root.
    cyclic.writeUIntBE(top, rootAt + 1 + refSize, refSize);
    assert.throws(() => readPlistDict(cyclic, 'cyclic.plist'), (e: unknown) => e instanceof OtashipError && /cycle/.test(e.message));
  });

  test('every plist in the real fixtures reads the same as with plist@5', { skip: FIXTURES_SKIP }, async () => {
    let compared = 0;
    const files = readdirSync(FIXTURES_DIR, { recursive: true, encoding: 'utf8' });
    for (const rel of files) {
      const path = join(FIXTURES_DIR, rel);
      const docs: Uint8Array[] = [];
      if (/\.(mobileprovision|provisionprofile)$/.test(rel)) {
        try {
          docs.push(cmsContent(readFileSync(path), rel));
        } catch {
          continue; // deliberately broken fixtures
        }
      } else if (/\.ipa$/.test(rel)) {
        let zip;
        try {
          zip = await openZip(path);
        } catch {
          continue;
        }
        try {
          for (const e of zip.entries()) {
            if (!/\.app\/Info\.plist$/.test(e.name) || e.size > 1 << 20) continue;
            docs.push(await zip.read(e.name, 1 << 20).catch(() => Buffer.alloc(0)));
          }
        } finally {
          await zip.close();
        }
      }
      for (const doc of docs) {
        let theirs: unknown;
        try {
          const b = Buffer.from(doc);
          theirs = b.subarray(0, 8).toString('latin1') === 'bplist00' ? parseBinary(b) : parse(b.toString('utf8'));
        } catch {
          continue; // plist@5 refuses it (e.g. unpadded base64): nothing to compare against
        }
        const ours = readPlistDict(doc, rel).value;
        assert.deepEqual(normalise(ours), normalise(theirs), rel);
        compared++;
      }
    }
    assert.ok(compared >= 20, `compared only ${compared} plists`);
  });
});
