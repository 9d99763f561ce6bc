// Device registration pages for testers: /udid explains what the profile does and offers it; /udid/done
// is where iOS opens Safari after the device has sent its UDID (the 301 from the profile service).
import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { UdidDonePageView, UdidPageView } from '../view-models.js';

export function renderUdidPage(view: UdidPageView): SafeHtml {
  return layout({
    title: 'Register this device · otaship',
    styles: ['base.css', 'install.css'],
    body: html`<main class="page udid-page" id="main">
<h1>Register this iPhone or iPad</h1>
<p>Test builds signed for development or ad hoc install only on devices listed in their provisioning profile. Register this device here, and the team can add it to the next build.</p>
<p class="notice">Open this page in <strong>Safari on the device you want to register</strong>: other browsers and in-app browsers cannot install profiles.</p>
<ol class="steps">
  <li><strong>Download the profile:</strong> <a class="button button-primary" href="${view.profileUrl}">Download registration profile</a> and tap <em>Allow</em>.</li>
  <li><strong>Install it within a few minutes:</strong> open Settings, tap <em>Profile Downloaded</em> near the top (or General › VPN &amp; Device Management), then <em>Install</em>. iOS marks the profile <em>Unverified</em> because it is not signed; that is expected.</li>
  <li><strong>Done:</strong> iOS sends the device’s identifiers to ${view.host} and opens Safari on a page showing its UDID.</li>
</ol>
<section class="card">
<h2>What is sent</h2>
<p>The device’s UDID, model (for example iPhone16,1), iOS version, serial number and device name, to ${view.host} only. Nothing stays installed on the device: the profile only asks for these details once.</p>
</section>
</main>`,
  });
}

export function renderUdidDonePage(view: UdidDonePageView): SafeHtml {
  return layout({
    title: 'Device registered · otaship',
    styles: ['base.css', 'install.css'],
    scripts: ['udid.js'],
    body: html`<main class="page udid-page" id="main">
<h1>This device is registered</h1>
<p>Thank you. The team can now add this device to their test builds; you will be able to install them once a build that includes it is published.</p>
<dl class="facts">
  <div><dt>UDID</dt><dd><code class="udid" id="udid">${view.udid}</code> <button type="button" class="button button-small" data-copy-from="udid" hidden>Copy</button></dd></div>
  <div><dt>Model</dt><dd>${view.product}</dd></div>
  <div><dt>iOS</dt><dd>${view.version}</dd></div>
  ${view.deviceName ? html`<div><dt>Name</dt><dd>${view.deviceName}</dd></div>` : ''}
</dl>
<p class="muted">Nothing was installed on this device.</p>
</main>`,
  });
}
