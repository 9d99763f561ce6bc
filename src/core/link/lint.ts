// Lints one itms-services link: every problem from ota-notes §1 gets a stable code, a severity and a
// message that says what to do. Where a fix exists, the fixed link is offered: the link is
// HTML-unescaped until stable, the intended manifest URL recovered, and the link rebuilt with
// encodeURIComponent. A fix is only offered when the rebuilt link itself lints without errors.
import { formatInstallLink } from './build.js';
import { encodeRejectedCharacters, nsurlRejectedCharacters } from './nsurl.js';
import { findPlaceholder } from './placeholder.js';
import { problem, type LinkProblem } from './problems.js';
import { analysePurchaseIntent, PURCHASE_ACTION } from './purchase-intent.js';
import { isSchemeTypo, isStoreScheme, schemeProblems } from './scheme.js';
import { editDistance } from './similarity.js';
import { splitLink, splitParams, type RawParam } from './split.js';
import { unescapeHtmlUntilStable } from './unescape.js';
import { analyseUrlValue, parseAbsolute } from './url-value.js';

/** Where a link was found: decides what an HTML escape in it means. */
export type LinkSource = 'input' | 'attribute' | 'html-text' | 'script' | 'text' | 'json';

export interface LintInstallLinkOptions {
  /**
   * 'attribute' / 'html-text' when the link comes from HTML that a browser already decoded once;
   * 'script' (HTML <script>/<style> text), 'input', 'text', 'json' when nothing decodes entities.
   * Default 'input'.
   */
  readonly source?: LinkSource;
}

export interface LinkLintResult {
  /** The link as given; from lintInstallLinks, as written in the source (HTML entities not decoded). */
  input: string;
  /** True when no problem has severity 'error' (a purchaseIntent link is ok: it is not broken). */
  ok: boolean;
  problems: LinkProblem[];
  /** The repaired link, when a repair exists and lints without errors; otherwise null. */
  fixed: string | null;
  /** From lintInstallLinks: the 1-based line of the source where the link starts, when known. */
  line?: number;
}

const INSTALL_ACTION = 'download-manifest';

function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Replaces parameter values that are themselves itms-services links with the inner link's params. */
function flattenDoubledPrefix(params: readonly RawParam[], depth = 0): { params: RawParam[]; doubled: boolean } {
  const out: RawParam[] = [];
  let doubled = false;
  for (const p of params) {
    const inner = depth < 5 && /^itms[\w.+-]*:/i.test(p.value) ? splitLink(p.value) : null;
    if (inner) {
      doubled = true;
      const innerParams = inner.hasQuestionMark ? inner.params : splitParams(inner.host);
      out.push(...flattenDoubledPrefix(innerParams, depth + 1).params);
    } else {
      out.push(p);
    }
  }
  return { params: out, doubled };
}

function allSame(values: readonly string[]): boolean {
  return values.every((v) => v === values[0]);
}

