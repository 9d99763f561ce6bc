// Icons for the install page and the manifest: the package's best icon as a standard PNG, plus 57×57
// (display-image) and 512×512 (full-size-image) renditions. The icon's size is checked against the
// pixel budget before anything decodes it (inspected size, then the PNG's own IHDR); CgBI conversion
// runs in the icon pool's worker; sharp (imported lazily: a large native module the CLI should not
// pay for) decodes and resizes on libuv threads, bounded by the same budget.
import { checkIconBudget, MAX_ICON_PIXELS, readPngHeader } from '../../core/png/index.js';
import type { IconFile } from '../../core/inspect/index.js';
import type { IconPool } from './icon-pool.js';

export interface IconSet {
  original: Buffer;
  icon57: Buffer;
  icon512: Buffer;
}

/** `file`: the package's best icon as read by the inspector (inspect-pool.ts), or null when it has none. */
export async function renderIcons(file: IconFile | null, pool: IconPool): Promise<IconSet | null> {
  if (!file) return null;
  // The bytes' own header, not only what inspect() saw: nothing is inflated past the budget.
  const header = readPngHeader(file.bytes);
  if (header) checkIconBudget(header.width, header.height, `The icon ${file.entry}`);
  const png = await pool.toStandardPng(file.bytes, file.entry);
  const { default: sharp } = await import('sharp');
  const options = { failOn: 'error', limitInputPixels: MAX_ICON_PIXELS } as const;
  const resize = (size: number) =>
    sharp(png, options)
      .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer();
  // Re-encode the original as well: whatever the package held, clients get a plain, valid PNG.
  const [original, icon57, icon512] = await Promise.all([sharp(png, options).png().toBuffer(), resize(57), resize(512)]);
  return { original, icon57, icon512 };
}
