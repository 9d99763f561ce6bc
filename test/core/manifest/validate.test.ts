import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBinary } from 'plist';
import {
  MANIFEST_PROBLEMS,
  MAX_MANIFEST_BYTES,
  analyseManifest,
  buildManifest,
  parseManifest,
  validateManifest,
} from '../../../src/core/manifest/index.js';
import { writeXmlPlist, type PlistDict, type PlistWritable } from '../../../src/core/manifest/xml-plist-writer.js';
import { OtashipError } from '../../../src/core/errors.js';
import { CROSS_CHECK_CODES } from './codes.js';
import { lintInstallLink } from '../../../src/core/link/index.js';

// What Xcode's "Include manifest for over-the-air installation" writes (hand-typed, not generated).
const XCODE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>items</key>
	<array>
		<dict>
			<key>assets</key>
			<array>
				<dict>
					<key>kind</key>
					<string>software-package</string>
					<key>url</key>
					<string>https://dl.example.com/apps/Example.ipa</string>
				</dict>
				<dict>
					<key>kind</key>
					<string>display-image</string>
					<key>needs-shine</key>
					<false/>
					<key>url</key>
					<string>https://dl.example.com/apps/57.png</string>
				</dict>
				<dict>
					<key>kind</key>
					<string>full-size-image</string>
					<key>needs-shine</key>
					<false/>
					<key>url</key>
					<string>https://dl.example.com/apps/512.png</string>
				</dict>
			</array>
			<key>metadata</key>
			<dict>
				<key>bundle-identifier</key>
				<string>com.example.app</string>
				<key>bundle-version</key>
				<string>1.0</string>
				<key>kind</key>
				<string>software</string>
				<key>platform-identifier</key>
				<string>com.apple.platform.iphoneos</string>
				<key>title</key>
				<string>Example</string>
			</dict>
		</dict>
	</array>
