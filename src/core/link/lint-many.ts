// Lints every link found in a text or HTML page: the shape `otaship lint --json` prints.
import { findInstallLinks } from './find.js';
import { lintInstallLink, type LinkLintResult } from './lint.js';

export interface LinksLintReport {
  /** True when at least one link was found and none has an error. */
  ok: boolean;
  links: LinkLintResult[];
}

export function lintInstallLinks(textOrHtml: string): LinksLintReport {
  const links = findInstallLinks(textOrHtml).map((f) => lintInstallLink(f.link, { source: f.source }));
  return { ok: links.length > 0 && links.every((l) => l.ok), links };
}
