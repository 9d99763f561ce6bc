// The catalogues: complete (TypeScript checks every key; this checks what types cannot), translated,
// and every page renders in every language with hostile data still escaped.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SafeHtml } from '../../../src/web/html.js';
import { CATALOGUES } from '../../../src/web/i18n/messages/index.js';
import { en, type Messages } from '../../../src/web/i18n/messages/en.js';
import { LOCALES, type Locale } from '../../../src/web/i18n/locales.js';
import type { Plural } from '../../../src/web/i18n/plural.js';
import type { PageLanguage } from '../../../src/web/i18n/index.js';
import { renderCaPage, renderErrorPage, renderInstallPage, renderUdidDonePage, renderUdidPage } from '../../../src/web/index.js';
import { parseHtml } from '../dom.js';
import { androidView, HOSTILE_NAME, iosView, NOW, profile } from '../fixtures.js';

// @ts-expect-error a catalogue without every key does not compile
const incomplete: Messages = { language: 'Sprache' };
void incomplete;

function isPlural(value: unknown): value is Plural {
  return typeof value === 'object' && value !== null && !(value instanceof SafeHtml) && 'other' in value && typeof (value as Plural).other === 'string';
}

/** Every text of a catalogue by key path; functions are called with marker arguments. */
function texts(messages: Messages): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (prefix: string, value: unknown): void => {
    if (typeof value === 'string') out.set(prefix, value);
    else if (isPlural(value)) out.set(prefix, value.other); // categories differ by language (checked above)
    else if (value instanceof SafeHtml) out.set(prefix, value.value);
    else if (typeof value === 'function') {
      const args = Array.from({ length: value.length }, (_, i) => `ARG${i}`);
      out.set(prefix, String(value(...args)));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(`${prefix}.${k}`, v);
    }
  };
  for (const [k, v] of Object.entries(messages)) visit(k, v);
  return out;
}

/** Texts that are the same in a language as in English: product names, codes, technical terms. */
const SAME_AS_ENGLISH = new Set([
  'versionLine', 'buildOnly', 'version', 'build', 'details', 'team', 'bundleId', 'packageName', 'deviceName',
  'errorDetails', 'errorCode', 'profileTypes.development', 'profileTypes.ad-hoc', 'profileTypes.app-store',
]);

describe('catalogues', () => {
  for (const locale of LOCALES) {
    test(`${locale}: every plural gives each category the language uses`, () => {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [key, value] of Object.entries(CATALOGUES[locale])) {
        if (!isPlural(value)) continue;
        for (const c of categories) assert.ok(typeof value[c as keyof Plural] === 'string', `${locale} ${key} lacks "${c}"`);
        for (const form of Object.values(value)) assert.ok(form.includes('{n}'), `${locale} ${key}: ${form}`);
      }
    });
  }

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    test(`${locale}: translated (no English left over) and every parameter used`, () => {
      const mine = texts(CATALOGUES[locale]);
      const english = texts(en);
      assert.deepEqual([...mine.keys()].sort(), [...english.keys()].sort());
      const leftovers = [...english].filter(([k, v]) => mine.get(k) === v && !SAME_AS_ENGLISH.has(k)).map(([k]) => k);
      assert.deepEqual(leftovers, []);
      for (const [key, text] of english) {
        for (const arg of text.match(/ARG\d/g) ?? []) assert.ok(mine.get(key)!.includes(arg), `${locale} ${key} drops ${arg}`);
      }
    });
  }
});

describe('every page in every language', () => {
  for (const locale of LOCALES) {
    const language: PageLanguage = { locale, switcher: LOCALES.map((l) => ({ locale: l, href: `?t=a&b="><i>&lang=${l}` })) };
    test(locale, async () => {
      const pages = [
        (await renderInstallPage(iosView({ profile: profile({ expiresAt: new Date(NOW.getTime() + 3 * 86_400_000) }), registerDeviceUrl: '/udid' }), language)).value,
        (await renderInstallPage(iosView({ profile: profile({ type: 'enterprise', deviceCount: 0 }) }), language)).value,
        (await renderInstallPage(androidView(), language)).value,
        renderUdidPage({ profileUrl: '/udid/profile.mobileconfig', host: HOSTILE_NAME }, language).value,
        renderUdidDonePage({ udid: 'U', product: 'iPhone16,1', version: '17', deviceName: HOSTILE_NAME }, language).value,
        renderCaPage({ publicUrl: HOSTILE_NAME, caCertUrl: '/ca.crt', mobileconfigUrl: '/ca.mobileconfig', fingerprint: 'AB' }, language).value,
        renderErrorPage({ status: 403, code: 'TOKEN_EXPIRED', message: HOSTILE_NAME, hint: 'h' }, language).value,
      ];
      for (const markup of pages) {
        assert.ok(!markup.includes('<script>alert'), 'hostile text escaped');
        assert.ok(!markup.includes('"><i>'), 'switcher links escaped');
        assert.ok(!/ARG\d|undefined|\[object /.test(markup));
        const dom = parseHtml(markup);
        assert.equal(dom.attr(dom.byTag('html')[0]!, 'lang'), locale);
        const links = dom.byClass('lang-switcher')[0]!;
        assert.equal(parseHtml(markup).all((el) => el.name === 'a' && el.attribs.hreflang !== undefined).length, LOCALES.length);
        assert.ok(links);
      }
      // The in-app notice offers the page's link with a copy button, in this language.
      const dom = parseHtml(pages[0]!);
      const field = dom.byId('page-link')!;
      assert.equal(dom.attr(field, 'value'), iosView().pageUrl);
      const copy = dom.all((el) => el.attribs['data-copy-from'] === 'page-link')[0]!;
      assert.equal(dom.text(copy), CATALOGUES[locale as Locale].copyLink);
      assert.equal(dom.attr(copy, 'data-copied'), CATALOGUES[locale as Locale].copied);
    });
  }

  test('the English error page keeps the server’s message first; others lead with translated advice', () => {
    const view = { status: 403, code: 'TOKEN_EXPIRED', message: 'the link expired', hint: 'reopen it' };
    const english = parseHtml(renderErrorPage(view).value);
    assert.equal(english.text(english.byClass('error-message')[0]!), 'the link expired');
    assert.equal(english.byClass('error-advice').length, 0);
    const german = parseHtml(renderErrorPage(view, { locale: 'de', switcher: [] }).value);
    assert.equal(german.text(german.byTag('h1')[0]!), 'Link ungültig');
    assert.match(german.text(german.byClass('error-advice')[0]!), /abgelaufen/);
    assert.equal(german.attr(german.byClass('error-message')[0]!, 'lang'), 'en');
    assert.equal(german.text(german.byClass('error-code')[0]!), 'Fehler 403 · TOKEN_EXPIRED');
  });
});
