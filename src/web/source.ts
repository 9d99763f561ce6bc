// A release's provenance as page fragments. The values come from the publisher (validated by
// services/release-source.ts) and go through html`` escaping like any other text; the build link is
// only ever an http(s) URL, which the service guarantees and this module checks again before making
// it an <a href> (defence in depth for rows written by other tools).
import type { ReleaseSource } from '../ports/repositories.js';
import { html, type SafeHtml } from './html.js';

const CI_LABELS: Record<string, string> = {
  'github-actions': 'GitHub Actions',
  'gitlab-ci': 'GitLab CI',
  bitrise: 'Bitrise',
  circleci: 'CircleCI',
  jenkins: 'Jenkins',
  'azure-pipelines': 'Azure Pipelines',
  buildkite: 'Buildkite',
  codemagic: 'Codemagic',
  'xcode-cloud': 'Xcode Cloud',
};

export function ciLabel(ci: string): string {
  return Object.hasOwn(CI_LABELS, ci) ? CI_LABELS[ci]! : ci;
}

/** Git hashes are shown as their usual 12-character prefix; the full value is in the title. */
function commitFragment(commit: string): SafeHtml {
  const short = /^[0-9a-f]{40,64}$/i.test(commit) ? commit.slice(0, 12) : commit;
  return html`<code title="${commit}">${short}</code>`;
}

function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * "GitHub Actions · main · 0123456789ab", with the CI name linking to the build when `withLink`.
 * Install pages leave the link out: the build log is for the team, not for every tester with the link.
 */
export function sourceFragment(source: ReleaseSource, withLink: boolean): SafeHtml {
  const href = withLink && source.buildUrl ? safeHref(source.buildUrl) : null;
  const ci = href ? html`<a href="${href}" target="_blank" rel="noopener noreferrer">${ciLabel(source.ci)}</a>` : html`${ciLabel(source.ci)}`;
  return html`<span class="release-source" data-role="source">${ci}${source.branch ? html` · ${source.branch}` : ''}${
    source.commit ? html` · ${commitFragment(source.commit)}` : ''
  }</span>`;
}
