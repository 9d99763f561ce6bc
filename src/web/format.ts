// Human-readable figures for the pages. Deterministic (UTC, fixed format) so the server renders the same
// text whatever its locale, and tests can compare exact strings. The admin's figures; the tester pages
// use the same units through i18n/format.ts, in the visitor's language.
import { formatter } from './i18n/format.js';

/**
 * Decimal units as iOS and Android show app sizes: 48 213 000 → "48.2 MB". The one size format of
 * every page (the tester pages format the same way in their visitor's language, i18n/format.ts).
 */
export function humanSize(bytes: number): string {
  return formatter('en').size(bytes);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2026-11-24 04:21 UTC" */
export function formatDateTime(date: Date): string {
  return `${formatDate(date)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "2026-11-24" */
export function formatDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from now until date (negative when past), rounded toward "sooner". */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY_MS);
}
