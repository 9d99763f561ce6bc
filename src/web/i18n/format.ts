// Numbers, sizes, plurals and dates in the page's language, all through Intl (ICU/CLDR data shipped
// with Node and with every browser), so no locale data lives in this repository.
//
// Sizes use ONE unit system everywhere, pages and admin alike: decimal SI units (1 kB = 1000 bytes,
// 1 MB = 10^6 bytes), as iOS and Android show app sizes, so the figure matches what the phone says.
//
// Dates: the server does not know the visitor's time zone. It writes <time datetime="ISO"> with the
// date formatted in the page's language in UTC (saying "UTC" when a time is shown), and the page's
// script public/local-time.js rewrites it with the browser's own zone, using the same options
// (TIME_FORMATS, kept equal to the script's by a test).
import { html, type SafeHtml } from '../html.js';
import type { Locale } from './locales.js';
import type { Plural } from './plural.js';

export const TIME_FORMATS = {
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  datetime: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type TimeFormat = keyof typeof TIME_FORMATS;

const SIZE_UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

export interface Formatter {
  readonly locale: Locale;
  number(n: number): string;
  /** 48 213 000 → "48.2 MB" (en), "48,2 Mo" (fr); below 1000, whole bytes in words. */
  size(bytes: number): string;
  /** The form of `forms` for n, with "{n}" replaced by n in the locale's digits. */
  plural(forms: Plural, n: number): string;
  /** "iPhone, iPad" */
  list(items: readonly string[]): string;
  /** <time datetime="…" data-format="…">, text in UTC until the page script localises it. */
  time(date: Date, format: TimeFormat): SafeHtml;
  /** The UTC text of time(). */
  timeText(date: Date, format: TimeFormat): string;
}

const cache = new Map<Locale, Formatter>();

export function formatter(locale: Locale): Formatter {
  let f = cache.get(locale);
  if (!f) {
    f = createFormatter(locale);
    cache.set(locale, f);
  }
  return f;
}

function createFormatter(locale: Locale): Formatter {
  const numbers = new Intl.NumberFormat(locale);
  const rules = new Intl.PluralRules(locale);
  const bytes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'long' });
  // Same precision as the phones show: 4.50 GB, 48.2 MB, 123 MB.
  const units = new Map<string, Intl.NumberFormat>();
  const unit = (name: string, digits: number): Intl.NumberFormat => {
    const key = `${name}/${digits}`;
    let nf = units.get(key);
    if (!nf) {
      nf = new Intl.NumberFormat(locale, { style: 'unit', unit: name, minimumFractionDigits: digits, maximumFractionDigits: digits });
      units.set(key, nf);
    }
    return nf;
  };
  const lists = new Intl.ListFormat(locale, { type: 'conjunction', style: 'narrow' });
  const times: Record<TimeFormat, Intl.DateTimeFormat> = {
    date: new Intl.DateTimeFormat(locale, { ...TIME_FORMATS.date, timeZone: 'UTC' }),
    datetime: new Intl.DateTimeFormat(locale, { ...TIME_FORMATS.datetime, timeZone: 'UTC' }),
  };
  const self: Formatter = {
    locale,
    number: (n) => numbers.format(n),
    size(value) {
      if (!Number.isFinite(value) || value < 0) return '?';
      if (value < 1000) return bytes.format(value);
      let v = value / 1000;
      let i = 0;
      while (v >= 1000 && i < SIZE_UNITS.length - 1) {
        v /= 1000;
        i++;
      }
      const digits = v < 10 ? 2 : v < 100 ? 1 : 0;
      return unit(SIZE_UNITS[i]!, digits).format(v);
    },
    plural(forms, n) {
      const form = forms[rules.select(n) as keyof Plural] ?? forms.other;
      return form.replaceAll('{n}', numbers.format(n));
    },
    list: (items) => lists.format(items),
    timeText: (date, format) => times[format].format(date),
    time: (date, format) => html`<time datetime="${date.toISOString()}" data-format="${format}">${self.timeText(date, format)}</time>`,
  };
  return self;
}
