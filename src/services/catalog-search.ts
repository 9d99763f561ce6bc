// What the admin's search boxes mean, as pure functions over records: apps by name or bundle id and
// platform; an app's releases by text (version, build, name, notes, where it was built) and by the
// kind of provisioning profile it was signed with. Query values come from URLs: each is checked here
// and refused with a message naming it, never guessed at.
import { OtashipError } from '../core/errors.js';
import type { ProfileType } from '../core/types.js';
import type { AppRecord, Platform, ReleaseRecord } from '../ports/repositories.js';

/** Longest search text accepted (a URL parameter, so bounded). */
export const MAX_SEARCH_TEXT = 200;

export const PROFILE_FILTERS = ['ad-hoc', 'enterprise', 'development', 'app-store', 'none'] as const;
/** A profile kind, or 'none': releases without a provisioning profile (every Android build). */
export type ProfileFilter = (typeof PROFILE_FILTERS)[number];

export interface AppQuery {
  text: string;
  platform: Platform | null;
}

export interface ReleaseQuery {
  text: string;
  profile: ProfileFilter | null;
}

function text(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtashipError('VALIDATION', `${name} must be given once, as text`);
  const t = value.trim();
  if (t.length > MAX_SEARCH_TEXT) throw new OtashipError('VALIDATION', `${name} must be at most ${MAX_SEARCH_TEXT} characters`);
  return t;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new OtashipError('VALIDATION', `${name} must be one of ${allowed.join(', ')} (or empty for all)`);
}

export function parseAppQuery(query: { q?: unknown; platform?: unknown }): AppQuery {
  return { text: text(query.q, 'q'), platform: oneOf(query.platform, 'platform', ['ios', 'android'] as const) };
}

export function parseReleaseQuery(query: { q?: unknown; profile?: unknown }): ReleaseQuery {
  return { text: text(query.q, 'q'), profile: oneOf(query.profile, 'profile', PROFILE_FILTERS) };
}

export function isEmptyQuery(query: AppQuery | ReleaseQuery): boolean {
  return query.text === '' && ('platform' in query ? query.platform === null : query.profile === null);
}

/** Case-insensitive: every word of the text must appear in one of the fields. */
function matchesWords(words: string, fields: ReadonlyArray<string | null | undefined>): boolean {
  const haystack = fields.filter((f): f is string => typeof f === 'string').map((f) => f.toLowerCase());
  return words
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .every((w) => haystack.some((f) => f.includes(w)));
}

export function matchesApp(app: AppRecord, query: AppQuery): boolean {
  if (query.platform !== null && app.platform !== query.platform) return false;
  return matchesWords(query.text, [app.name, app.bundleId]);
}

export function profileKind(release: ReleaseRecord): ProfileType | 'none' {
  return release.info.profile?.type ?? 'none';
}

export function matchesRelease(release: ReleaseRecord, query: ReleaseQuery): boolean {
  if (query.profile !== null && profileKind(release) !== query.profile) return false;
  const s = release.source;
  return matchesWords(query.text, [release.version, release.build, release.name, release.notes, s?.ci, s?.branch, s?.commit]);
}
