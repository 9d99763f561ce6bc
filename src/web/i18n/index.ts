// What a page renderer needs to speak the visitor's language: the catalogue, the formatter, and the
// language switcher's links (built by the route from the request URL; renderers never build URLs).
import { DEFAULT_LOCALE, LOCALE_NAMES, type Locale } from './locales.js';
import { formatter, type Formatter } from './format.js';
import { CATALOGUES } from './messages/index.js';
import type { Messages } from './messages/en.js';

export { LOCALES, LOCALE_NAMES, DEFAULT_LOCALE, type Locale } from './locales.js';
export { negotiateLocale, matchLocale, parseAcceptLanguage } from './negotiate.js';
export { formatter, TIME_FORMATS, type Formatter, type TimeFormat } from './format.js';
export type { Messages } from './messages/en.js';
export type { Plural } from './plural.js';

export interface LanguageLink {
  locale: Locale;
  /** Same page, same query, with ?lang=<locale>: relative, so it can never point elsewhere. */
  href: string;
}

/** The language a page is rendered in, and the switcher's links (none: no switcher). */
export interface PageLanguage {
  locale: Locale;
  switcher: readonly LanguageLink[];
}

export const DEFAULT_PAGE_LANGUAGE: PageLanguage = { locale: DEFAULT_LOCALE, switcher: [] };

export interface I18n {
  locale: Locale;
  t: Messages;
  f: Formatter;
}

export function i18n(locale: Locale): I18n {
  return { locale, t: CATALOGUES[locale], f: formatter(locale) };
}

export function localeName(locale: Locale): string {
  return LOCALE_NAMES[locale];
}
