// Icons for the install page and the manifest: the package's best icon as a standard PNG (CgBI
// already converted by readIcon), plus 57×57 (display-image) and 512×512 (full-size-image) renditions.
// sharp is imported lazily: it is a large native module the CLI should not pay for.
import { readIcon } from '../../core/inspect/index.js';
import type { PackageInfo } from '../../core/types.js';

export interface IconSet {
  original: Buffer;
  icon57: Buffer;
  icon512: Buffer;
}

export async function renderIcons(packagePath: string, info: PackageInfo): Promise<IconSet | null> {
  const png = await readIcon(packagePath, info);
  if (!png) return null;
  const { default: sharp } = await import('sharp');
  const resize = (size: number) =>
    sharp(png, { failOn: 'error' })
      .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer();
  // Re-encode the original as well: whatever readIcon returned, clients get a plain, valid PNG.
  const [original, icon57, icon512] = await Promise.all([sharp(png, { failOn: 'error' }).png().toBuffer(), resize(57), resize(512)]);
  return { original, icon57, icon512 };
}
