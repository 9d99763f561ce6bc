// The HTML shell every page shares: no external resources (the CSS and JS come from /assets/, served
// from public/), phone-first viewport, light and dark colour schemes, and a strict referrer policy so
// signed URLs in the address bar never leak to other sites through the Referer header.
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { VERSION } from '../version.js';

export const ASSETS_PREFIX = '/assets/';

/** Asset URL with the otaship version as cache-buster, so an upgrade never runs stale admin script. */
export function assetUrl(file: string): string {
  return `${ASSETS_PREFIX}${file}?v=${VERSION}`;
}

export interface LayoutOptions {
  title: string;
  body: HtmlValue;
  /** Stylesheets under /assets/ (file names). */
  styles?: string[];
  /** ES modules under /assets/ (file names). */
  scripts?: string[];
  /** Class on <body>. */
  bodyClass?: string;
  /** Extra data-* attributes on <html>, for the page script. */
  data?: Record<string, string>;
  /** Pages behind tokens must not be indexed. */
  noindex?: boolean;
  /**
   * `same-origin` for a page whose form must tell the server where it was sent from: under
   * `no-referrer` a browser posts forms with `Origin: null`. Default `no-referrer`.
   */
  referrer?: 'no-referrer' | 'same-origin';
  /** BCP 47 tag of the page's language (<html lang>). Default `en`. */
  lang?: string;
  /** Shown above the page body: the tester pages' language switcher. */
  banner?: HtmlValue;
}

export function layout(options: LayoutOptions): SafeHtml {
  const styles = options.styles ?? ['base.css'];
  const dataAttrs = Object.entries(options.data ?? {}).map(
    ([k, v]) => html` data-${k.replace(/[^a-z0-9-]/g, '')}="${v}"`,
  );
  return html`<!doctype html>
<html lang="${options.lang ?? 'en'}"${dataAttrs}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="${options.referrer ?? 'no-referrer'}">
${options.noindex === false ? '' : html`<meta name="robots" content="noindex, nofollow">`}
<title>${options.title}</title>
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
${styles.map((s) => html`<link rel="stylesheet" href="${assetUrl(s)}">\n`)}${(options.scripts ?? []).map(
    (s) => html`<script type="module" src="${assetUrl(s)}"></script>\n`,
  )}</head>
<body${options.bodyClass ? html` class="${options.bodyClass}"` : ''}>
${options.banner ?? ''}${options.body}
</body>
</html>
`;
}
