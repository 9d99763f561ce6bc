// A release's provenance (CI, branch, commit, build link) arrives from the publisher: it is shown on
// the install page and in the admin, so it is checked here, once, for every way of publishing (raw
// upload, form, resumable upload). Each field is bounded and printable; the build link must be an
// http(s) URL, so a page can make it a link without ever producing a javascript: or data: one.
import { OtashipError } from '../core/errors.js';
import type { ReleaseSource } from '../ports/repositories.js';

export interface ReleaseSourceInput {
  ci?: unknown;
  branch?: unknown;
  commit?: unknown;
  buildUrl?: unknown;
}

export const SOURCE_LIMITS = { ci: 32, branch: 255, commit: 64, buildUrl: 2048 } as const;

const CI_NAME = /^[a-z0-9][a-z0-9-]*$/;
// Git (40/64 hex), Mercurial, Subversion revisions and Perforce changelists: no spaces or punctuation
// beyond these.
const COMMIT = /^[A-Za-z0-9._-]+$/;
// eslint-disable-next-line no-control-regex -- control and bidi/line-separator characters are what is refused
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function text(value: unknown, field: keyof typeof SOURCE_LIMITS): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OtashipError('VALIDATION', `source ${field} must be text`);
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  if (trimmed.length > SOURCE_LIMITS[field]) {
    throw new OtashipError('VALIDATION', `source ${field} is longer than ${SOURCE_LIMITS[field]} characters`);
  }
  if (UNPRINTABLE.test(trimmed)) throw new OtashipError('VALIDATION', `source ${field} contains control characters`);
  return trimmed;
}

/** The validated source, or null when nothing was given. Throws VALIDATION naming the bad field. */
export function parseReleaseSource(input: ReleaseSourceInput): ReleaseSource | null {
  const ci = text(input.ci, 'ci');
  const branch = text(input.branch, 'branch');
  const commit = text(input.commit, 'commit');
  const buildUrl = text(input.buildUrl, 'buildUrl');
  if (ci === undefined) {
    if (branch ?? commit ?? buildUrl) {
      throw new OtashipError('VALIDATION', 'source branch, commit and buildUrl need source ci (e.g. github-actions, or "other")');
    }
    return null;
  }
  if (!CI_NAME.test(ci)) throw new OtashipError('VALIDATION', 'source ci must be a short lower-case name such as github-actions');
  if (commit !== undefined && !COMMIT.test(commit)) {
    throw new OtashipError('VALIDATION', 'source commit must be a revision id (letters, digits, . _ -)');
  }
  if (buildUrl !== undefined) {
    const url = URL.canParse(buildUrl) ? new URL(buildUrl) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new OtashipError('VALIDATION', 'source buildUrl must be an absolute http(s) URL');
    }
  }
  const source: ReleaseSource = { ci };
  if (branch !== undefined) source.branch = branch;
  if (commit !== undefined) source.commit = commit;
  if (buildUrl !== undefined) source.buildUrl = buildUrl;
  return source;
}
