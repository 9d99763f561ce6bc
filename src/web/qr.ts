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

export async function qrSvg(text: string, options: QrOptions = {}): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: QR_MARGIN,
    color: { dark: '#000000', light: '#ffffff' },
  });
  // qrcode emits a fixed, trusted structure: <svg xmlns=… viewBox=… shape-rendering=…>…</svg>. Add role
  // and label (escaped) to its root element.
  const label = (options.label ?? 'QR code').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new SafeHtml(svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${label}" class="qr-code" `));
}
