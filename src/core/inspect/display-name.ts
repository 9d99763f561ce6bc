// An app's name as pages, manifests and terminals show it: one line, no control characters, and no
// bidirectional embedding, override or isolate controls — "\u202Eexe.gpj" would otherwise show as
// "jpg.exe" on an install page. Right-to-left names still show right to left: the Unicode
// algorithm orders them by their letters, and the LRM/RLM marks are kept.

const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g; // eslint-disable-line no-control-regex
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** The cleaned name, or null when nothing printable is left. */
export function cleanDisplayName(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const one = s.replace(BIDI_CONTROLS, '').replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  return one === '' ? null : one;
}
