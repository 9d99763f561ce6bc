import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as plistParse } from 'plist';
import {
  buildManifest,
  buildManifestForPackage,
  manifestBundleVersion,
  parseManifest,
  validateManifest,
  type ManifestInput,
} from '../../../src/core/manifest/index.js';
import { OtashipError, type ErrorCode } from '../../../src/core/errors.js';
import type { IpaInfo } from '../../../src/core/types.js';

const PKG = { bundleId: 'com.example.app', version: '1.2.3', build: '45', name: 'Example' };
const URLS = { softwarePackage: 'https://dl.example.com/app.ipa' };

function input(over: Partial<ManifestInput> = {}): ManifestInput {
  return { package: PKG, urls: URLS, ...over };
}

function rejectsWith(code: ErrorCode, fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OtashipError, `expected OtashipError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

/** What an independent parser (plist@5) reads from our XML. */
function independentTitle(xml: string): unknown {
  const root = plistParse(xml) as { items: { metadata: { title: string } }[] };
  return root.items[0]?.metadata.title;
}

const IPA_INFO: IpaInfo = {
  kind: 'ipa',
  bundleId: 'com.example.app',
  version: '2.0',
  build: '200',
  name: 'Example & Co',
  minOsVersion: '15.0',
  deviceFamilies: ['iphone'],
  icon: null,
  installable: { ok: true, reasons: [] },
  size: 1234,
  appPath: 'Payload/Example.app',
  platforms: ['iPhoneOS'],
  extensions: [],
  infoPlistFormat: 'binary',
  profile: null,
  signed: true,
};

describe('buildManifest: the document', () => {
  test('starts exactly with <?xml (no BOM, no whitespace), UTF-8, and validates clean', () => {
    const xml = buildManifest(input({ urls: { ...URLS, displayImage: 'https://dl.example.com/57.png', fullSizeImage: 'https://dl.example.com/512.png' } }));
    const bytes = Buffer.from(xml, 'utf8');
    assert.deepEqual([...bytes.subarray(0, 5)], [0x3c, 0x3f, 0x78, 0x6d, 0x6c]);
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
    assert.deepEqual(validateManifest(bytes), []);
  });

  test('holds Apple\'s structure: one item, the assets and the metadata from the package', () => {
    const xml = buildManifest(
      input({ urls: { ...URLS, displayImage: 'https://dl.example.com/57.png', fullSizeImage: 'https://dl.example.com/512.png' }, subtitle: 'Example Inc.' }),
    );
    const m = parseManifest(xml);
    assert.equal(m.items.length, 1);
    const item = m.items[0]!;
    assert.deepEqual(
      item.assets.map((a) => [a.kind, a.url]),
      [
        ['software-package', 'https://dl.example.com/app.ipa'],
        ['display-image', 'https://dl.example.com/57.png'],
        ['full-size-image', 'https://dl.example.com/512.png'],
      ],
    );
    assert.deepEqual(item.metadata, {
      'bundle-identifier': 'com.example.app',
      'bundle-version': '1.2.3',
      kind: 'software',
      'platform-identifier': 'com.apple.platform.iphoneos',
      title: 'Example',
      subtitle: 'Example Inc.',
    });
    // The independent parser sees the same document.
    assert.deepEqual(plistParse(xml), JSON.parse(JSON.stringify(m)));
  });

  test('bundle-version is CFBundleShortVersionString, else CFBundleVersion', () => {
    assert.equal(manifestBundleVersion({ version: '1.0', build: '7' }), '1.0');
    assert.equal(manifestBundleVersion({ version: null, build: '7' }), '7');
    assert.equal(manifestBundleVersion({ version: '', build: '7' }), '7');
    const m = parseManifest(buildManifest(input({ package: { ...PKG, version: null } })));
    assert.equal(m.items[0]?.metadata['bundle-version'], '45');
  });

  test('hashes go into the software-package asset, lower-case', () => {
    const sha = 'AB'.repeat(32);
    const md5 = 'cd'.repeat(16);
    const m = parseManifest(
      buildManifest(
        input({
          hashes: {
            sha256: sha,
            md5,
            sha256Chunks: { size: 1048576, hashes: ['01'.repeat(32), '02'.repeat(32)] },
            md5Chunks: { size: 2048, hashes: ['03'.repeat(16)] },
          },
        }),
      ),
    );
    const pkg = m.items[0]!.assets[0]!;
    assert.equal(pkg.sha256, sha.toLowerCase());
    assert.equal(pkg.md5, md5);
    assert.equal(pkg['sha256-size'], 1048576);
    assert.deepEqual(pkg.sha256s, ['01'.repeat(32), '02'.repeat(32)]);
    assert.equal(pkg['md5-size'], 2048);
    assert.deepEqual(pkg.md5s, ['03'.repeat(16)]);
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ hashes: { sha256: 'xyz' } })), /sha256 hash "xyz" is not 64 hex digits/);
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ hashes: { sha256Chunks: { size: 0, hashes: ['01'.repeat(32)] } } })), /sha256-size 0/);
  });
});

describe('buildManifest: escaping', () => {
  const hostile = [
    'Tom & Jerry',
    '<script>alert(1)</script>',
    'a ]]> b',
    '<![CDATA[x]]>',
    `"double" and 'single' quotes`,
    '&amp; already escaped &#x26; &lt;',
    'Ünïcödé — 日本語 — العربية',
    'emoji 😀👨‍👩‍👧 flags 🇫🇷',
    'line\nbreak\r\ncarriage\rreturn\ttab',
    'NEL\u0085 LS\u2028 PS\u2029',
    '  leading and trailing spaces  ',
    '</string></dict><key>x</key>',
  ];
  for (const title of hostile) {
    test(`title ${JSON.stringify(title)} comes back unchanged`, () => {
      const xml = buildManifest(input({ package: { ...PKG, name: title }, subtitle: title }));
      const m = parseManifest(xml);
      assert.equal(m.items[0]?.metadata.title, title);
      assert.equal(m.items[0]?.metadata.subtitle, title);
      assert.equal(independentTitle(xml), title);
      assert.deepEqual(validateManifest(xml), []);
    });
  }

  test('a bundle identifier with markup is escaped, not interpreted', () => {
    const xml = buildManifest(input({ package: { ...PKG, bundleId: 'com.a&b<c>' } }));
    assert.equal(parseManifest(xml).items[0]?.metadata['bundle-identifier'], 'com.a&b<c>');
  });

  test('characters XML 1.0 cannot carry are dropped from the title, refused in identifier and version', () => {
    const m = parseManifest(buildManifest(input({ package: { ...PKG, name: 'Bad\u0000\u0007App\uFFFF\uD800!' } })));
    assert.equal(m.items[0]?.metadata.title, 'BadApp!');
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ package: { ...PKG, bundleId: 'com.ex\u0001' } })), /U\+0001 at index 6/);
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ package: { ...PKG, version: '1.0\u001b' } })), /U\+001B/);
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ package: { ...PKG, name: '\u0001\u0002' } })), /app name \(title\) is empty/);
    rejectsWith('MANIFEST_INPUT', () => buildManifest(input({ package: { ...PKG, bundleId: '' } })), /bundle identifier/);
  });
});

describe('buildManifest: URLs', () => {
  test('http, relative, hostless input and control characters are refused with BAD_URL', () => {
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { softwarePackage: 'http://dl.example.com/app.ipa' } })), /must use https/);
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { softwarePackage: '/app.ipa' } })), /not an absolute URL/);
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { softwarePackage: '' } })), /missing/);
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { softwarePackage: 'https://x.example/a\nb.ipa' } })), /U\+000A at index 19/);
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { softwarePackage: ' https://x.example/a.ipa' } })), /whitespace/);
    rejectsWith('BAD_URL', () => buildManifest(input({ urls: { ...URLS, displayImage: 'ftp://x.example/i.png' } })), /display-image URL must use https/);
  });

  test('spaces, non-ASCII and RFC 3986-forbidden characters are percent-encoded; queries survive', () => {
    const m = parseManifest(
      buildManifest(input({ urls: { softwarePackage: 'https://Dl.Example.com/My App/äpp|v^2%zz.ipa?token=a+b%2Fc&x=1' } })),
    );
    assert.equal(m.items[0]?.assets[0]?.url, 'https://dl.example.com/My%20App/%C3%A4pp%7Cv%5E2%25zz.ipa?token=a+b%2Fc&x=1');
  });

  test('a canonical presigned URL is written byte for byte', () => {
    const url =
      'https://bucket.s3.eu-west-1.amazonaws.com/apps/a.ipa?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=abc123';
    const m = parseManifest(buildManifest(input({ urls: { softwarePackage: url } })));
    assert.equal(m.items[0]?.assets[0]?.url, url);
  });
});

describe('buildManifestForPackage', () => {
  test('takes identifier, version and title from the IpaInfo', () => {
    const m = parseManifest(buildManifestForPackage(IPA_INFO, URLS, { subtitle: 'Dev' }));
    assert.equal(m.items[0]?.metadata['bundle-identifier'], 'com.example.app');
    assert.equal(m.items[0]?.metadata['bundle-version'], '2.0');
    assert.equal(m.items[0]?.metadata.title, 'Example & Co');
    assert.equal(m.items[0]?.metadata.subtitle, 'Dev');
  });

  test('refuses an Android package', () => {
    const apk = { ...IPA_INFO, kind: 'apk' } as unknown as IpaInfo;
    rejectsWith('MANIFEST_NEEDS_IPA', () => buildManifestForPackage(apk, URLS), /Android/);
  });
});
