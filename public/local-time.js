/* global document */
// Dates in the visitor's own time zone. The server renders <time datetime="ISO" data-format="…"> in
// the page's language but in UTC (it cannot know the zone); this rewrites each one with the browser's
// zone, still in the page's language (<html lang>). Without script the UTC text stays, marked "UTC".

/** Kept equal to TIME_FORMATS in src/web/i18n/format.ts (a unit test compares them). */
export const TIME_FORMATS = {
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  datetime: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
};

/** The full date, time and zone, shown as the element's tooltip. */
const TITLE_FORMAT = { dateStyle: 'full', timeStyle: 'long' };

/** @param {ParentNode & { documentElement?: HTMLElement }} doc */
export function localizeTimes(doc) {
  const lang = doc.documentElement?.lang || undefined;
  for (const el of doc.querySelectorAll('time[datetime][data-format]')) {
    const options = TIME_FORMATS[el.dataset.format];
    const date = new Date(el.getAttribute('datetime'));
    if (!options || Number.isNaN(date.getTime())) continue;
    el.textContent = new Intl.DateTimeFormat(lang, options).format(date);
    el.title = new Intl.DateTimeFormat(lang, TITLE_FORMAT).format(date);
    el.dataset.localized = 'true';
  }
}

if (typeof document !== 'undefined') localizeTimes(document);
