import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeLink, renderMarkdown } from '../../src/web/markdown.js';
import { parseHtml } from './dom.js';

describe('release notes markdown', () => {
  test('renders basic markdown', () => {
    const out = renderMarkdown('# New\n\n- **bold** fix\n- `code`').value;
    const dom = parseHtml(out);
    assert.equal(dom.byTag('h1').length, 1);
    assert.equal(dom.byTag('li').length, 2);
    assert.equal(dom.byTag('strong').length, 1);
    assert.equal(dom.byTag('code').length, 1);
  });

  test('raw HTML is shown as text, never as markup', () => {
    const out = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\nhi <b onclick="x">there</b>').value;
    const dom = parseHtml(out);
    assert.equal(dom.byTag('script').length, 0);
    assert.equal(dom.byTag('img').length, 0);
    assert.equal(dom.byTag('b').length, 0);
    assert.ok(dom.text(dom.byTag('p')[0]!).includes('<script>alert(1)</script>'));
  });

  test('unsafe link schemes do not become links; safe ones get rel and target', () => {
    const bad = [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'vbscript:msgbox',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'itms-services://?action=download-manifest',
    ];
    for (const url of bad) {
      assert.equal(isSafeLink(url), false, url);
      const dom = parseHtml(renderMarkdown(`[click](${url}) <${url}>`).value);
      for (const a of dom.byTag('a')) {
        assert.match(dom.attr(a, 'href') ?? '', /^https?:|^mailto:/i, `no unsafe href for ${url}`);
      }
    }
    const dom = parseHtml(renderMarkdown('[site](https://example.com/?a=1&b=2) and mail <me@example.com> and https://x.example/y').value);
    const links = dom.byTag('a');
    assert.deepEqual(
      links.map((a) => dom.attr(a, 'href')),
      ['https://example.com/?a=1&b=2', 'mailto:me@example.com', 'https://x.example/y'],
    );
    for (const a of links) {
      assert.equal(dom.attr(a, 'rel'), 'noopener noreferrer nofollow');
      assert.equal(dom.attr(a, 'target'), '_blank');
    }
  });

  test('relative links and anchors are allowed', () => {
    assert.equal(isSafeLink('/apps/x'), true);
    assert.equal(isSafeLink('#changes'), true);
    assert.equal(isSafeLink('http://example.com'), true);
  });

  test('images are not rendered (no third-party requests from the page)', () => {
    const dom = parseHtml(renderMarkdown('![tracker](https://tracker.example/p.png)').value);
    assert.equal(dom.byTag('img').length, 0);
  });

  test('empty notes render nothing', () => {
    assert.equal(renderMarkdown('').value, '');
    assert.equal(renderMarkdown('  \n ').value, '');
  });
});
