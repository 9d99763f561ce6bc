export { readPngHeader } from './size.js';
export type { PngHeader } from './size.js';
export { toStandardPng, unpremultiply, PngConversionError } from './cgbi.js';
export { isPng } from './chunks.js';
export { MAX_ICON_PIXELS, checkIconBudget, withinIconBudget } from './budget.js';
export { standardChunksOnly } from './standard-chunks.js';
