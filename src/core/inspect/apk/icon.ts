// Choosing the best raster launcher icon. The manifest's icon is a resource with one file per
// density; since Android 8 the anydpi-v26 variant is an adaptive-icon XML that no browser can show,
// so we take the largest raster (PNG/WebP/JPEG) among the resource's files, then its adaptive
// foreground's, then other resources with the same name, then conventionally named res/ files.
// Resource shrinkers and obfuscators may store these files without an extension (res/a1): such a
// file is judged by its content, as a raster by its magic bytes (image-size.ts) or as an adaptive
// icon when it is binary XML.
import type { ZipArchive } from '../../zip/archive.js';
import type { IconInfo } from '../../types.js';
import { OtashipError } from '../../errors.js';
import { parseAxml } from './axml.js';
import type { ResourceTable } from './arsc.js';
import { attr } from './manifest.js';
import { fileCandidates } from './resolve.js';
import { rasterSize } from './image-size.js';
import { type TypedValue, isReference } from './typed-value.js';

const MAX_ICON_BYTES = 8 * 1024 * 1024;
const MAX_XML_BYTES = 1024 * 1024;
const MAX_CANDIDATES = 24;
const RASTER = /\.(png|webp|jpe?g)$/i;

/**
 * Entries one icon search may read, all its lookups together (rasters and adaptive-icon XML). A real
 * app's search reads a handful; a resource table can point thousands of configurations, or ids, at
 * the same files, and each lookup would read and parse them again.
 */
export const ICON_SEARCH_READS = 64;

/** What is left of one icon search's reads; shared by every lookup of that search. */
export class IconSearch {
  #left = ICON_SEARCH_READS;
  readonly #seen = new Set<string>();

  /** Whether `path` may be read now: false once read in this search, or when the reads are spent. */
  take(path: string): boolean {
    if (this.#seen.has(path) || this.#left <= 0) return false;
    this.#seen.add(path);
    this.#left--;
    return true;
  }
}

/** No extension in the last path segment: the format is known only from the bytes. */
function extensionless(path: string): boolean {
  return !(path.split('/').pop() ?? '').includes('.');
}

/** The largest raster (by pixels) among these entries; also used for bundles (aab/index.ts). */
export async function largestRaster(archive: ZipArchive, paths: string[], search = new IconSearch()): Promise<IconInfo | null> {
  let best: IconInfo | null = null;
  const unique = [...new Set(paths)]
    .filter((p) => {
      const e = archive.entry(p);
      // An extensionless file that is too large to be an icon is skipped rather than refused as a bomb.
      return e && (RASTER.test(p) || (extensionless(p) && e.size <= MAX_ICON_BYTES));
    })
    .slice(0, MAX_CANDIDATES);
  for (const path of unique) {
    if (!search.take(`raster:${path}`)) continue;
    const size = rasterSize(await archive.read(path, MAX_ICON_BYTES));
    if (!size || size.width === 0 || size.height === 0) continue;
    if (!best || size.width * size.height > best.width * best.height) {
      best = { entry: path, width: size.width, height: size.height };
    }
  }
  return best;
}

/** Resource ids of an adaptive icon's foreground (and background) layers. */
async function adaptiveLayers(archive: ZipArchive, xmlPaths: string[], search: IconSearch): Promise<number[]> {
  const ids = new Set<number>();
  for (const path of xmlPaths) {
    const e = archive.entry(path);
    if (!e || (extensionless(path) && e.size > MAX_XML_BYTES) || !search.take(`xml:${path}`)) continue;
    const bytes = await archive.read(path, MAX_XML_BYTES);
    let root;
    try {
      root = parseAxml(bytes, path);
    } catch (err) {
      // A damaged icon XML costs the icon, not the inspection: the app itself may be fine.
      if (err instanceof OtashipError && err.code === 'BAD_APK') continue;
      throw err;
    }
    if (root.name !== 'adaptive-icon') continue;
    for (const layer of ['foreground', 'background']) {
      const drawable = attr(
        root.children.find((c) => c.name === layer),
        'drawable',
      );
      if (drawable && isReference(drawable)) ids.add(drawable.data);
    }
  }
  return [...ids];
}

export async function findIcon(
  archive: ZipArchive,
  table: ResourceTable | null,
  refs: (TypedValue | null)[],
): Promise<IconInfo | null> {
  const ids = new Set(refs.filter((r): r is TypedValue => r !== null && isReference(r)).map((r) => r.data));
  const search = new IconSearch();
  if (table) {
    for (const id of ids) {
      const files = fileCandidates(table, id);
      const direct = await largestRaster(
        archive,
        files.map((f) => f.path),
        search,
      );
      if (direct) return direct;
      // Extensionless files that were not rasters may be the adaptive icon's binary XML.
      const xml = [...new Set(files.filter((f) => f.path.endsWith('.xml') || extensionless(f.path)).map((f) => f.path))];
      for (const layer of await adaptiveLayers(archive, xml, search)) {
        const found = await largestRaster(
          archive,
          fileCandidates(table, layer).map((f) => f.path),
          search,
        );
        if (found) return found;
      }
      const first = files[0];
      if (first) {
        for (const type of ['mipmap', 'drawable']) {
          for (const other of new Set(table.idsNamed(type, first.key))) {
            const found = await largestRaster(
              archive,
              fileCandidates(table, other).map((f) => f.path),
              search,
            );
            if (found) return found;
          }
        }
      }
    }
  }
  // No table, or nothing raster behind the references: the conventional launcher icon names.
  const conventional = archive
    .entries()
    .map((e) => e.name)
    .filter((n) => /^res\/(mipmap|drawable)[^/]*\/ic_launcher(\.(png|webp))?$/i.test(n));
  return largestRaster(archive, conventional);
}
