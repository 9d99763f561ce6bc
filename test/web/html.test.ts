import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, jsonForScript, raw, SafeHtml } from '../../src/web/html.js';
import { parseHtml } from './dom.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '&amp;',
  'Tom & Jerry <3',
  '`${x}`',
];

describe('html tagged template', () => {
  test('escapes interpolated text in content and attributes', () => {
    for (const name of HOSTILE) {
      const out = html`<p title="${name}" data-x='${name}'>${name}</p>`.value;
      assert.ok(!out.includes('<script>'), out);
      assert.ok(!out.includes('<img'), out);
      const dom = parseHtml(out);
      const [p] = dom.byTag('p');
      assert.ok(p, 'one <p> element survives');
      assert.equal(dom.byTag('p').length, 1);
      // A browser decodes the entities once and gets the original text back, in both quoting styles.
      assert.equal(dom.text(p), name.replace(/\s+/g, ' ').trim());
      assert.equal(dom.attr(p, 'title'), name);
      assert.equal(dom.attr(p, 'data-x'), name);
      assert.deepEqual(Object.keys(p.attribs).sort(), ['data-x', 'title']);
    }
  });

  test('"&amp;" in input is escaped once more (shows literally as &amp;)', () => {
    assert.equal(html`${'&amp;'}`.value, '&amp;amp;');
    assert.equal(escapeHtml('a&b'), 'a&amp;b');
  });

  test('raw() and nested templates are not escaped again', () => {
    const inner = html`<b>${'<i>'}</b>`;
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>&lt;i&gt;</b></p>');
    assert.equal(html`<p>${raw('<br>')}</p>`.value, '<p><br></p>');
    assert.ok(inner instanceof SafeHtml);
    assert.equal(String(inner), '<b>&lt;i&gt;</b>');
  });

  test('arrays render each item (escaped); null, undefined and booleans render nothing', () => {
    assert.equal(html`${['<a>', html`<b></b>`, 3]}`.value, '&lt;a&gt;<b></b>3');
    assert.equal(html`[${null}${undefined}${false}${true}]`.value, '[]');
    assert.equal(html`${0}`.value, '0');
  });

  test('an itms-services href shows &amp; exactly once and decodes to &url=', () => {
    const link = 'itms-services://?action=download-manifest&url=https%3A%2F%2Fa.example%2Fm.plist%3Ft%3D1';
    const out = html`<a href="${link}">Install</a>`.value;
    assert.equal(out.split('&amp;').length - 1, 1);
    assert.ok(!out.includes('&amp;amp;'));
    const dom = parseHtml(out);
    assert.equal(dom.attr(dom.byTag('a')[0]!, 'href'), link);
  });

  test('jsonForScript cannot close the script element', () => {
    const out = jsonForScript({ name: '</script><script>alert(1)</script>', amp: 'a&b', ls: '\u2028' }).value;
    assert.ok(!out.includes('</script'));
    assert.ok(!out.includes('<'));
    assert.deepEqual(JSON.parse(out), { name: '</script><script>alert(1)</script>', amp: 'a&b', ls: '\u2028' });
  });
});