function htmlEscapedMessage(raw: string, rounds: number, source: LinkSource): string {
  // "&amp;", or "&amp%3B" where the ';' was percent-encoded on the way (iOS decodes it back to ';').
  const entity = /&(?:amp|#0*38|#x0*26)(?:;|%3B)/i.exec(raw)?.[0];
  const shown = entity === undefined ? 'HTML escapes' : `the HTML escape "${entity}"${/%3B$/i.test(entity) ? ' (its ";" percent-encoded)' : ''}`;
  const strayKey = splitLink(raw)?.params.find((p) => /^(?:amp|#0*38|#x0*26);/i.test(p.key))?.key;
  const effect = entity?.startsWith('&#')
    ? 'iOS reads "#" as the start of a fragment and drops everything after it, url included'
    : strayKey
      ? `iOS sees a parameter "${strayKey}" instead of "${strayKey.replace(/^(?:(?:amp|#0*38|#x0*26);)+/i, '')}"`
      : 'iOS reads the escapes literally';
  if (source === 'attribute' || source === 'html-text') {
    return (
      `After the browser decodes the page, the link still holds ${shown} (it was HTML-escaped ` +
      `${rounds + 1} times), so ${effect}. Escape the link exactly once in HTML`
    );
  }
  const times = rounds > 1 ? ` (escaped ${rounds} times)` : '';
  if (source === 'script') {
    return (
      `The link is inside a <script>, where browsers do not decode HTML entities, so it holds ${shown}${times} ` +
      `and ${effect}. Write a plain "&" in JavaScript`
    );
  }
  return (
    `The link holds ${shown}${times} where nothing decodes it (plain text, e-mail, chat, ` +
    `QR code, JSON, Markdown), so ${effect}. Use a plain "&" here; write "&amp;" only inside HTML attributes`
  );
}

interface Analysis {
  problems: LinkProblem[];
  candidate: string | null;
  /** The manifest URL iOS fetches from this link; null when it finds none. */
  fetched: string | null;
}

function analyse(raw: string, source: LinkSource): Analysis {
  const problems: LinkProblem[] = [];
  // "&amp%3Burl=": an escape whose ';' was percent-encoded on the way is still that escape.
  const unescaped = unescapeHtmlUntilStable(raw.replace(/&(amp|#0*38|#x0*26)%3B/gi, '&$1;'));
  if (unescaped.rounds > 0) problems.push(problem('html-escaped', htmlEscapedMessage(raw, unescaped.rounds, source)));
  let work = unescaped.text;

  // "itms-services//?…": the colon is missing, so this is not even a URL with a scheme.
  const noColon = /^(itms[\w.+-]*)(\/\/?)(?=\?)/i.exec(work);
  if (noColon) {
    const name = noColon[1] ?? '';
    problems.push(problem('scheme-typo', `"${name}${noColon[2] ?? ''}" lacks the colon: write itms-services://`));
    work = `${name}:${work.slice(name.length)}`;
  }

  const split = splitLink(work);
  const lower = split?.scheme.toLowerCase() ?? '';
  if (!split || (lower !== 'itms-services' && !isStoreScheme(lower) && !isSchemeTypo(lower))) {
    const isWeb = /^https?:\/\//i.test(work);
    problems.push(
      problem(
        'not-itms-link',
        isWeb
          ? `"${shorten(work)}" is a web URL, not an install link: iOS installs only through ` +
              'itms-services://?action=download-manifest&url=<encoded manifest URL>'
          : `"${shorten(work)}" is not an itms-services link: an install link is ` +
              'itms-services://?action=download-manifest&url=<encoded manifest URL>',
      ),
    );
    return { problems, candidate: isWeb ? formatInstallLink(encodeRejectedCharacters(work)) : null, fetched: null };
  }

  problems.push(...schemeProblems(split.scheme, split.slashes));
  let params: readonly RawParam[] = split.params;
  if (!split.hasQuestionMark && split.host.includes('=')) {
    problems.push(
      problem(
        'missing-question-mark',
        'The parameters do not start with "?", so iOS reads them as a host name: write itms-services://?action=…',
      ),
    );
    params = splitParams(split.host);
  } else if (split.host !== '') {
    problems.push(
      problem(
        'unexpected-host',
        `The link has a host ("${shorten(split.host, 40)}"); install links have none: write itms-services://?action=…`,
      ),
    );
  }

  // A printf placeholder in the manifest URL ("url=https://%s/app.plist") is not a bad escape: it is
  // reported as a placeholder. Anywhere else (a parameter iOS ignores) it still makes the link undecodable.
  const undecodable = params.filter(
    (p) => !p.decodable && !(p.key.toLowerCase() === 'url' && findPlaceholder(p.rawValue) !== null),
  );
  if (undecodable.length > 0) {
    problems.push(
      problem(
        'bad-percent-encoding',
        `${undecodable.map((p) => `"${p.rawKey}"`).join(', ')} holds a "%" not followed by two hex digits, so the ` +
          'link cannot be decoded: encode a literal % as %25 (encodeURIComponent does this)',
      ),
    );
  }

  const flat = flattenDoubledPrefix(params);
  if (flat.doubled) {
    problems.push(
      problem(
        'doubled-prefix',
        'The url parameter holds another itms-services link (the prefix was added twice): ' +
          'url= must be the manifest URL itself',
      ),
    );
  }
  const all = flat.params;
  let fixable = true;

  const actions = all.filter((p) => p.key === 'action');
  const actionAlias = all.find((p) => p.key !== 'action' && p.key.toLowerCase() === 'action');
  if (actions.length === 0) {
    problems.push(
      problem(
        'missing-action',
        actionAlias
          ? `The link has no action parameter: "${shorten(actionAlias.key, 20)}" is not "action" and iOS keys ` +
              'are case-sensitive. Write action=download-manifest'
          : 'The link has no action parameter: add action=download-manifest',
      ),
    );
  } else if (actions.length > 1 && !(flat.doubled && allSame(actions.map((a) => a.value)))) {
    problems.push(
      problem(
        'duplicate-action',
        `action appears ${actions.length} times (${actions.map((a) => `"${a.value}"`).join(', ')}): keep one`,
      ),
    );
  }
  const action = actions[0]?.value;
  if (action === PURCHASE_ACTION) return { ...analysePurchaseIntent(all, problems), fetched: null };
  if (action !== undefined && action !== INSTALL_ACTION) {
    const lowerAction = action.toLowerCase();
    const close =
      lowerAction.replace(/[^a-z]/g, '') === 'downloadmanifest' || editDistance(lowerAction, INSTALL_ACTION) <= 4;
    if (!close) fixable = false;
    problems.push(
      problem(
        'unknown-action',
        close
          ? `action "${action}" is not known to iOS: did you mean action=download-manifest?`
          : `action "${action}" is not known to iOS: install links use action=download-manifest`,
      ),
    );
  }

  // The url parameter. iOS keys are case-sensitive: a case variant (URL=) is no url at all, but it
  // shows what the author meant, so the repair takes its value.
  const urls = all.filter((p) => p.key === 'url');
  const urlAlias = all.find((p) => p.key !== 'url' && p.key.toLowerCase() === 'url');
  if (urls.length > 1 && !(flat.doubled && allSame(urls.map((u) => u.value)))) {
    problems.push(
      problem(
        'duplicate-url',
        `url appears ${urls.length} times (${urls.map((u) => `"${shorten(u.value, 40)}"`).join(', ')}): iOS ` +
          'uses one of them; keep only the manifest URL',
      ),
    );
    if (!allSame(urls.map((u) => u.value))) fixable = false;
  }
  const urlParam = urls[0] ?? urlAlias;

  // Stray parameters that continue an unencoded manifest URL's own query ("…plist?a=1&b=2").
  // Only an unencoded URL can leak its query: an encoded one carries '?' as %3F.
  const strays: RawParam[] = [];
  if (urlParam?.rawValue.includes('?')) {
    for (const p of all.slice(all.indexOf(urlParam) + 1)) {
      if (p.key === 'action' || p.key === 'url') break;
      strays.push(p);
    }
  }
  for (const p of all) {
    if (p.key === 'action' || p.key === 'url' || strays.includes(p)) continue;
    // A case variant standing in for a missing key is explained by missing-action / missing-url.
    if ((p === urlAlias && urls.length === 0) || (p === actionAlias && actions.length === 0)) continue;
    const hint =
      p.key.toLowerCase() === 'url' || p.key.toLowerCase() === 'action'
        ? `"${p.key}" is not "${p.key.toLowerCase()}": iOS looks for the lower-case key`
        : `iOS ignores the parameter "${shorten(p.key, 40)}": remove it (install links take only action and url)`;
    problems.push(problem('unknown-parameter', hint));
  }

  const placeholder = urlParam ? (findPlaceholder(urlParam.value) ?? findPlaceholder(urlParam.rawValue)) : null;
  if (urlParam && placeholder !== null) {
    // A template: nothing to repair until someone fills it in, so no fixed link is offered.
    problems.push(
      problem(
        'url-placeholder',
        `The manifest URL "${shorten(urlParam.value, 200)}" holds the template placeholder "${shorten(placeholder, 40)}": ` +
          'this is a template, not a link a phone can install from. Put in the real https:// address of the ' +
          'manifest (`otaship link <manifest-url>` builds the link)',
      ),
    );
    return { problems, candidate: null, fetched: urls.length > 0 ? urlParam.value : null };
  }
  if (!urlParam || urlParam.value === '') {
    problems.push(
      problem(
        'missing-url',
        urlParam
          ? 'The url parameter is empty: give the encoded https:// URL of the manifest (.plist)'
          : 'The link has no url parameter: add url=<encoded https:// URL of the manifest (.plist)>',
      ),
    );
    return { problems, candidate: null, fetched: null };
  }
  if (urls.length === 0) {
    problems.push(
      problem(
        'missing-url',
        `The link has no url parameter: "${shorten(urlParam.key, 20)}" is not "url" and iOS keys are ` +
          'case-sensitive, so iOS finds no manifest URL. Write the key in lower case: url=',
      ),
    );
  }

  const value = analyseUrlValue(urlParam, strays);
  problems.push(...value.problems);
  if (!value.fixable) fixable = false;
  const fetched = urls.length > 0 ? value.fetched : null;
  if (!fixable || value.intended === null) return { problems, candidate: null, fetched };
  const intended = value.intended;
  const parsed = parseAbsolute(intended);
  const fixUrl = nsurlRejectedCharacters(intended).length === 0 || !parsed ? intended : encodeRejectedCharacters(parsed.href);
  return { problems, candidate: formatInstallLink(fixUrl), fetched };
}

export function lintInstallLink(link: string, options: LintInstallLinkOptions = {}): LinkLintResult {
  const text = link.trim();
  const { problems, candidate, fetched } = analyse(text, options.source ?? 'input');
  const ok = !problems.some((p) => p.severity === 'error');
  let fixed: string | null = null;
  if (problems.length > 0 && candidate !== null && candidate !== text) {
    const recheck = analyse(candidate, 'input');
    // A fix must lint without errors, and must not change what a working link makes iOS fetch.
    const keepsFetch = !ok || fetched === null || recheck.fetched === fetched;
    if (!recheck.problems.some((p) => p.severity === 'error') && keepsFetch) fixed = candidate;
  }
  return { input: link, ok, problems, fixed };
}
