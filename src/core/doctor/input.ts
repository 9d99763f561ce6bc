// What the doctor was given: an itms-services link, or an http(s) URL that turns out (once fetched)
// to be a manifest or a page holding install links. Anything else cannot be checked (BAD_LINK,
// exit 2): the doctor judges a deployment, and there is none to reach.
import { OtashipError } from '../errors.js';
import { findInstallLinks, lintInstallLink, parseInstallLink } from '../link/index.js';
import type { HttpAnswer } from './facts.js';
import { finding, type Finding } from './findings.js';

export type DoctorInput = { kind: 'link'; link: string } | { kind: 'url'; url: string };

export function classifyInput(arg: string): DoctorInput {
  const text = arg.trim();
  if (/^itms[\w.+-]*:/i.test(text)) return { kind: 'link', link: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OtashipError('BAD_LINK', `"${text.slice(0, 80)}" is neither an itms-services link nor an http(s) URL: give the install page, the install link or the manifest URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OtashipError('BAD_LINK', `${url.protocol} URLs cannot be checked: give the install page, the install link or the manifest URL (https)`);
  }
  return { kind: 'url', url: url.href };
}

/** The linter's codes for hosts a phone cannot reach: the doctor reaches them itself and says so. */
const LOCAL_LINK_CODES = new Set(['host-unreachable', 'host-private-network']);

export interface LinkJudgement {
  findings: Finding[];
  /** The manifest URL the link leads to, when it leads anywhere checkable. */
  manifestUrl: string | null;
}

/** The link as iOS reads it: the linter's errors are findings; the manifest URL is what iOS fetches. */
export function checkLink(link: string, pageUrl: string | null): LinkJudgement {
  const out: Finding[] = [];
  const lint = lintInstallLink(link);
  for (const p of lint.problems) {
    if (p.severity !== 'error') continue;
    if (LOCAL_LINK_CODES.has(p.code)) {
      out.push(finding('LOCAL_HOST', 'link', pageUrl, p.message));
      continue;
    }
    out.push(finding('LINK_PROBLEM', 'link', pageUrl, `${p.message} (${p.code})${lint.fixed ? `; the repaired link is ${lint.fixed}` : ''}`));
  }
  let manifestUrl: string | null = null;
  try {
    const parsed = parseInstallLink(link);
    if (parsed.action === 'download-manifest' && parsed.url && /^https?:\/\//i.test(parsed.url)) manifestUrl = new URL(parsed.url).href;
  } catch {
    // Reported by the linter above.
  }
  if (!manifestUrl && out.length === 0) out.push(finding('LINK_PROBLEM', 'link', pageUrl, `The link ${link.slice(0, 120)} names no https manifest URL`));
  return { findings: out, manifestUrl };
}

/** A fetched URL is a manifest when it says so or its body starts like a property list. */
export function looksLikeManifest(answer: HttpAnswer, body: Buffer): boolean {
  const type = answer.headers['content-type'] ?? '';
  if (/plist|^(text|application)\/xml/i.test(type)) return true;
  const head = body.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('bplist') || (/^<\?xml/.test(head) && /<plist|<!DOCTYPE plist/i.test(head)) || head.startsWith('<plist');
}

/** The distinct install links of a page, in page order. */
export function installLinksOf(html: string): string[] {
  const links = findInstallLinks(html)
    .map((f) => f.link)
    .filter((l) => /^itms-services:/i.test(l));
  return [...new Set(links)];
}
