// Counts the entry reads a zip archive serves, to check how often a search reads the same file.
import type { ZipArchive } from '../../src/core/zip/archive.js';

/** From now on, every archive.read(name) adds one to the returned map under that name. */
export function countReads(archive: ZipArchive): Map<string, number> {
  const reads = new Map<string, number>();
  const read = archive.read.bind(archive);
  archive.read = (name: string, max: number) => {
    reads.set(name, (reads.get(name) ?? 0) + 1);
    return read(name, max);
  };
  return reads;
}
