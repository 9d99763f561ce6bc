import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findInstallLinks, lintInstallLinks } from '../../../src/core/link/index.js';

const ENC = encodeURIComponent('https://ota.example.com/a.plist');
const GOOD = `itms-services://?action=download-manifest&url=${ENC}`;

describe('findInstallLinks: HTML', () => {
  const page = `<!doctype html>
<html><head>
  <meta http-equiv="refresh" content="5;url=itms-services://?action=download-manifest&amp;url=${ENC}">
  <script>var direct = 'itms-services://?action=download-manifest&amp;url=https://s.example.com/s.plist';</script>
</head><body>
  <a href="itms-services://?action=download-manifest&amp;url=https%3A%2F%2Fa.example.com%2Fa.plist">A (escaped once: fine)</a>
  <a href='itms-services://?action=download-manifest&amp;amp;url=https%3A%2F%2Fb.example.com%2Fb.plist'>B (twice)</a>
  <a href="  itms-services://?action=download-manifest&#38;url=https%3A%2F%2Fc.example.com%2Fc.plist ">C (numeric)</a>
  <a href="itms-service://?action=download-manifest&amp;url=https%3A%2F%2Fd.example.com%2Fd.plist">D (typo)</a>
  <a href="itms-apps://?action=download-manifest&amp;url=https%3A%2F%2Fe.example.com%2Fe.plist">E (store)</a>
  <a href="itms-apps://apps.apple.com/app/id123456">App Store page: not an install link</a>
  <a href="itms-services://?action=download-manifest&amp;url=https%3A%2F%2Ff.example.com%2F
f.plist">F (newline in href)</a>
  <p>Or copy: itms-services://?action=download-manifest&amp;url=https%3A%2F%2Fg.example.com%2Fg.plist.</p>
  <pre>itms-services://?action=download-manifest&amp;amp;url=https://h.example.com/h.plist</pre>
  <!-- itms-services://?action=download-manifest&url=https://commented.example.com/x.plist -->
</body></html>`;

  test('finds links in attributes (decoded once) and text, skips store pages and comments', () => {
    const found = findInstallLinks(page);
    const hosts = found.map((f) => /([a-z]+)\.example\.com/.exec(decodeURIComponent(f.link))?.[1]);
    assert.deepEqual(hosts, ['ota', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    assert.deepEqual(
      found.map((f) => f.source),
      ['attribute', 'script', 'attribute', 'attribute', 'attribute', 'attribute', 'attribute', 'attribute', 'html-text', 'html-text'],
    );
    // entities in attributes decode once, as in a browser; the newline inside the href is dropped
    assert.equal(found[2]?.link, 'itms-services://?action=download-manifest&url=https%3A%2F%2Fa.example.com%2Fa.plist');
    assert.equal(found[4]?.link, 'itms-services://?action=download-manifest&url=https%3A%2F%2Fc.example.com%2Fc.plist');
    assert.equal(found[7]?.link, 'itms-services://?action=download-manifest&url=https%3A%2F%2Ff.example.com%2Ff.plist');
    // trailing sentence punctuation is not part of the link
    assert.ok(found[8]?.link.endsWith('g.plist'));
  });

  test('lints each found link: which are broken and why', () => {
    const report = lintInstallLinks(page);
    assert.equal(report.ok, false);
    const verdicts = report.links.map((l) => [l.ok, l.problems.map((p) => p.code).join(',')]);
    assert.deepEqual(verdicts, [
      [true, ''], // meta refresh, decoded once
      [false, 'html-escaped'], // script text: entities are not decoded in <script>
      [true, ''],
      [false, 'html-escaped'],
      [true, ''],
      [false, 'scheme-typo'],
      [false, 'store-scheme'],
      [true, ''],
      [true, ''],
      [false, 'html-escaped'],
    ]);
    for (const link of report.links.filter((l) => !l.ok)) assert.ok(link.fixed?.startsWith('itms-services://?action=download-manifest&url=https%3A%2F%2F'));
    // Browsers decode no entities in <script>: the message must not claim a second round of escaping.
    assert.match(report.links[1]?.problems[0]?.message ?? '', /inside a <script>/);
    assert.doesNotMatch(report.links[1]?.problems[0]?.message ?? '', /After the browser decodes/);
  });

  test('every occurrence is reported, as written in the source, with its line', () => {
    const escaped = GOOD.replace(/&/g, '&amp;');
    const html = `<p>\n<a href="${escaped}">Install</a>\n<a href='${GOOD}'>Install</a>\n<a href="x">${escaped}</a></p>`;
    assert.deepEqual(findInstallLinks(html), [
      { link: GOOD, raw: escaped, line: 2, source: 'attribute' },
      { link: GOOD, raw: GOOD, line: 3, source: 'attribute' },
      { link: GOOD, raw: escaped, line: 4, source: 'html-text' },
    ]);
    const report = lintInstallLinks(html);
    assert.deepEqual(report.links.map((l) => [l.input, l.line, l.ok]), [
      [escaped, 2, true],
      [GOOD, 3, true],
      [escaped, 4, true],
    ]);
  });

  test('raw forms keep entities and surrounding spaces out; links inside other attributes are located too', () => {
    const html = `<html><body>\n<a href="  ${GOOD.replace(/&/g, '&#38;')}\n">x</a>\n<button onclick="location.href=&quot;${GOOD.replace(/&/g, '&amp;')}&quot;">go</button>\n<p>&lt;${GOOD.replace(/&/g, '&amp;')}&gt;</p></body></html>`;
    assert.deepEqual(
      findInstallLinks(html).map((f) => [f.raw, f.line, f.link === GOOD]),
      [
        [GOOD.replace(/&/g, '&#38;'), 2, true],
        [GOOD.replace(/&/g, '&amp;'), 4, true], // the href above holds a newline
        [GOOD.replace(/&/g, '&amp;'), 5, true],
      ],
    );
  });

  test('a page without links yields none, and lintInstallLinks is then not ok', () => {
    const html = '<html><body><a href="https://example.com/">home</a></body></html>';
    assert.deepEqual(findInstallLinks(html), []);
    assert.deepEqual(lintInstallLinks(html), { ok: false, links: [] });
  });
});

describe('findInstallLinks: text, Markdown, JSON', () => {
  test('plain text e-mail: entities are NOT decoded, so &amp;url= is the amp-url breakage', () => {
    const mail = `Hi,\n\ninstall the build: itms-services://?action=download-manifest&amp;url=https://ota.example.com/a.plist\n\nThanks`;
    const report = lintInstallLinks(mail);
    assert.equal(report.links.length, 1);
    assert.equal(report.links[0]?.input, 'itms-services://?action=download-manifest&amp;url=https://ota.example.com/a.plist');
    assert.equal(report.links[0]?.line, 3);
    assert.deepEqual(report.links[0]?.problems.map((p) => p.code), ['html-escaped']);
    assert.equal(report.links[0]?.fixed, GOOD);
  });

  test('Markdown: link inside (...) keeps balanced parentheses and drops the closing one', () => {
    const url = encodeURIComponent('https://ota.example.com/app(1).plist');
    assert.ok(url.includes('('), 'encodeURIComponent leaves parentheses');
    const md = `- [Install](itms-services://?action=download-manifest&url=${url}) now.\n- raw: <itms-services://?action=download-manifest&url=${ENC}>`;
    assert.deepEqual(
      findInstallLinks(md).map((f) => f.link),
      [`itms-services://?action=download-manifest&url=${url}`, GOOD],
    );
  });

  test('JSON: string values are scanned after JSON decoding (\\u0026 is a real &)', () => {
    const json = JSON.stringify({
      ios: { install: GOOD.replace('&', '\\u0026') },
      broken: [`itms-services://?action=download-manifest&amp;url=${ENC}`],
    }).replace(/\\\\u0026/g, '\\u0026');
    const report = lintInstallLinks(json);
    assert.deepEqual(
      report.links.map((l) => [l.input, l.ok]),
      [
        [GOOD, true],
        [`itms-services://?action=download-manifest&amp;url=${ENC}`, false],
      ],
    );
  });

  test('a bare link is found as is; several links in one line are separated', () => {
    assert.deepEqual(findInstallLinks(GOOD), [{ link: GOOD, raw: GOOD, line: 1, source: 'text' }]);
    const two = `${GOOD} and "itms-services:/?action=download-manifest&url=${ENC}"`;
    assert.equal(findInstallLinks(two).length, 2);
  });

  test('scheme typos and upper case are found; store links without an install attempt are not', () => {
    const text = `ITMS-SERVICES://?action=download-manifest&url=${ENC}\nitms-service://?action=download-manifest&url=${ENC}\nitms-apps://apps.apple.com/app/id1 itms://itunes.apple.com/album/1`;
    assert.deepEqual(
      findInstallLinks(text).map((f) => f.link.split(':')[0]),
      ['ITMS-SERVICES', 'itms-service'],
    );
  });
});

describe('findInstallLinks: HTML inside JSON', () => {
  test('a JSON string holding rendered HTML is decoded like a page', () => {
    const json = JSON.stringify({ html: `<a href="${GOOD.replace(/&/g, '&amp;')}">Install</a>` });
    assert.deepEqual(findInstallLinks(json), [{ link: GOOD, raw: GOOD.replace(/&/g, '&amp;'), line: null, source: 'attribute' }]);
  });
});

describe('findInstallLinks: hostile input', () => {
  test('a long run of prefixes is one link, not one per prefix (scanning stays linear)', () => {
    const run = 'itms-services://?'.repeat(20_000);
    const found = findInstallLinks(`${run} <p>${run}</p>`);
    assert.equal(found.length, 2); // one per occurrence (before and inside the <p>)
    for (const f of found) assert.equal(f.link, run.slice(0, -1)); // a trailing '?' is read as punctuation
  });

  test('control characters end a link in text', () => {
    const found = findInstallLinks(`${GOOD}\u001b[2J`);
    assert.deepEqual(found.map((f) => f.link), [GOOD]);
  });
});
