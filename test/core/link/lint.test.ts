import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  LINK_PROBLEMS,
  lintInstallLink,
  lintInstallLinks,
  parseInstallLink,
  type LinkProblemCode,
} from '../../../src/core/link/index.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const M = 'https://ota.example.com/apps/app.plist';
const ENC = encodeURIComponent(M);
const GOOD = `itms-services://?action=download-manifest&url=${ENC}`;

interface Case {
  readonly name: string;
  readonly link: string;
  readonly code: LinkProblemCode;
  /** The manifest URL the fixed link must carry, or null when no fix can exist. */
  readonly fixUrl: string | null;
  readonly source?: 'attribute' | 'text';
}

const CASES: readonly Case[] = [
  { name: 'bare https manifest URL', link: M, code: 'not-itms-link', fixUrl: M },
  { name: 'arbitrary text', link: 'install me', code: 'not-itms-link', fixUrl: null },
  { name: 'itms-apps://', link: `itms-apps://?action=download-manifest&url=${ENC}`, code: 'store-scheme', fixUrl: M },
  { name: 'itms://', link: `itms://?action=download-manifest&url=${M}`, code: 'store-scheme', fixUrl: M },
  { name: 'itmss://', link: `itmss://?action=download-manifest&url=${ENC}`, code: 'store-scheme', fixUrl: M },
  { name: 'itms-service:', link: `itms-service://?action=download-manifest&url=${ENC}`, code: 'scheme-typo', fixUrl: M },
  { name: 'itms-servces:', link: `itms-servces://?action=download-manifest&url=${ENC}`, code: 'scheme-typo', fixUrl: M },
  { name: 'missing colon', link: `itms-services//?action=download-manifest&url=${ENC}`, code: 'scheme-typo', fixUrl: M },
  { name: 'upper-case scheme', link: `ITMS-Services://?action=download-manifest&url=${ENC}`, code: 'scheme-case', fixUrl: M },
  { name: 'one slash', link: `itms-services:/?action=download-manifest&url=${ENC}`, code: 'scheme-slashes', fixUrl: M },
  { name: 'no slash', link: `itms-services:?action=download-manifest&url=${ENC}`, code: 'scheme-slashes', fixUrl: M },
  { name: 'four slashes', link: `itms-services:////?action=download-manifest&url=${ENC}`, code: 'scheme-slashes', fixUrl: M },
  { name: 'three slashes (works in production)', link: `itms-services:///?action=download-manifest&url=${ENC}`, code: 'scheme-three-slashes', fixUrl: M },
  { name: '{domain} placeholder', link: 'itms-services://?action=download-manifest&url=https://{domain}/app.plist', code: 'url-placeholder', fixUrl: null },
  { name: 'no ?', link: `itms-services://action=download-manifest&url=${ENC}`, code: 'missing-question-mark', fixUrl: M },
  { name: 'a host', link: `itms-services://ota.example.com?action=download-manifest&url=${ENC}`, code: 'unexpected-host', fixUrl: M },
  { name: 'no action', link: `itms-services://?url=${ENC}`, code: 'missing-action', fixUrl: M },
  { name: 'action twice', link: `itms-services://?action=download-manifest&action=download-manifest&url=${ENC}`, code: 'duplicate-action', fixUrl: M },
  { name: 'action typo', link: `itms-services://?action=download-manifests&url=${ENC}`, code: 'unknown-action', fixUrl: M },
  { name: 'action case', link: `itms-services://?action=Download-Manifest&url=${ENC}`, code: 'unknown-action', fixUrl: M },
  { name: 'unrelated action', link: `itms-services://?action=open&url=${ENC}`, code: 'unknown-action', fixUrl: null },
  { name: 'no url', link: 'itms-services://?action=download-manifest', code: 'missing-url', fixUrl: null },
  { name: 'empty url', link: 'itms-services://?action=download-manifest&url=', code: 'missing-url', fixUrl: null },
  { name: 'same url twice', link: `${GOOD}&url=${ENC}`, code: 'duplicate-url', fixUrl: M },
  { name: 'different urls', link: `${GOOD}&url=${encodeURIComponent('https://b.example.com/b.plist')}`, code: 'duplicate-url', fixUrl: null },
  {
    name: 'doubled prefix, unencoded',
    link: `itms-services://?action=download-manifest&url=itms-services://?action=download-manifest&url=${M}`,
    code: 'doubled-prefix',
    fixUrl: M,
  },
  {
    name: 'doubled prefix, encoded',
    link: `itms-services://?action=download-manifest&url=${encodeURIComponent(GOOD)}`,
    code: 'doubled-prefix',
    fixUrl: M,
  },
  { name: '&amp;url (seed article)', link: `itms-services://?action=download-manifest&amp;url=${M}`, code: 'html-escaped', fixUrl: M },
  { name: '&amp;amp;url', link: `itms-services://?action=download-manifest&amp;amp;url=${ENC}`, code: 'html-escaped', fixUrl: M },
  { name: '&#38;url', link: `itms-services://?action=download-manifest&#38;url=${ENC}`, code: 'html-escaped', fixUrl: M },
  { name: '&#038;url', link: `itms-services://?action=download-manifest&#038;url=${ENC}`, code: 'html-escaped', fixUrl: M },
  { name: '&#x26;url', link: `itms-services://?action=download-manifest&#x26;url=${ENC}`, code: 'html-escaped', fixUrl: M },
  {
    name: '&amp;amp; left after the browser decoded the href',
    link: `itms-services://?action=download-manifest&amp;url=${ENC}`,
    code: 'html-escaped',
    fixUrl: M,
    source: 'attribute',
  },
  {
    name: 'lone % in an unencoded url',
    link: 'itms-services://?action=download-manifest&url=https://ota.example.com/100%.plist',
    code: 'bad-percent-encoding',
    fixUrl: 'https://ota.example.com/100%25.plist',
  },
  { name: 'https%253A', link: `itms-services://?action=download-manifest&url=${encodeURIComponent(ENC)}`, code: 'double-encoded', fixUrl: M },
  {
    name: 'unencoded query with &',
    link: 'itms-services://?action=download-manifest&url=https://ota.example.com/m.plist?token=a+b&expires=9&sig=c',
    code: 'url-unencoded-query',
    fixUrl: 'https://ota.example.com/m.plist?token=a+b&expires=9&sig=c',
  },
  {
    // Both readings are valid URLs: no guess, the message gives both links.
    name: 'unencoded URL holding %-escapes',
    link: 'itms-services://?action=download-manifest&url=https://ota.example.com/m.plist?sig=a%2Fb%2B',
    code: 'url-not-encoded',
    fixUrl: null,
  },
  {
    name: 'unencoded URL whose escapes decode to a space (what iOS fetches is broken)',
    link: 'itms-services://?action=download-manifest&url=https://ota.example.com/my%20app.plist',
    code: 'url-not-encoded',
    fixUrl: 'https://ota.example.com/my%20app.plist',
  },
  {
    name: 'partly encoded: the query encoded, the rest not',
    link: 'itms-services://?action=download-manifest&url=https://ota.example.com/m.plist%3Ft%3D1%26x%3D2',
    code: 'url-partly-encoded',
    fixUrl: 'https://ota.example.com/m.plist?t=1&x=2',
  },
  { name: 'relative path', link: 'itms-services://?action=download-manifest&url=%2Fapps%2Fapp.plist', code: 'url-not-absolute', fixUrl: null },
  { name: 'bare file name', link: 'itms-services://?action=download-manifest&url=app.plist', code: 'url-not-absolute', fixUrl: null },
  { name: 'https:/ with one slash', link: 'itms-services://?action=download-manifest&url=https:/ota.example.com/a.plist', code: 'url-not-absolute', fixUrl: null },
  { name: 'http', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('http://ota.example.com/a.plist')}`, code: 'url-not-https', fixUrl: null },
  { name: 'ftp', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('ftp://ota.example.com/a.plist')}`, code: 'url-not-https', fixUrl: null },
  {
    name: 'space in the manifest URL',
    link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/my app.plist')}`,
    code: 'url-invalid-characters',
    fixUrl: 'https://ota.example.com/my%20app.plist',
  },
  {
    name: 'non-ASCII and | in the manifest URL',
    link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/é.plist?a=b|c')}`,
    code: 'url-invalid-characters',
    fixUrl: 'https://ota.example.com/%C3%A9.plist?a=b%7Cc',
  },
  {
    name: 'credentials',
    link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://me:secret@ota.example.com/a.plist')}`,
    code: 'url-has-credentials',
    fixUrl: null, // the canonical link is the input itself: nothing to repair
  },
  { name: '.ipa', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/App.IPA')}`, code: 'url-is-package', fixUrl: null },
  { name: '.apk', link: 'itms-services://?action=download-manifest&url=https://ota.example.com/app.apk', code: 'url-is-package', fixUrl: null },
  { name: '.html', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/install.html')}`, code: 'url-unexpected-extension', fixUrl: null },
  { name: 'localhost', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://localhost:8443/a.plist')}`, code: 'host-unreachable', fixUrl: null },
  { name: '127.0.0.1', link: 'itms-services://?action=download-manifest&url=https://127.0.0.1/a.plist', code: 'host-unreachable', fixUrl: null },
  { name: '127.1 shorthand', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://127.1/a.plist')}`, code: 'host-unreachable', fixUrl: null },
  { name: '[::1]', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://[::1]/a.plist')}`, code: 'host-unreachable', fixUrl: null },
  { name: '0.0.0.0', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://0.0.0.0/a.plist')}`, code: 'host-unreachable', fixUrl: null },
  { name: '192.168/16', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://192.168.1.20/a.plist')}`, code: 'host-private-network', fixUrl: null },
  { name: '10/8', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://10.1.2.3/a.plist')}`, code: 'host-private-network', fixUrl: null },
  { name: '172.16/12', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://172.20.0.1/a.plist')}`, code: 'host-private-network', fixUrl: null },
  { name: '.local', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://mac-mini.local/a.plist')}`, code: 'host-private-network', fixUrl: null },
  { name: 'single-label host', link: `itms-services://?action=download-manifest&url=${encodeURIComponent('https://buildserver/a.plist')}`, code: 'host-private-network', fixUrl: null },
  { name: 'extra parameter', link: `${GOOD}&utm_source=mail`, code: 'unknown-parameter', fixUrl: M },
  { name: 'URL= in capitals', link: `itms-services://?action=download-manifest&URL=${ENC}`, code: 'missing-url', fixUrl: M },
  { name: 'Action= in capitals', link: `itms-services://?Action=download-manifest&url=${ENC}`, code: 'missing-action', fixUrl: M },
  {
    name: 'purchaseIntent',
    link: 'itms-services://?action=purchaseIntent&bundleId=com.example.app&productIdentifier=pro.monthly',
    code: 'not-install-link',
    fixUrl: null,
  },
  {
    name: 'purchaseIntent without productIdentifier',
    link: 'itms-services://?action=purchaseIntent&bundleId=com.example.app',
    code: 'purchase-intent-incomplete',
    fixUrl: null,
  },
];

describe('lintInstallLink: every problem code', () => {
  for (const c of CASES) {
    test(`${c.code}: ${c.name}`, () => {
      const result = lintInstallLink(c.link, c.source === undefined ? {} : { source: c.source });
      const hit = result.problems.find((p) => p.code === c.code);
      assert.ok(hit, `expected ${c.code}, got ${JSON.stringify(result.problems)}`);
      assert.equal(hit.severity, LINK_PROBLEMS[c.code].severity);
      assert.ok(hit.message.length > 20);
      assert.equal(result.input, c.link);
      assert.equal(result.ok, !result.problems.some((p) => p.severity === 'error'));
      if (c.fixUrl === null) {
        assert.equal(result.fixed, null, `no fix expected, got ${result.fixed}`);
      } else {
        assert.ok(result.fixed !== null, 'a fix is expected');
        assert.equal(parseInstallLink(result.fixed).url, c.fixUrl);
        const again = lintInstallLink(result.fixed);
        assert.deepEqual(again.problems, [], `the fixed link lints clean: ${result.fixed}`);
        assert.equal(again.fixed, null);
      }
    });
  }

  test('every catalogued code is triggered by a case above', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const missing = Object.keys(LINK_PROBLEMS).filter((code) => !covered.has(code as LinkProblemCode));
    assert.deepEqual(missing, []);
  });
});

describe('lintInstallLink: template placeholders', () => {
  const placeholders: ReadonlyArray<[string, string]> = [
    ['https://{domain}/app.plist', '{domain}'],
    ['https://{{ host }}/app.plist', '{{ host }}'],
    ['https://${HOST}/apps/app.plist', '${HOST}'],
    ['https://$OTA_HOST/app.plist', '$OTA_HOST'],
    ['https://<your-server>/app.plist', '<your-server>'],
    ['https://[your-server]/app.plist', '[your-server]'],
    ['https://%s/app.plist', '%s'],
    ['https://ota.example.com/{app}/manifest.plist', '{app}'],
  ];
  for (const [url, placeholder] of placeholders) {
    for (const [form, link] of [
      ['as written', `itms-services://?action=download-manifest&url=${url}`],
      ['encoded', `itms-services://?action=download-manifest&url=${encodeURIComponent(url)}`],
    ] as const) {
      test(`${placeholder} (${form}) is a placeholder, with no fix presented`, () => {
        const result = lintInstallLink(link);
        assert.deepEqual(result.problems.map((p) => p.code), ['url-placeholder'], JSON.stringify(result.problems));
        assert.ok(result.problems[0]?.message.includes(`"${placeholder}"`), result.problems[0]?.message);
        assert.equal(result.ok, false);
        assert.equal(result.fixed, null);
      });
    }
  }

  test('other problems of a template are still named, and it gets no fix', () => {
    const result = lintInstallLink('itms-services://?action=download-manifest&amp;url=https://{domain}/app.plist');
    assert.deepEqual(result.problems.map((p) => p.code), ['html-escaped', 'url-placeholder']);
    assert.equal(result.fixed, null);
  });

  test('a printf placeholder outside the manifest URL is a bad escape: the link cannot be decoded', () => {
    // An unencoded URL cut at its own '&' leaves "%s" in a parameter iOS ignores; parseInstallLink refuses it.
    const link = 'itms-services://?action=download-manifest&url=https://ota.example.com/&.plist?q=%s';
    const result = lintInstallLink(link);
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.code === 'bad-percent-encoding'), JSON.stringify(result.problems));
    assert.throws(() => parseInstallLink(link), /holds a % that is not followed by two hex digits/);
  });

  test('a <placeholder> in plain text is kept inside the link it belongs to', () => {
    const report = lintInstallLinks('Install from itms-services://?action=download-manifest&url=https://<your-server>/app.plist today.');
    assert.equal(report.links.length, 1);
    assert.equal(report.links[0]?.input, 'itms-services://?action=download-manifest&url=https://<your-server>/app.plist');
    assert.deepEqual(report.links[0]?.problems.map((p) => p.code), ['url-placeholder']);
  });

  test('real URLs with brackets or example names are not placeholders', () => {
    for (const url of ['https://ota.example.com/m.plist?filter[name]=x', 'https://[2001:db8::1]/a.plist', 'https://your-server.com/app.plist']) {
      const codes = lintInstallLink(`itms-services://?action=download-manifest&url=${encodeURIComponent(url)}`).problems.map((p) => p.code);
      assert.ok(!codes.includes('url-placeholder'), `${url}: ${codes.join(', ')}`);
    }
  });
});

describe('lintInstallLink: three slashes', () => {
  test('itms-services:/// is a warning: the link stays ok and the canonical form is offered', () => {
    const result = lintInstallLink(`itms-services:///?action=download-manifest&url=${ENC}`);
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity]), [['scheme-three-slashes', 'warning']]);
    assert.equal(result.fixed, GOOD);
  });
});

describe('lintInstallLink: verdicts', () => {
  test('well-formed links have no problems (encoded, unencoded without escapes, query-only manifests)', () => {
    for (const link of [
      GOOD,
      'itms-services://?action=download-manifest&url=https%3A%2F%2Fmycompany.com%2Fmanifests%2Fv2.1%2Fapp.plist',
      'itms-services://?action=download-manifest&url=https://your-server.com/app.plist',
      `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/releases/42/manifest?token=a+b/c&exp=1')}`,
      `itms-services://?action=download-manifest&url=${encodeURIComponent('https://ota.example.com/m.xml')}`,
    ]) {
      const result = lintInstallLink(link);
      assert.deepEqual(result, { input: link, ok: true, problems: [], fixed: null });
    }
  });

  test('the amp-url case: &amp;url= in text is broken, and the fix carries the manifest URL', () => {
    const result = lintInstallLink('itms-services://?action=download-manifest&amp;url=https://your-server.com/app.plist');
    assert.equal(result.ok, false);
    assert.deepEqual(result.problems.map((p) => p.code), ['html-escaped']);
    assert.match(result.problems[0]?.message ?? '', /amp;url/);
    assert.equal(result.fixed, 'itms-services://?action=download-manifest&url=https%3A%2F%2Fyour-server.com%2Fapp.plist');
  });

  test('html-escaped says how many times the link was escaped, by where it was found', () => {
    const text = lintInstallLink(`itms-services://?action=download-manifest&amp;amp;url=${ENC}`);
    assert.match(text.problems[0]?.message ?? '', /escaped 2 times/);
    const attr = lintInstallLink(`itms-services://?action=download-manifest&amp;url=${ENC}`, { source: 'attribute' });
    assert.match(attr.problems[0]?.message ?? '', /HTML-escaped 2 times/);
  });

  test('&amp%3Burl (the escape\'s ";" percent-encoded) is named as that escape, and fixed', () => {
    const result = lintInstallLink(`itms-services://?action=download-manifest&amp%3Burl=${ENC}`);
    assert.deepEqual(result.problems.map((p) => p.code), ['html-escaped']);
    const message = result.problems[0]?.message ?? '';
    assert.match(message, /holds the HTML escape "&amp%3B" \(its ";" percent-encoded\)/);
    assert.match(message, /iOS sees a parameter "amp;url" instead of "url"/);
    assert.doesNotMatch(message, /HTML escape HTML/);
    assert.equal(result.fixed, GOOD);
  });

  test('a link from <script> text: entities were not decoded, and the message says so', () => {
    const result = lintInstallLink(`itms-services://?action=download-manifest&amp;url=${ENC}`, { source: 'script' });
    assert.equal(result.ok, false);
    const message = result.problems[0]?.message ?? '';
    assert.match(message, /inside a <script>, where browsers do not decode HTML entities/);
    assert.doesNotMatch(message, /After the browser decodes|escaped 2 times/);
  });

  test('a purchaseIntent link is not broken (ok) but says it installs nothing', () => {
    const result = lintInstallLink('itms-services://?action=purchaseIntent&bundleId=com.example.app&productIdentifier=pro');
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity]), [['not-install-link', 'info']]);
    const upper = lintInstallLink('ITMS-SERVICES://?action=purchaseIntent&bundleId=com.example.app&productIdentifier=pro');
    assert.equal(upper.fixed, 'itms-services://?action=purchaseIntent&bundleId=com.example.app&productIdentifier=pro');
  });

  test('warnings alone keep a link ok; errors make it not ok', () => {
    assert.equal(lintInstallLink(`${GOOD}&foo=1`).ok, true);
    assert.equal(lintInstallLink(`itms-apps://?action=download-manifest&url=${ENC}`).ok, false);
  });

  test('several problems at once are all named, and the fix repairs them together', () => {
    const link = 'ITMS-SERVICES:/?action=download-manifest&amp;url=https://ota.example.com/m.plist?a=1&amp;b=2';
    const result = lintInstallLink(link);
    const codes = result.problems.map((p) => p.code);
    for (const code of ['html-escaped', 'scheme-case', 'scheme-slashes', 'url-unencoded-query'] as const) {
      assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
    }
    assert.ok(result.fixed !== null);
    assert.equal(parseInstallLink(result.fixed).url, 'https://ota.example.com/m.plist?a=1&b=2');
  });

  test('a private host keeps its warning in the re-lint of a fixed link (fix still offered)', () => {
    const result = lintInstallLink('itms-services://?action=download-manifest&amp;url=https://192.168.0.9/a.plist');
    assert.ok(result.fixed !== null);
    assert.deepEqual(lintInstallLink(result.fixed).problems.map((p) => p.code), ['host-private-network']);
  });
});

