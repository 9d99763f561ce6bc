// The share-link passcode form in every language: the link's name escaped, the token carried in the
// form body (never the passcode in a URL), the wrong-passcode notice only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCALES } from '../../src/web/i18n/locales.js';
import { i18n, type PageLanguage } from '../../src/web/i18n/index.js';
import { renderSharePasscodePage } from '../../src/web/pages/share-passcode.js';
import { parseHtml } from './dom.js';
import { HOSTILE_NAME } from './fixtures.js';

for (const locale of LOCALES) {
  test(`passcode form: ${locale}`, () => {
    const language: PageLanguage = { locale, switcher: LOCALES.map((l) => ({ locale: l, href: `?t=a&b="><i>&lang=${l}` })) };
    const view = { linkId: '01aaaaaaaaaaaaaaaaaaaaaaaa', linkName: HOSTILE_NAME, token: 'tok"en', wrong: false };
    const markup = renderSharePasscodePage(view, language).value;
    assert.ok(!markup.includes('<script>alert') && !markup.includes('"><i>'), 'escaped');
    const dom = parseHtml(markup);
    assert.equal(dom.attr(dom.byTag('html')[0]!, 'lang'), locale);
    assert.equal(dom.text(dom.byTag('h1')[0]!), HOSTILE_NAME.replace(/\s+/g, ' '));
    const form = dom.byId('passcode-form')!;
    assert.equal(dom.attr(form, 'method'), 'post');
    assert.equal(dom.attr(form, 'action'), `/s/${view.linkId}`);
    assert.equal(dom.attr(dom.all((el) => el.attribs.name === 't')[0]!, 'value'), 'tok"en');
    assert.equal(dom.attr(dom.byId('passcode')!, 'type'), 'password');
    assert.equal(dom.byId('passcode-wrong'), null);
    const wrong = parseHtml(renderSharePasscodePage({ ...view, wrong: true }, language).value);
    assert.equal(dom.text(dom.byTag('button')[0]!), i18n(locale).t.passcodeOpen);
    assert.equal(wrong.text(wrong.byId('passcode-wrong')!), i18n(locale).t.passcodeWrong);
  });
}
