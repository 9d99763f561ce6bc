// Sizes, counts, plurals and dates in each language (Intl with Node's ICU data).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatter, TIME_FORMATS } from '../../../src/web/i18n/format.js';
import { CATALOGUES } from '../../../src/web/i18n/messages/index.js';
import { LOCALES, type Locale } from '../../../src/web/i18n/locales.js';
import { humanSize } from '../../../src/web/format.js';
import { relativeDays } from '../../../src/web/pages/install.js';
import { i18n } from '../../../src/web/i18n/index.js';
import { TIME_FORMATS as BROWSER_TIME_FORMATS } from '../../../public/local-time.js';

/** Intl output uses narrow/no-break spaces in places; compare on plain spaces. */
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

describe('sizes: decimal SI units in every language', () => {
  const cases: Record<Locale, [number, string][]> = {
    en: [[1, '1 byte'], [999, '999 bytes'], [1000, '1.00 kB'], [48_213_000, '48.2 MB'], [123_456_789, '123 MB'], [4_500_000_000, '4.50 GB']],
    de: [[1, '1 Byte'], [48_213_000, '48,2 MB'], [4_500_000_000, '4,50 GB']],
    fr: [[999, '999 octets'], [48_213_000, '48,2 Mo'], [4_500_000_000, '4,50 Go']],
    es: [[48_213_000, '48,2 MB'], [1_500, '1,50 kB']],
    ja: [[999, '999 バイト'], [48_213_000, '48.2 MB']],
    ko: [[999, '999바이트'], [48_213_000, '48.2MB']],
    'zh-Hans': [[999, '999字节'], [48_213_000, '48.2 MB']],
    'pt-BR': [[999, '999 bytes'], [48_213_000, '48,2 MB']],
  };
  for (const locale of LOCALES) {
    test(locale, () => {
      for (const [bytes, want] of cases[locale]) assert.equal(plain(formatter(locale).size(bytes)), want, `${bytes}`);
      assert.equal(formatter(locale).size(-1), '?');
      assert.equal(formatter(locale).size(Number.NaN), '?');
    });
  }
  test('the admin’s humanSize is the English formatting of the same units', () => {
    for (const n of [0, 1, 999, 1000, 48_213_000, 4_500_000_000, 3e12]) assert.equal(humanSize(n), formatter('en').size(n));
  });
});

describe('plurals: each language’s own categories', () => {
  const cases: Record<Locale, [number, string][]> = {
    en: [[0, '0 devices'], [1, '1 device'], [2, '2 devices'], [1000, '1,000 devices']],
    de: [[1, '1 Gerät'], [3, '3 Geräte'], [1000, '1.000 Geräte']],
    // French: 0 and 1 are singular; a round million takes "de".
    fr: [[0, '0 appareil'], [1, '1 appareil'], [2, '2 appareils'], [1_000_000, '1 000 000 d’appareils']],
    es: [[1, '1 dispositivo'], [5, '5 dispositivos'], [1_000_000, '1.000.000 de dispositivos']],
    ja: [[1, '1台'], [5, '5台']],
    ko: [[1, '1대'], [5, '5대']],
    'zh-Hans': [[1, '共1台'], [5, '共5台']],
    'pt-BR': [[0, '0 dispositivo'], [1, '1 dispositivo'], [2, '2 dispositivos'], [1_000_000, '1.000.000 de dispositivos']],
  };
  for (const locale of LOCALES) {
    test(locale, () => {
      for (const [n, want] of cases[locale]) assert.equal(plain(formatter(locale).plural(CATALOGUES[locale].deviceCount, n)), want, `${n}`);
    });
  }

  test('relative days', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const day = 86_400_000;
    const at = (days: number): Date => new Date(now.getTime() + days * day + (days >= 0 ? 1000 : -1000));
    assert.equal(relativeDays(at(3), now, i18n('en')), 'in 3 days');
    assert.equal(relativeDays(at(1), now, i18n('en')), 'in 1 day');
    assert.equal(relativeDays(at(-2), now, i18n('en')), '2 days ago');
    assert.equal(relativeDays(new Date(now.getTime() + 3600_000), now, i18n('en')), 'within a day');
    assert.equal(relativeDays(at(1), now, i18n('de')), 'in 1 Tag');
    assert.equal(relativeDays(at(5), now, i18n('de')), 'in 5 Tagen');
    assert.equal(relativeDays(at(-5), now, i18n('de')), 'vor 5 Tagen');
    assert.equal(relativeDays(at(1), now, i18n('fr')), 'dans 1 jour');
    assert.equal(relativeDays(at(5), now, i18n('ja')), '5日後');
    assert.equal(relativeDays(at(5), now, i18n('ko')), '5일 후');
    assert.equal(relativeDays(at(-1), now, i18n('pt-BR')), 'há 1 dia');
    assert.equal(relativeDays(at(200), now, i18n('es')), 'dentro de 200 días');
  });
});

describe('dates: the page’s language, UTC on the server', () => {
  const when = new Date('2026-02-20T23:30:00Z');
  // A RegExp where ICU versions differ (Node 20's ICU writes Korean PM as "PM", Node 24's as "오후").
  const cases: Record<Locale, [string, string | RegExp]> = {
    en: ['Feb 20, 2026', 'Feb 20, 2026, 11:30 PM UTC'],
    de: ['20. Feb. 2026', '20. Feb. 2026, 23:30 UTC'],
    fr: ['20 févr. 2026', '20 févr. 2026, 23:30 UTC'],
    es: ['20 feb 2026', '20 feb 2026, 23:30 UTC'],
    ja: ['2026年2月20日', '2026年2月20日 23:30 UTC'],
    ko: ['2026년 2월 20일', /^2026년 2월 20일 (PM|오후) 11:30 UTC$/],
    'zh-Hans': ['2026年2月20日', '2026年2月20日 UTC 23:30'],
    'pt-BR': ['20 de fev. de 2026', '20 de fev. de 2026, 23:30 UTC'],
  };
  for (const locale of LOCALES) {
    test(locale, () => {
      const f = formatter(locale);
      assert.equal(plain(f.timeText(when, 'date')), cases[locale][0]);
      const datetime = cases[locale][1];
      if (typeof datetime === 'string') assert.equal(plain(f.timeText(when, 'datetime')), datetime);
      else assert.match(plain(f.timeText(when, 'datetime')), datetime);
      // The element the browser script localises: exact instant, which format, escaped text.
      const el = f.time(when, 'datetime').value;
      assert.match(el, /^<time datetime="2026-02-20T23:30:00\.000Z" data-format="datetime">[^<]+<\/time>$/);
    });
  }

  test('the browser script formats with the same options as the server', () => {
    assert.deepEqual(BROWSER_TIME_FORMATS, TIME_FORMATS);
  });

  test('the same instant in another zone, as the browser script renders it: the date can change', () => {
    // 23:30 UTC is already the next day in Tokyo: why the server cannot decide the date alone.
    const tokyo = new Intl.DateTimeFormat('ja', { ...TIME_FORMATS.date, timeZone: 'Asia/Tokyo' }).format(when);
    assert.equal(tokyo, '2026年2月21日');
  });
});
