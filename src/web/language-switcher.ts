// The language switcher of the tester pages: a <details> menu of plain links (works without script),
// each language named in itself and marked with its lang so screen readers pronounce it right.
import { html, type SafeHtml } from './html.js';
import { i18n, localeName, type PageLanguage } from './i18n/index.js';

export function languageSwitcher(language: PageLanguage): SafeHtml {
  if (language.switcher.length === 0) return html``;
  const { t } = i18n(language.locale);
  return html`<nav class="lang-switcher" aria-label="${t.language}">
<details>
<summary><span class="lang-label">${t.language}:</span> <span lang="${language.locale}">${localeName(language.locale)}</span></summary>
<ul>${language.switcher.map((l) =>
    l.locale === language.locale
      ? html`<li><a href="${l.href}" hreflang="${l.locale}" lang="${l.locale}" aria-current="true">${localeName(l.locale)}</a></li>`
      : html`<li><a href="${l.href}" hreflang="${l.locale}" lang="${l.locale}">${localeName(l.locale)}</a></li>`,
  )}</ul>
</details>
</nav>
`;
}

/** The stylesheet the switcher needs, for the pages that show one. */
export const SWITCHER_STYLE = 'language.css';
