// Device registration pages for testers: /udid explains what the profile does and offers it; /udid/done
// is where iOS opens Safari after the device has sent its UDID (the 301 from the profile service).
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { DEFAULT_PAGE_LANGUAGE, i18n, type PageLanguage } from '../i18n/index.js';
import { languageSwitcher, SWITCHER_STYLE } from '../language-switcher.js';
import type { UdidDonePageView, UdidPageView } from '../view-models.js';

function styles(language: PageLanguage): string[] {
  return ['base.css', 'install.css', ...(language.switcher.length > 0 ? [SWITCHER_STYLE] : [])];
}

export function renderUdidPage(view: UdidPageView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): SafeHtml {
  const { t } = i18n(language.locale);
  return layout({
    title: `${t.udidTitle} · otaship`,
    lang: language.locale,
    banner: languageSwitcher(language),
    styles: styles(language),
    body: html`<main class="page udid-page" id="main">
<h1>${t.udidHeading}</h1>
<p>${t.udidIntro}</p>
<p class="notice">${t.udidSafari}</p>
<ol class="steps">
  <li>${t.udidStepDownload(view.profileUrl)}</li>
  <li>${t.udidStepInstall}</li>
  <li>${t.udidStepDone(view.host)}</li>
</ol>
<section class="card">
<h2>${t.udidWhatSent}</h2>
<p>${t.udidWhatSentBody(view.host)}</p>
</section>
</main>`,
  });
}

export function renderUdidDonePage(view: UdidDonePageView, language: PageLanguage = DEFAULT_PAGE_LANGUAGE): SafeHtml {
  const { t } = i18n(language.locale);
  return layout({
    title: `${t.udidDoneTitle} · otaship`,
    lang: language.locale,
    banner: languageSwitcher(language),
    styles: styles(language),
    scripts: ['udid.js'],
    body: html`<main class="page udid-page" id="main">
<h1>${t.udidDoneHeading}</h1>
<p>${t.udidDoneBody}</p>
<dl class="facts">
  <div><dt>UDID</dt><dd><code class="udid" id="udid">${view.udid}</code> <button type="button" class="button button-small" data-copy-from="udid" data-copied="${t.copied}" hidden>${t.copy}</button></dd></div>
  <div><dt>${t.model}</dt><dd>${view.product}</dd></div>
  <div><dt>iOS</dt><dd>${view.version}</dd></div>
  ${view.deviceName ? html`<div><dt>${t.deviceName}</dt><dd>${view.deviceName}</dd></div>` : ''}
</dl>
<p class="muted">${t.nothingInstalled}</p>
</main>`,
  });
}
