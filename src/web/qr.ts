// QR codes for the install page: desktop visitors scan the page URL with their phone. Rendered as inline
// SVG by the qrcode package (no image request, crisp at any size, works offline). Dark modules on a white
// quiet zone regardless of the page's colour scheme: scanners need the contrast.
import QRCode from 'qrcode';
import { SafeHtml } from './html.js';

export interface QrOptions {
  /** Accessible label (the SVG gets role="img"). */
  label?: string;
}

/** Error correction M: survives a little glare or a dirty screen and stays small for long signed URLs. */
export const QR_ERROR_CORRECTION = 'M' as const;
export const QR_MARGIN = 2;

/**
 * The text goes in as ONE byte-mode (UTF-8) segment. Left to itself, qrcode searches for the cheapest
 * mix of numeric/alphanumeric/byte segments with a shortest-path solver, which made the QR code most
 * of an install page's CPU time; for URLs (lower case, tokens) byte mode is what that search mostly
 * lands on anyway, and every phone scanner reads it.
 */
export function qrSegments(text: string): QRCode.QRCodeSegment[] {
  return [{ data: Buffer.from(text, 'utf8'), mode: 'byte' }];
}

/** Pages without a token (public releases) show the same URL every time: reuse its SVG. */
const recent = new Map<string, string>();
const RECENT_MAX = 256;

export async function qrSvg(text: string, options: QrOptions = {}): Promise<SafeHtml> {
  let svg = recent.get(text);
  if (svg === undefined) {
    svg = await render(text);
    recent.set(text, svg);
    if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string);
  }
  // qrcode emits a fixed, trusted structure: <svg xmlns=… viewBox=… shape-rendering=…>…</svg>. Add role
  // and label (escaped) to its root element.
  const label = (options.label ?? 'QR code').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new SafeHtml(svg.replace(/^<svg /, `<svg role="img" aria-label="${label}" class="qr-code" `));
}

async function render(text: string): Promise<string> {
  const svg = await QRCode.toString(qrSegments(text), {
    type: 'svg',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: QR_MARGIN,
    color: { dark: '#000000', light: '#ffffff' },
  });
  return svg.trim();
}