</dict>
</plist>
`;

const SHA = 'a'.repeat(64);
const MD5 = 'b'.repeat(32);

type Asset = Record<string, PlistWritable>;
const PKG: Asset = { kind: 'software-package', url: 'https://dl.example.com/a.ipa' };
const META: Record<string, PlistWritable> = { 'bundle-identifier': 'com.example.app', 'bundle-version': '1.0', kind: 'software', title: 'Example' };

function doc(item: PlistDict): string {
  return writeXmlPlist({ items: [item] });
}
function withAssets(...assets: PlistWritable[]): string {
  return doc({ assets, metadata: META });
}
function withMeta(over: Record<string, PlistWritable | undefined>): string {
  const metadata: Record<string, PlistWritable> = {};
  for (const [k, v] of Object.entries({ ...META, ...over })) if (v !== undefined) metadata[k] = v;
  return doc({ assets: [PKG], metadata });
}
function withPkg(over: Asset): string {
  return withAssets({ ...PKG, ...over });
}

interface Case {
  name: string;
  input: string | Uint8Array | object;
  codes: string[];
  path?: string;
  message?: RegExp;
}

const CASES: Case[] = [
  // document
  { name: 'a huge file', input: Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20), codes: ['TOO_LARGE'] },
  { name: 'a UTF-8 BOM (text)', input: `\uFEFF${XCODE}`, codes: ['BOM'] },
  { name: 'a UTF-8 BOM (bytes)', input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XCODE)]), codes: ['BOM'] },
  { name: 'a newline before <?xml', input: `\n${XCODE}`, codes: ['LEADING_BYTES'], message: /1 whitespace character before/ },
  { name: 'junk before <?xml', input: `HTTP/1.1 200 OK\r\n\r\n${XCODE}`, codes: ['LEADING_BYTES'], message: /"HTTP\/1.1 200 OK"/ },
  { name: 'no XML declaration', input: XCODE.slice(XCODE.indexOf('<!DOCTYPE')), codes: ['NO_XML_DECLARATION'] },
  { name: 'a declared non-UTF-8 encoding', input: XCODE.replace('UTF-8', 'ISO-8859-1'), codes: ['ENCODING'], message: /ISO-8859-1/ },
  { name: 'UTF-16 bytes', input: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XCODE, 'utf16le')]), codes: ['ENCODING'] },
  { name: 'invalid UTF-8 bytes', input: Buffer.from(XCODE.replace('Example<', 'Ex\u00ffmple<'), 'latin1'), codes: ['ENCODING'] },
  { name: 'a binary plist', input: buildBinary({ items: [{ assets: [PKG], metadata: META }] } as never), codes: ['BINARY_PLIST'] },
  { name: 'truncated XML', input: XCODE.slice(0, -30), codes: ['MALFORMED_XML'] },
  { name: 'an internal entity', input: XCODE.replace('<plist version', '<!DOCTYPE x [<!ENTITY e "x">]><plist version').replace('Example<', '&e;<'), codes: ['MALFORMED_XML'] },
  { name: 'a forbidden character reference', input: XCODE.replace('Example<', 'Ex&#x1;<'), codes: ['MALFORMED_XML'] },
  { name: 'HTML instead of a plist', input: '<?xml version="1.0"?><html><body>Not found</body></html>', codes: ['NOT_A_PLIST'], message: /<html>/ },
  { name: 'an empty file', input: '', codes: ['NOT_A_PLIST'] },
  { name: 'a broken dict', input: XCODE.replace('<key>title</key>', ''), codes: ['NOT_A_PLIST'], message: /<key>bundle-identifier<\/key>|where a <key> belongs/ },
  { name: 'a repeated key', input: XCODE.replace('<key>title</key>', '<key>title</key><string>Old</string><key>title</key>'), codes: ['DUPLICATE_KEY'] },
  // structure
  { name: 'an array root', input: writeXmlPlist([PKG]), codes: ['ROOT_NOT_DICT'] },
  { name: 'no items', input: writeXmlPlist({ assets: [PKG] }), codes: ['MISSING_ITEMS'] },
  { name: 'empty items', input: writeXmlPlist({ items: [] }), codes: ['NO_ITEMS'] },
  { name: 'two items', input: writeXmlPlist({ items: [{ assets: [PKG], metadata: META }, { assets: [PKG], metadata: META }] }), codes: ['SEVERAL_ITEMS'] },
  { name: 'an item that is a string', input: writeXmlPlist({ items: ['x'] }), codes: ['ITEM_NOT_DICT'] },
  { name: 'no assets', input: doc({ metadata: META }), codes: ['MISSING_ASSETS'], path: 'items[0].assets' },
  { name: 'no metadata', input: doc({ assets: [PKG] }), codes: ['MISSING_METADATA'], path: 'items[0].metadata' },
  { name: 'items as a dict', input: writeXmlPlist({ items: { assets: [PKG], metadata: META } }), codes: ['WRONG_TYPE'], path: 'items' },
  { name: 'bundle-version as an integer', input: withMeta({ 'bundle-version': 3 }), codes: ['WRONG_TYPE'], path: 'items[0].metadata.bundle-version' },
  { name: 'sha256-size as a string', input: withPkg({ 'sha256-size': '1024', sha256s: [SHA] }), codes: ['WRONG_TYPE'] },
  { name: 'an asset that is a string', input: withAssets(PKG, 'https://dl.example.com/57.png'), codes: ['ASSET_NOT_DICT'] },
  { name: 'an asset without kind', input: withAssets(PKG, { url: 'https://dl.example.com/57.png' }), codes: ['MISSING_ASSET_KIND'] },
  { name: 'an asset without url', input: withAssets({ kind: 'software-package' }), codes: ['MISSING_ASSET_URL'] },
  {
    name: 'a misspelt kind',
    input: withAssets({ kind: 'software_package', url: 'https://dl.example.com/a.ipa' }),
    codes: ['UNKNOWN_ASSET_KIND', 'MISSING_SOFTWARE_PACKAGE'],
    message: /did you mean "software-package"/,
  },
  { name: 'no software-package', input: withAssets({ kind: 'display-image', url: 'https://dl.example.com/57.png' }), codes: ['MISSING_SOFTWARE_PACKAGE'] },
  { name: 'two software-packages', input: withAssets(PKG, PKG), codes: ['SEVERAL_SOFTWARE_PACKAGES'] },
  {
    name: 'two display images',
    input: withAssets(PKG, { kind: 'display-image', url: 'https://x.example/1.png' }, { kind: 'display-image', url: 'https://x.example/2.png' }),
    codes: ['DUPLICATE_ASSET'],
  },
  // URLs
  { name: 'a relative URL', input: withPkg({ url: 'apps/a.ipa' }), codes: ['URL_NOT_ABSOLUTE'], path: 'items[0].assets[0].url' },
  { name: 'an http URL', input: withPkg({ url: 'http://dl.example.com/a.ipa' }), codes: ['URL_NOT_HTTPS'] },
  { name: 'a space in the URL', input: withPkg({ url: 'https://dl.example.com/My App.ipa' }), codes: ['URL_INVALID_CHARACTERS'], message: /a space at index 25/ },
  { name: 'non-ASCII in the URL', input: withPkg({ url: 'https://dl.example.com/äpp.ipa' }), codes: ['URL_INVALID_CHARACTERS'] },
  { name: 'a localhost URL', input: withPkg({ url: 'https://localhost:8443/a.ipa' }), codes: ['URL_LOOPBACK'] },
  { name: 'a 127.0.0.1 URL', input: withPkg({ url: 'https://127.0.0.1/a.ipa' }), codes: ['URL_LOOPBACK'] },
  { name: 'a 127.1 shorthand URL (shared host classification)', input: withPkg({ url: 'https://127.1/a.ipa' }), codes: ['URL_LOOPBACK'] },
  { name: 'an IPv4-mapped loopback URL', input: withPkg({ url: 'https://[::ffff:127.0.0.1]/a.ipa' }), codes: ['URL_LOOPBACK'] },
  { name: 'a private-network URL', input: withPkg({ url: 'https://192.168.1.5/a.ipa' }), codes: ['URL_PRIVATE_NETWORK'] },
  { name: 'a software-package URL ending in .plist', input: withPkg({ url: 'https://dl.example.com/manifest.plist' }), codes: ['PACKAGE_URL_IS_MANIFEST'] },
  { name: 'credentials in the URL', input: withPkg({ url: 'https://me:secret@dl.example.com/a.ipa' }), codes: ['URL_CREDENTIALS'] },
  { name: 'a JPEG display image', input: withAssets(PKG, { kind: 'display-image', url: 'https://x.example/icon.jpg' }), codes: ['IMAGE_NOT_PNG'] },
  // metadata
  { name: 'no bundle-identifier', input: withMeta({ 'bundle-identifier': undefined }), codes: ['MISSING_BUNDLE_IDENTIFIER'] },
  { name: 'an empty bundle-identifier', input: withMeta({ 'bundle-identifier': '' }), codes: ['MISSING_BUNDLE_IDENTIFIER'] },
  { name: 'a space in the bundle-identifier', input: withMeta({ 'bundle-identifier': 'com.example app' }), codes: ['BUNDLE_IDENTIFIER_CHARACTERS'] },
  { name: 'no title', input: withMeta({ title: undefined }), codes: ['MISSING_TITLE'] },
  { name: 'no kind', input: withMeta({ kind: undefined }), codes: ['MISSING_KIND'] },
  { name: 'kind "app"', input: withMeta({ kind: 'app' }), codes: ['KIND_NOT_SOFTWARE'] },
  // hashes
  { name: 'a short sha256', input: withPkg({ sha256: 'abc' }), codes: ['BAD_HASH'], path: 'items[0].assets[0].sha256' },
  { name: 'a bad sha256s entry', input: withPkg({ 'sha256-size': 1024, sha256s: [SHA, 'zz'] }), codes: ['BAD_HASH'], path: 'items[0].assets[0].sha256s[1]' },
  { name: 'a SHA-256 in md5', input: withPkg({ sha256: SHA, md5: SHA }), codes: ['BAD_HASH'] },
  { name: 'a zero chunk size', input: withPkg({ 'sha256-size': 0, sha256s: [SHA] }), codes: ['BAD_CHUNK_SIZE'] },
  { name: 'chunk hashes without a size', input: withPkg({ sha256s: [SHA] }), codes: ['CHUNK_HASHES_WITHOUT_SIZE'] },
  { name: 'a size without chunk hashes', input: withPkg({ 'sha256-size': 1024 }), codes: ['CHUNK_SIZE_WITHOUT_HASHES'] },
  { name: 'an empty chunk list', input: withPkg({ 'md5-size': 1024, md5s: [], sha256: SHA }), codes: ['CHUNK_SIZE_WITHOUT_HASHES'] },
  { name: 'MD5 only', input: withPkg({ 'md5-size': 1024, md5s: [MD5] }), codes: ['MD5_ONLY'] },
];

describe('validateManifest', () => {
  test('an Xcode-style manifest and a generated one are clean', () => {
    assert.deepEqual(validateManifest(XCODE), []);
    assert.deepEqual(validateManifest(Buffer.from(XCODE)), []);
    const generated = buildManifest({
      package: { bundleId: 'com.example.app', version: '1.0', build: '1', name: 'Example' },
      urls: { softwarePackage: 'https://dl.example.com/a.ipa', displayImage: 'https://dl.example.com/57.png' },
      hashes: { sha256: SHA, sha256Chunks: { size: 4096, hashes: [SHA] }, md5: MD5 },
    });
    assert.deepEqual(validateManifest(generated), []);
  });

  for (const c of CASES) {
    test(`${c.name} → ${c.codes.join(', ')}`, () => {
      const problems = validateManifest(c.input);
      assert.deepEqual(problems.map((p) => p.code).sort(), [...c.codes].sort(), JSON.stringify(problems, null, 1));
      for (const p of problems) {
        assert.equal(p.severity, MANIFEST_PROBLEMS[p.code as keyof typeof MANIFEST_PROBLEMS]);
        assert.ok(p.message.length > 10 && !p.message.includes('\n'), p.message);
      }
      const first = problems.find((p) => p.code === c.codes[0]);
      if (c.path) assert.equal(first?.path, c.path);
      if (c.message) assert.match(first?.message ?? '', c.message);
      assert.equal(analyseManifest(c.input).valid, !problems.some((p) => p.severity === 'error'));
    });
  }

  test('every validation code is triggered by a case above', () => {
    const covered = new Set(CASES.flatMap((c) => c.codes));
    const missing = Object.keys(MANIFEST_PROBLEMS).filter((code) => !covered.has(code) && !CROSS_CHECK_CODES.includes(code));
    assert.deepEqual(missing, []);
  });

  test('a host is judged alike by the manifest validator and the link linter (same codes of severity)', () => {
    const hosts = ['localhost', '127.0.0.1', '127.1', '[::1]', '0.0.0.0', '[::ffff:127.0.0.1]', '192.168.1.5', '10.0.0.1', 'mac.local', 'buildserver', 'ota.example.com'];
    for (const host of hosts) {
      const lint = lintInstallLink(`itms-services://?action=download-manifest&url=${encodeURIComponent(`https://${host}/m.plist`)}`);
      const fromLint = lint.problems.find((p) => p.code.startsWith('host-'))?.severity ?? null;
      const manifest = validateManifest(withPkg({ url: `https://${host}/a.ipa` }));
      const fromManifest = manifest.find((p) => p.code === 'URL_LOOPBACK' || p.code === 'URL_PRIVATE_NETWORK')?.severity ?? null;
      assert.equal(fromManifest, fromLint, host);
    }
  });

  test('a plain object is validated like the XML it stands for', () => {
    assert.deepEqual(validateManifest(parseManifest(XCODE)), []);
    const codes = validateManifest({ items: [{ assets: [{ kind: 'software-package', url: 'http://x.example/a.ipa' }], metadata: {} }] }).map((p) => p.code);
    assert.deepEqual(codes.sort(), ['MISSING_BUNDLE_IDENTIFIER', 'MISSING_KIND', 'MISSING_TITLE', 'URL_NOT_HTTPS']);
  });

  test('a __proto__ key is plain data, not prototype pollution', () => {
    const xml = XCODE.replace('<key>title</key>', '<key>__proto__</key><dict><key>polluted</key><true/></dict><key>title</key>');
    assert.deepEqual(validateManifest(xml), []);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseManifest', () => {
  test('returns the typed object, keeping problems that are not about structure', () => {
    const m = parseManifest(XCODE.replace('https://dl.example.com/apps/Example.ipa', 'http://dl.example.com/a.ipa'));
    assert.equal(m.items[0]?.assets[0]?.url, 'http://dl.example.com/a.ipa');
    assert.equal(m.items[0]?.assets[1]?.['needs-shine'], false);
    assert.equal(m.items[0]?.metadata['platform-identifier'], 'com.apple.platform.iphoneos');
  });

  test('throws BAD_MANIFEST naming what is missing', () => {
    assert.throws(
      () => parseManifest(withMeta({ title: undefined })),
      (e: unknown) => e instanceof OtashipError && e.code === 'BAD_MANIFEST' && /items\[0\]\.metadata\.title: metadata has no "title"/.test(e.message),
    );
    assert.throws(() => parseManifest('not xml'), (e: unknown) => e instanceof OtashipError && e.code === 'BAD_MANIFEST');
  });
});
