import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OtashipError } from '../../../src/core/errors.js';
import { buildInstallLink, lintInstallLink, parseInstallLink } from '../../../src/core/link/index.js';
import { encodeRejectedCharacters, nsurlRejectedCharacters } from '../../../src/core/link/nsurl.js';
import { propertyRuns } from '../../helpers/property-runs.js';

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OtashipError, `expected an OtashipError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('expected an error');
}

describe('buildInstallLink', () => {
  test('encodes the manifest URL with encodeURIComponent', () => {
    const url = 'https://ota.example.com/m.plist?token=a+b&sig=x%2Fy';
    assert.equal(
      buildInstallLink(url),
      'itms-services://?action=download-manifest&url=' + encodeURIComponent(url),
    );
    assert.equal(buildInstallLink(new URL('https://ota.example.com/a.plist')).includes('https%3A%2F%2Fota'), true);
  });

  test('refuses relative, non-https and malformed URLs with BAD_URL', () => {
    for (const bad of ['/app.plist', 'app.plist', 'http://ota.example.com/a.plist', 'ftp://x.com/a.plist', '', 'itms-services://?action=download-manifest&url=https%3A%2F%2Fx']) {
      assert.equal(errorCode(() => buildInstallLink(bad)), 'BAD_URL', bad);
    }
  });

  test('allowHttp permits http (and only http) for local tests; default off', () => {
    assert.equal(errorCode(() => buildInstallLink('http://192.168.1.5:8080/a.plist')), 'BAD_URL');
    const link = buildInstallLink('http://192.168.1.5:8080/a.plist', { allowHttp: true });
    assert.equal(parseInstallLink(link).url, 'http://192.168.1.5:8080/a.plist');
    assert.equal(errorCode(() => buildInstallLink('ftp://x.com/a.plist', { allowHttp: true })), 'BAD_URL');
  });

  test('a URL NSURL would reject (space, non-ASCII, IDN host) is percent-encoded first', () => {
    const link = buildInstallLink('https://bücher.example/my app/é.plist?q=a|b');
    const url = parseInstallLink(link).url ?? '';
    assert.deepEqual(nsurlRejectedCharacters(url), []);
    assert.equal(url, 'https://xn--bcher-kva.example/my%20app/%C3%A9.plist?q=a%7Cb');
    assert.deepEqual(lintInstallLink(link).problems, []);
  });
});

describe('parseInstallLink', () => {
  test('splits on & and =, decodes once, keeps + as +', () => {
    const parsed = parseInstallLink('itms-services://?action=download-manifest&url=https%3A%2F%2Fx.com%2Fa+b%252F.plist');
    assert.equal(parsed.scheme, 'itms-services');
    assert.equal(parsed.action, 'download-manifest');
    assert.equal(parsed.url, 'https://x.com/a+b%2F.plist');
    assert.deepEqual(parsed.params.map((p) => p.key), ['action', 'url']);
  });

  test('an unencoded & cuts the url short (as on iOS); the rest becomes parameters', () => {
    const parsed = parseInstallLink('itms-services://?action=download-manifest&url=https://x.com/m.plist?a=1&b=2');
    assert.equal(parsed.url, 'https://x.com/m.plist?a=1');
    assert.deepEqual(parsed.params.at(-1), { key: 'b', value: '2' });
  });

  test('missing parameters are null', () => {
    const parsed = parseInstallLink('itms-services://?url=https%3A%2F%2Fx.com%2Fa.plist');
    assert.equal(parsed.action, null);
    assert.equal(parseInstallLink('itms-services://').url, null);
  });

  test('refuses non-itms links and undecodable escapes with BAD_LINK', () => {
    assert.equal(errorCode(() => parseInstallLink('https://x.com/a.plist')), 'BAD_LINK');
    assert.equal(errorCode(() => parseInstallLink('itms-apps://?action=download-manifest&url=x')), 'BAD_LINK');
    assert.equal(errorCode(() => parseInstallLink('not a link')), 'BAD_LINK');
    assert.equal(errorCode(() => parseInstallLink('itms-services://?action=download-manifest&url=https://x/100%.plist')), 'BAD_LINK');
  });
});

// Characters that break naive builders: query separators, '+', spaces, '#', '%', unicode, brackets.
const TRICKY = ['a', 'Z', '0', '-', '_', '.', '~', '&', '=', '+', ' ', '#', '%', '%2F', '%41', '?', '/', 'é', '😀', '中', '|', '^', '[', ']', '{', "'", '(', ')', '!', '*', ',', ';', ':', '@', '$'];
const trickyText = fc.array(fc.constantFrom(...TRICKY), { maxLength: 12 }).map((parts) => parts.join(''));
const httpsInput = fc
  .record({
    host: fc.domain(),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    dirs: fc.array(trickyText, { maxLength: 3 }),
    last: fc.constantFrom('manifest.plist', 'App Manifest.plist', 'install', ''),
    query: fc.option(trickyText, { nil: undefined }),
    fragment: fc.option(trickyText, { nil: undefined }),
  })
  .map(({ host, port, dirs, last, query, fragment }) => {
    const path = [...dirs.map((d) => d.replace(/[/?#]/g, '')), last].join('/');
    return (
      `https://${host}${port === undefined ? '' : `:${port}`}/${path}` +
      (query === undefined ? '' : `?${query}`) +
      (fragment === undefined ? '' : `#${fragment}`)
    );
  })
  .filter((raw) => URL.canParse(raw));

describe('build/parse/lint properties', () => {
  test('for any NSURL-valid https URL: parse(build(url)).url === url and lint finds no error', () => {
    fc.assert(
      fc.property(httpsInput, (raw) => {
        // The URL as a server would publish it: WHATWG-normalised, then what NSURL rejects encoded.
        const url = encodeRejectedCharacters(new URL(raw).href);
        const link = buildInstallLink(url);
        assert.equal(parseInstallLink(link).url, url);
        const errors = lintInstallLink(link).problems.filter((p) => p.severity === 'error');
        assert.deepEqual(errors, [], link);
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  test('for any parseable https input (raw spaces, unicode, lone %): the built link lints without error', () => {
    fc.assert(
      fc.property(httpsInput, (raw) => {
        const link = buildInstallLink(raw);
        const url = parseInstallLink(link).url ?? '';
        assert.deepEqual(nsurlRejectedCharacters(url), [], url);
        assert.equal(new URL(url).hostname, new URL(raw).hostname);
        if (nsurlRejectedCharacters(raw).length === 0) assert.equal(url, raw, 'a clean URL is kept as written');
        assert.deepEqual(lintInstallLink(link).problems.filter((p) => p.severity === 'error'), [], link);
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});
