// The pixel budget for icons: checked from the header (IHDR, or the size the inspector read) BEFORE
// anything is inflated or decoded. Real icons are at most 1024×1024 (the App Store marketing icon);
// decoding costs time and memory in proportion to pixels (a 12000×12000 PNG is 576 MB of RGBA and
// seconds of CPU), so anything past four times the largest real icon is refused outright.
import { OtashipError } from '../errors.js';

/** 2048×2048: four times the largest icon iOS or Android uses. */
export const MAX_ICON_PIXELS = 2048 * 2048;

export function withinIconBudget(width: number, height: number): boolean {
  return width * height <= MAX_ICON_PIXELS;
}

/** Throws ICON_TOO_LARGE when `width`×`height` is past the budget; `what` names the icon in the message. */
export function checkIconBudget(width: number, height: number, what: string): void {
  if (withinIconBudget(width, height)) return;
  throw new OtashipError(
    'ICON_TOO_LARGE',
    `${what} is ${width}×${height} pixels, more than otaship decodes for an icon (${MAX_ICON_PIXELS.toLocaleString('en-US')} pixels, e.g. 2048×2048)`,
    { details: { width, height, maxPixels: MAX_ICON_PIXELS } },
  );
}
