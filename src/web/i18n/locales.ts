// The languages the tester-facing pages speak. English is the source catalogue and the default when
// nothing the visitor asked for is offered.

export const LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'ko', 'zh-Hans', 'pt-BR'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language in its own name, as the language switcher lists them. */
export const LOCALE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  ja: '日本語',
  ko: '한국어',
  'zh-Hans': '简体中文',
  'pt-BR': 'Português (Brasil)',
};
