// Random-access zip reading. open.ts reads only the central directory (zip64 and data
// descriptors included) and inflates single entries on demand, so a multi-GB package costs the
// same as a small one; every read is capped on inflated size against zip bombs.
export interface ZipEntryInfo {
  name: string;
  size: number; // uncompressed, as declared
  compressedSize: number;
  isDirectory: boolean;
}

export interface ZipArchive {
  readonly path: string;
  /** Every entry, in central-directory order. */
  entries(): ZipEntryInfo[];
  /** Every entry name, in central-directory order (no per-entry objects: cheap at 100k entries). */
  names(): readonly string[];
  entry(name: string): ZipEntryInfo | undefined;
  /** Inflates one entry into memory, refusing entries that exceed maxBytes (declared or actual). */
  read(name: string, maxBytes: number): Promise<Buffer>;
  close(): Promise<void>;
}

// openZip(path): Promise<ZipArchive> is implemented beside this interface (zip/open.ts).
