// The testers' side of the admin app page, for the app's managers: who installed each release
// through their own install links, and the testers' devices missing from the latest build with
// the file Apple's developer portal imports.
import type { PersonInstallJson } from '../../services/person-links.js';
import type { MissingDevicesJson } from '../../services/tester-devices.js';
import { formatDateTime } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { versionLabel } from './install.js';

/** Under a release: who installed it (nothing when nobody has through a personal link yet). */
export function releaseInstallsFragment(installs: readonly PersonInstallJson[] | undefined): SafeHtml | '' {
  if (!installs || installs.length === 0) return '';
  return html`<details class="installs" data-role="installs">
  <summary class="muted">Installed by ${String(installs.length)} ${installs.length === 1 ? 'person' : 'people'}</summary>
  <div class="table-wrap"><table class="small">
    <thead><tr><th>Person</th><th>Manifest fetches</th><th>Downloads</th><th>Last</th></tr></thead>
    <tbody>${installs.map(
      (i) => html`<tr data-person-id="${i.personId}"><td>${i.name ? html`${i.name} <span class="muted">${i.email}</span>` : i.email}</td><td>${String(i.manifestFetches)}</td><td>${String(i.downloads)}</td><td>${formatDateTime(new Date(i.lastAt))}</td></tr>`,
    )}</tbody>
  </table></div>
</details>`;
}

/** The app's testers' devices the latest build's profile leaves out, with the export for Apple's portal. */
export function missingDevicesSection(missing: MissingDevicesJson, exportUrl: string): SafeHtml {
  const build = missing.release
    ? html`the latest build, ${versionLabel(missing.release.version, missing.release.build)}${
        missing.release.profileName ? html` (profile “${missing.release.profileName}”)` : html` (no provisioning profile)`
      }`
    : html`a build (there is none yet)`;
  return html`<section class="card" id="missing-devices">
  <h2>Testers' devices missing from the build</h2>
  <p class="muted small">Devices your testers registered while signed in that ${build} does not include. Add them in Apple's developer portal (Devices › Register Multiple Devices), renew the profile and publish a new build.</p>
  ${missing.items.length === 0
    ? html`<p class="muted" data-role="none-missing">None: every tester's registered device is in it.</p>`
    : html`<div class="table-wrap"><table class="small">
    <thead><tr><th>Tester</th><th>Device</th><th>UDID</th></tr></thead>
    <tbody>${missing.items.map(
      (d) => html`<tr data-device-id="${d.id}"><td>${d.person.email}</td><td>${d.label ?? d.deviceName ?? d.product}</td><td><code>${d.udid}</code></td></tr>`,
    )}</tbody>
  </table></div>
  <p><a class="button button-small" href="${exportUrl}" id="missing-devices-export" download>Download for Apple's portal</a></p>`}
</section>`;
}
