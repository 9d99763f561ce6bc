// Language negotiation: Accept-Language q-values, region and script fallbacks, the explicit choice
// (?lang= and its cookie) over the header, and English when nothing offered matches.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchLocale, negotiateLocale, parseAcceptLanguage } from '../../../src/web/i18n/negotiate.js';

describe('parseAcceptLanguage', () => {
  const cases: [string | undefined, string[]][] = [
    [undefined, []],
    ['', []],
    ['de', ['de']],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', ['fr-CH', 'fr', 'en', 'de']],
    ['en;q=0.1, ja', ['ja', 'en']],
    // Equal weights keep the header's order; q=0 means "not this one".
    ['ko;q=0.5, es;q=0.5, de;q=0', ['ko', 'es']],
    ['  pt-BR ;  q=0.7 ,zh-Hans', ['zh-Hans', 'pt-BR']],
    // A malformed or out-of-range weight is not a preference.
    ['de;q=abc, fr;q=2, es;q=1.0001, ja', ['ja']],
    ['*', []],
  ];
  for (const [header, want] of cases) {
    test(JSON.stringify(header), () => assert.deepEqual(parseAcceptLanguage(header), want));
  }

  test('a huge header is read only so far', () => {
    const header = Array.from({ length: 5000 }, (_, i) => `x${i % 10}-a;q=0.5`).join(',') + ',de';
    assert.equal(parseAcceptLanguage(header).length, 32);
    assert.equal(negotiateLocale({ acceptLanguage: header }), 'en');
  });
});

describe('matchLocale', () => {
  const cases: [string, string | null][] = [
    ['en', 'en'],
    ['en-GB', 'en'],
    ['EN-us', 'en'],
    ['de-AT', 'de'],
    ['de-CH-1996', 'de'],
    ['fr-CA', 'fr'],
    ['es-419', 'es'],
    ['es-MX', 'es'],
    ['ja', 'ja'],
    ['ja-JP', 'ja'],
    ['ko-KR', 'ko'],
    // Portuguese: every region reaches the one Portuguese catalogue.
    ['pt', 'pt-BR'],
    ['pt-br', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    // Chinese: Simplified script (by tag or by CLDR's likely script for the region) → zh-Hans.
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-Hans', 'zh-Hans'],
    ['zh-Hans-HK', 'zh-Hans'],
    // Traditional script: no catalogue (documented: the next preference, else English).
    ['zh-TW', null],
    ['zh-HK', null],
    ['zh-MO', null],
    ['zh-Hant', null],
    ['zh-Hant-CN', null],
    // Not offered, or not a language tag at all.
    ['it', null],
    ['sr-Latn', null],
    ['*', null],
    ['', null],
    ['x-klingon', null],
    ['"><script>', null],
    ['a'.repeat(500), null],
  ];
  for (const [tag, want] of cases) {
    test(`${tag.slice(0, 20) || '(empty)'} → ${want}`, () => assert.equal(matchLocale(tag), want));
  }
});

describe('negotiateLocale', () => {
  const cases: [string, Parameters<typeof negotiateLocale>[0], string][] = [
    ['nothing at all: English', {}, 'en'],
    ['header only', { acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8' }, 'de'],
    ['the first language offered wins, in q order', { acceptLanguage: 'it, nl;q=0.9, ja;q=0.8, de;q=0.7' }, 'ja'],
    ['q beats header order', { acceptLanguage: 'fr;q=0.2, ko' }, 'ko'],
    ['Traditional Chinese falls through to the next preference', { acceptLanguage: 'zh-TW, zh;q=0.9, en;q=0.5' }, 'zh-Hans'],
    ['Traditional Chinese alone: English', { acceptLanguage: 'zh-TW' }, 'en'],
    ['only unsupported languages: English', { acceptLanguage: 'it-IT, nl;q=0.5' }, 'en'],
    ['cookie over header', { cookie: 'ko', acceptLanguage: 'de' }, 'ko'],
    ['?lang over cookie and header', { query: 'fr', cookie: 'ko', acceptLanguage: 'de' }, 'fr'],
    ['?lang matches like a header tag', { query: 'pt', acceptLanguage: 'de' }, 'pt-BR'],
    ['an unknown ?lang is ignored', { query: 'xx', cookie: 'es', acceptLanguage: 'de' }, 'es'],
    ['a forged cookie is ignored', { cookie: '<b>', acceptLanguage: 'ja' }, 'ja'],
  ];
  for (const [name, sources, want] of cases) {
    test(name, () => assert.equal(negotiateLocale(sources), want));
  }
});
