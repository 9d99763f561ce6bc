// Release notes are Markdown written by whoever publishes. They are rendered with markdown-it with raw
// HTML disabled, so the only markup that reaches the page is what markdown-it itself generates; links
// are limited to a short list of safe schemes, open in a new tab without opener access, and images are
// disabled (an <img> to a third-party host would leak every tester's visit and breaks offline pages).
import MarkdownIt from 'markdown-it';
import type { MarkdownIt as MarkdownItInstance } from 'markdown-it';
import { SafeHtml } from './html.js';

const SAFE_SCHEMES = /^(https?:|mailto:)/i;
// Anything that looks like "<scheme>:" (RFC 3986 scheme syntax) before the first / ? #.
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Whether a link target from user Markdown may become an href. Relative links and #anchors are fine. */
export function isSafeLink(url: string): boolean {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:"), so strip
  // them before deciding, as markdown-it's own check does.
  // eslint-disable-next-line no-control-regex
  const cleaned = url.trim().replace(/[\u0000-\u0020\u007f]/g, '');
  // No scheme: a relative link, an #anchor or a protocol-relative //host link (https on an https page).
  if (!HAS_SCHEME.test(cleaned)) return true;
  return SAFE_SCHEMES.test(cleaned);
}

let instance: MarkdownItInstance | null = null;

function markdown(): MarkdownItInstance {
  if (instance) return instance;
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });
  md.disable('image');
  md.validateLink = isSafeLink;
  const defaultOpen =
    md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token) {
      token.attrSet('rel', 'noopener noreferrer nofollow');
      token.attrSet('target', '_blank');
    }
    return defaultOpen(tokens, idx, options, env, self);
  };
  instance = md;
  return md;
}

/** Renders release notes to safe HTML (empty string for empty notes). */
export function renderMarkdown(text: string): SafeHtml {
  if (text.trim() === '') return new SafeHtml('');
  return new SafeHtml(markdown().render(text));
}
