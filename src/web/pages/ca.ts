// The CA trust page (/ca), shown when the server runs with its own self-signed certificate authority.
// iOS only installs from https servers it trusts: the tester installs the CA profile, then enables full
// trust for it (ota-notes §3). Both steps are easy to miss, so the page walks through them.
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { CaPageView } from '../view-models.js';

export function renderCaPage(view: CaPageView): SafeHtml {
  return layout({
    title: 'Trust this server · otaship',
    styles: ['base.css', 'install.css'],
    body: html`<main class="page ca-page" id="main">
<h1>Trust this server’s certificate</h1>
<p>This otaship server (<code>${view.publicUrl}</code>) uses its own certificate authority. iPhones and iPads install apps only from servers they trust, so do this once per device:</p>
<ol class="steps">
  <li><strong>Download the profile</strong> in Safari: <a class="button button-primary" href="${view.mobileconfigUrl}">Download CA profile</a> and tap <em>Allow</em>.</li>
  <li><strong>Install it:</strong> open Settings › General › VPN &amp; Device Management (or the <em>Profile Downloaded</em> entry at the top of Settings), tap the profile and <em>Install</em>.</li>
  <li><strong>Enable full trust:</strong> Settings › General › About › Certificate Trust Settings, switch on the otaship CA. Without this step installs still fail.</li>
</ol>
<p>On a computer or Android device, download the certificate instead: <a href="${view.caCertUrl}">ca.crt</a>.</p>
<p class="muted">Check the certificate’s SHA-256 fingerprint before trusting it:<br><code class="fingerprint">${view.fingerprint}</code></p>
</main>`,
  });
}
