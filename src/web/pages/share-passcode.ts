// The passcode form of a share link (services/share-links.ts). It posts the link's token and the
// passcode in the body, never in a URL; a right passcode answers the install page itself.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { DEFAULT_PAGE_LANGUAGE, i18n, type PageLanguage } from '../i18n/index.js';
import { languageSwitcher, SWITCHER_STYLE } from '../language-switcher.js';

export interface SharePasscodeView {
  linkId: string;
  linkName: string;
  token: string;
  /** A wrong passcode was sent. */
  wrong: boolean;
}

export function renderSharePasscodePage(view: SharePasscodeView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): SafeHtml {
  const { t } = i18n(language.locale);
  return layout({
    title: `${view.linkName} · otaship`,
    lang: language.locale,
    banner: languageSwitcher(language),
    styles: ['base.css', ...(language.switcher.length > 0 ? [SWITCHER_STYLE] : [])],
    body: html`<main class="page share-passcode" id="main">
<h1>${view.linkName}</h1>
<p>${t.passcodeIntro}</p>
${view.wrong ? html`<div class="notice notice-error" role="alert" id="passcode-wrong">${t.passcodeWrong}</div>` : ''}
<form method="post" action="/s/${view.linkId}" class="stack" id="passcode-form">
  <input type="hidden" name="t" value="${view.token}">
  <label for="passcode">${t.passcodeLabel}</label>
  <input id="passcode" name="passcode" type="password" required autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="128">
  <button class="button button-primary" type="submit">${t.passcodeOpen}</button>
</form>
</main>`,
  });
}