test('spaces around the manifest URL are reported and trimmed by the fix', () => {
  const result = lintInstallLink(`itms-services://?action=download-manifest&url=%20${ENC}%20`);
  assert.deepEqual(result.problems.map((p) => p.code), ['url-invalid-characters']);
  assert.ok(result.fixed !== null);
  assert.equal(parseInstallLink(result.fixed).url, M);
});

describe('lintInstallLink: judged on what iOS fetches (the value decoded once)', () => {
  const P = 'itms-services://?action=download-manifest&url=';
  const fetchedBy = (link: string): string | null => parseInstallLink(link).url;

  test('a partly encoded query works; the fix makes iOS fetch exactly the same URL', () => {
    const link = `${P}https://x.com/m.plist%3Ft%3D1%26x%3D2`;
    const result = lintInstallLink(link);
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity]), [['url-partly-encoded', 'info']]);
    assert.match(result.problems[0]?.message ?? '', /fetches "https:\/\/x\.com\/m\.plist\?t=1&x=2"/);
    assert.ok(result.fixed !== null);
    assert.equal(fetchedBy(result.fixed), 'https://x.com/m.plist?t=1&x=2');
    assert.equal(fetchedBy(result.fixed), fetchedBy(link));
  });

  test('https%3A//… and https:%2F%2F… decode to a working URL: ok, with the canonical fix', () => {
    for (const link of [`${P}https%3A//x.com/m.plist`, `${P}https:%2F%2Fx.com%2Fm.plist`]) {
      const result = lintInstallLink(link);
      assert.equal(result.ok, true, JSON.stringify(result.problems));
      assert.deepEqual(result.problems.map((p) => p.code), ['url-partly-encoded']);
      assert.equal(result.fixed, `${P}${encodeURIComponent('https://x.com/m.plist')}`);
    }
  });

  test('an unencoded signed URL: a warning that says exactly what iOS fetches, both links, no guessed fix', () => {
    const link = `${P}https://example.com/m.plist?sig=a%2Bb`;
    const result = lintInstallLink(link);
    assert.equal(result.ok, true);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity]), [['url-not-encoded', 'warning']]);
    const message = result.problems[0]?.message ?? '';
    assert.ok(message.includes('fetches "https://example.com/m.plist?sig=a+b"'), message);
    assert.ok(message.includes(`${P}${encodeURIComponent('https://example.com/m.plist?sig=a%2Bb')}`), 'the link for the URL as written');
    assert.ok(message.includes(`${P}${encodeURIComponent('https://example.com/m.plist?sig=a+b')}`), 'the link for the decoded URL');
    assert.equal(result.fixed, null);
  });

  test('installability is judged on the decoded URL (a package behind a partly encoded query)', () => {
    const result = lintInstallLink(`${P}https://x.com/app.ipa%3Ft%3D1`);
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.code === 'url-is-package'));
  });

  test('property: for a working link, a fix never changes what iOS fetches', () => {
    const segment = fc.stringMatching(/^[a-z0-9+%=&?/:.~-]{0,12}$/);
    fc.assert(
      fc.property(segment, segment, fc.constantFrom('encoded', 'raw', 'mixed'), (path, query, how) => {
        const url = `https://ota.example.com/${path}.plist?q=${query}`;
        let value: string;
        if (how === 'encoded') value = encodeURIComponent(url);
        else if (how === 'raw') value = url;
        else value = `https://ota.example.com/${encodeURIComponent(`${path}.plist?q=${query}`)}`;
        const link = `${P}${value}`;
        const result = lintInstallLink(link);
        if (!result.ok || result.fixed === null) return;
        assert.equal(fetchedBy(result.fixed), fetchedBy(link), `${link} → ${result.fixed}`);
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});
