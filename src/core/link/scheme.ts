// The scheme part of a link: itms-services itself, the store schemes people confuse it with, and
// misspellings of it.
import { problem, type LinkProblem } from './problems.js';
import { editDistance } from './similarity.js';

const STORE_SCHEMES: Readonly<Record<string, string>> = {
  itms: 'the iTunes Store',
  itmss: 'the iTunes Store',
  'itms-apps': 'the App Store',
  'itms-appss': 'the App Store',
  'itms-books': 'Apple Books',
  'itms-bookss': 'Apple Books',
  'itms-beta': 'TestFlight',
  'itms-betas': 'TestFlight',
  macappstore: 'the Mac App Store',
  macappstores: 'the Mac App Store',
};

export function isStoreScheme(scheme: string): boolean {
  return Object.hasOwn(STORE_SCHEMES, scheme.toLowerCase());
}

/** A misspelt itms-services (not a store scheme, which is a different mistake). */
export function isSchemeTypo(scheme: string): boolean {
  const lower = scheme.toLowerCase();
  if (lower === 'itms-services' || isStoreScheme(lower)) return false;
  if (lower.replace(/[^a-z]/g, '') === 'itmsservices') return true;
  return editDistance(lower, 'itms-services') <= 3 || (lower.startsWith('itms') && lower.includes('serv'));
}

/** Problems with the scheme and the slashes after it (none for "itms-services://"). */
export function schemeProblems(scheme: string, slashes: string): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const lower = scheme.toLowerCase();
  if (lower === 'itms-services') {
    if (scheme !== lower) {
      problems.push(
        problem(
          'scheme-case',
          `The scheme "${scheme}" is not lower-case: iOS accepts it, but mail clients, chat apps and ` +
            'HTML sanitisers may not recognise it as a link. Write itms-services://',
        ),
      );
    }
  } else if (isStoreScheme(lower)) {
    problems.push(
      problem(
        'store-scheme',
        `${scheme}: opens ${STORE_SCHEMES[lower] ?? 'a store app'} and installs nothing: ` +
          'install links start with itms-services://',
      ),
    );
  } else {
    problems.push(problem('scheme-typo', `"${scheme}:" is a misspelling: the scheme is itms-services:`));
  }
  if (slashes === '///') {
    // An empty authority written out: pages that work in production use it and nothing shows that iOS
    // refuses it (ota-notes §10), so it is only a warning; the canonical form is still offered.
    problems.push(
      problem(
        'scheme-three-slashes',
        `"${scheme}:///" has three slashes: installs from such links are reported to work, but the canonical ` +
          'form has two: itms-services://?action=…',
      ),
    );
  } else if (slashes !== '//') {
    problems.push(
      problem(
        'scheme-slashes',
        `"${scheme}:${slashes}" must be followed by exactly two slashes: itms-services://?action=…`,
      ),
    );
  }
  return problems;
}
