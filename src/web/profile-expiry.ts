// The admin's flag for a provisioning profile that has expired or soon will: a build signed with it
// stops installing (and, once expired, stops launching) on testers' devices, so the lists say so
// before testers find out. The date is always in the text, not only in a tooltip.
import { html, type SafeHtml } from './html.js';
import { daysUntil, formatDate } from './format.js';

/** "Soon": within this many days the admin should re-sign and publish again. */
export const EXPIRY_WARNING_DAYS = 14;

export type ProfileExpiryState = 'expired' | 'soon' | 'ok';

export function profileExpiryState(expiresAt: Date, now: Date): ProfileExpiryState {
  if (expiresAt.getTime() <= now.getTime()) return 'expired';
  return daysUntil(expiresAt, now) < EXPIRY_WARNING_DAYS ? 'soon' : 'ok';
}

/** A badge for expired and soon-expiring profiles; nothing for the others (or no profile). */
export function profileExpiryBadge(expiresAt: Date | null, now: Date): SafeHtml | string {
  if (!expiresAt) return '';
  const state = profileExpiryState(expiresAt, now);
  const date = formatDate(expiresAt);
  if (state === 'expired') {
    return html`<span class="badge badge-bad" data-role="profile-expiry" data-state="expired" title="The provisioning profile expired on ${date}: this build no longer installs. Re-sign it and upload it again.">Profile expired ${date}</span>`;
  }
  if (state === 'soon') {
    const days = daysUntil(expiresAt, now);
    const when = days < 1 ? 'within a day' : `in ${days} ${days === 1 ? 'day' : 'days'}`;
    return html`<span class="badge badge-warn" data-role="profile-expiry" data-state="soon" title="The provisioning profile expires on ${date}: after that this build no longer installs. Re-sign it and upload it again before then.">Profile expires ${when} (${date})</span>`;
  }
  return '';
}
