// HTML-unescapes a link until it stops changing. Attribute rules (entities' decodeHTMLAttribute) so
// that a legacy entity name followed by '=' (as in "&para=1" or "&not=2") stays text, exactly as
// browsers treat href values; plain decodeHTML would turn "&para=" into "¶=".
import { decodeHTMLAttribute } from 'entities';

const MAX_ROUNDS = 10;

export function unescapeHtmlUntilStable(text: string): { text: string; rounds: number } {
  let current = text;
  for (let rounds = 0; rounds < MAX_ROUNDS; rounds++) {
    const next = decodeHTMLAttribute(current);
    if (next === current) return { text: current, rounds };
    current = next;
  }
  return { text: current, rounds: MAX_ROUNDS };
}
