// Which language a page is rendered in: `?lang=` (the switcher's links; remembered in a cookie), then
// that cookie, then the browser's Accept-Language, then English.
//
// Matching uses the platform's CLDR data (Intl.Locale#maximize adds the likely script and region): a
// tag matches a supported locale when language AND script agree. So pt-PT and plain pt reach pt-BR,
// and zh, zh-CN, zh-SG and zh-Hans reach zh-Hans (Simplified), while zh-TW, zh-HK and zh-Hant maximize
// to the Traditional script and match nothing: a reader of Traditional Chinese gets the next language
// in their list (often English) rather than a script they did not ask for; the switcher still offers
// 简体中文. Only the q-value list parsing is hand-written: it is a few lines, and the packages that
// do it (negotiator) match by prefix, which cannot tell zh-TW from zh-CN.
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales.js';

/** A header with more entries than this is read only this far (no browser sends half as many). */
const MAX_ENTRIES = 32;

interface Preference {
  tag: string;
  q: number;
}

/** The language ranges of an Accept-Language header, most preferred first (q=0 and `*` dropped). */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  const prefs: Preference[] = [];
  for (const part of header.split(',').slice(0, MAX_ENTRIES)) {
    const [range, ...params] = part.trim().split(';');
    const tag = range?.trim() ?? '';
    if (tag === '' || tag === '*') continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
      else if (/^\s*q\s*=/i.test(param)) q = 0; // a malformed weight is not a preference
    }
    if (q > 0 && q <= 1) prefs.push({ tag, q });
  }
  // Array#sort is stable: equal weights keep the header's order.
  return prefs.sort((a, b) => b.q - a.q).map((p) => p.tag);
}

interface Subtags {
  language: string;
  script: string | undefined;
}

function subtags(tag: string): Subtags | null {
  try {
    const max = new Intl.Locale(tag).maximize();
    return { language: max.language, script: max.script };
  } catch {
    return null; // not a well-formed BCP 47 tag
  }
}

const SUPPORTED: readonly { locale: Locale; tags: Subtags }[] = LOCALES.map((locale) => ({
  locale,
  tags: subtags(locale)!,
}));

/** The supported locale one language tag asks for (`pt` → pt-BR, `zh-TW` → none), or null. */
export function matchLocale(tag: string): Locale | null {
  if (tag.length > 64) return null;
  const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const want = subtags(tag);
  if (!want) return null;
  return SUPPORTED.find((s) => s.tags.language === want.language && s.tags.script === want.script)?.locale ?? null;
}

export interface LocaleSources {
  /** `?lang=` of this request. */
  query?: string | undefined;
  /** The remembered choice (cookie). */
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}

export function negotiateLocale(sources: LocaleSources): Locale {
  for (const explicit of [sources.query, sources.cookie]) {
    const chosen = explicit ? matchLocale(explicit) : null;
    if (chosen) return chosen;
  }
  for (const tag of parseAcceptLanguage(sources.acceptLanguage)) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}
