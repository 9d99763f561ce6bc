// Lints every link found in a text or HTML page: the shape `otaship lint --json` prints. Each
// occurrence is its own result: `input` is the link as written in the source (HTML entities left as
// they are), `line` where it starts; the verdict is on the link as a browser decodes it.
import { findInstallLinks } from './find.js';
import { lintInstallLink, type LinkLintResult } from './lint.js';

export interface LinksLintReport {
  /** True when at least one link was found and none has an error. */
  ok: boolean;
  links: LinkLintResult[];
}

export function lintInstallLinks(textOrHtml: string): LinksLintReport {
  const links = findInstallLinks(textOrHtml).map((f): LinkLintResult => {
    const result = { ...lintInstallLink(f.link, { source: f.source }), input: f.raw };
    return f.line === null ? result : { ...result, line: f.line };
  });
  return { ok: links.length > 0 && links.every((l) => l.ok), links };
}
