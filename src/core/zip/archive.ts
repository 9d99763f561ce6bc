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
  /** Every entry name, in central-directory order (an array of them, built on first call). */
  names(): readonly string[];
  /**
   * The names one at a time, decoded as they are reached and kept by no one: a single pass over
   * 100,000 entries then costs no memory that outlives it.
   */
  eachName(): Iterable<string>;
  entryCount(): number;
  entry(name: string): ZipEntryInfo | undefined;
  /** Inflates one entry into memory, refusing entries that exceed maxBytes (declared or actual). */
  read(name: string, maxBytes: number): Promise<Buffer>;
  /** Releases the file and the directory: every method but close() throws afterwards. */
  close(): Promise<void>;
}

// openZip(path): Promise<ZipArchive> is implemented beside this interface (zip/open.ts).
