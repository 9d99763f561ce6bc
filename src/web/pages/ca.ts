// The CA trust page (/ca), shown when the server runs with its own self-signed certificate authority.
// iOS only installs from https servers it trusts: the tester installs the CA profile, then enables full
// trust for it (ota-notes §3). Both steps are easy to miss, so the page walks through them.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { DEFAULT_PAGE_LANGUAGE, i18n, type PageLanguage } from '../i18n/index.js';
import { languageSwitcher, SWITCHER_STYLE } from '../language-switcher.js';
import type { CaPageView } from '../view-models.js';

export function renderCaPage(view: CaPageView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): SafeHtml {
  const { t } = i18n(language.locale);
  return layout({
    title: `${t.caTitle} · otaship`,
    lang: language.locale,
    banner: languageSwitcher(language),
    styles: ['base.css', 'install.css', ...(language.switcher.length > 0 ? [SWITCHER_STYLE] : [])],
    body: html`<main class="page ca-page" id="main">
<h1>${t.caHeading}</h1>
<p>${t.caIntro(view.publicUrl)}</p>
<ol class="steps">
  <li>${t.caStepDownload(view.mobileconfigUrl)}</li>
  <li>${t.caStepInstall}</li>
  <li>${t.caStepTrust}</li>
</ol>
<p>${t.caOther(view.caCertUrl)}</p>
<p class="muted">${t.caFingerprint}<br><code class="fingerprint">${view.fingerprint}</code></p>
</main>`,
  });
}
