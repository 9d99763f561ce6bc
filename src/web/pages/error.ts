// The HTML error page for page routes (the JSON API gets {error:{code,message,hint}} instead). Shows the
// catalogue's message and hint so a tester with an expired link knows to ask for a fresh one.
// The catalogue's texts are English (they are also the API's and the log's); in another language the
// page leads with translated advice for the errors testers meet, and keeps the English details below.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { DEFAULT_PAGE_LANGUAGE, i18n, type PageLanguage } from '../i18n/index.js';
import { languageSwitcher, SWITCHER_STYLE } from '../language-switcher.js';
import type { ErrorPageView } from '../view-models.js';

export function renderErrorPage(view: ErrorPageView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): SafeHtml {
  const { t } = i18n(language.locale);
  const titles: Readonly<Record<number, string>> = t.errorTitles;
  const title = titles[view.status] ?? (view.status >= 500 ? titles[500]! : t.errorOther);
  const advice = Object.hasOwn(t.errorAdvice, view.code) ? t.errorAdvice[view.code as keyof typeof t.errorAdvice] : null;
  const english = language.locale === 'en';
  const serverText = html`<p class="error-message" lang="en">${view.message}</p>
${view.hint ? html`<p class="error-hint" lang="en">${view.hint}</p>` : ''}`;
  return layout({
    title: `${title} · otaship`,
    lang: language.locale,
    banner: languageSwitcher(language),
    styles: ['base.css', ...(language.switcher.length > 0 ? [SWITCHER_STYLE] : [])],
    body: html`<main class="page error-page" id="main">
<h1>${title}</h1>
${english
    ? serverText
    : html`${advice ? html`<p class="error-advice">${advice}</p>` : ''}<details class="error-details"${advice ? '' : html` open`}><summary>${t.errorDetails}</summary>${serverText}</details>`}
<p class="muted error-code">${t.errorCode(view.status, view.code)}</p>
</main>`,
  });
}
