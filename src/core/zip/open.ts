// openZip(): the one way otaship reads zip packages (IPA, APK).
//
// node-stream-zip parses the central directory (zip64, data descriptors, UTF-8 names) without
// reading the file body, which is what keeps inspection of a 2 GiB package as cheap as a small one.
// Entry DATA is read here rather than through node-stream-zip's stream(): its verifier aborts at the
// declared size with a CRC error, skips data-descriptor entries entirely, and has no cap, so a header
// that lies about its size would be reported as "damaged" instead of "zip bomb", and an entry with a
// data descriptor could inflate without bound. We count bytes while inflating and stop past the cap.
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream';
import { Readable } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import StreamZip from 'node-stream-zip';
import { OtashipError } from '../errors.js';
import type { ZipArchive, ZipEntryInfo } from './archive.js';

/** The fields of node-stream-zip's ZipEntry we rely on (its typings omit some). */
interface RawEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  compressedSize: number;
  offset: number; // local header offset (zip64-corrected)
  method: number;
  flags: number;
  crc: number;
}

const LOCAL_HEADER_SIG = 0x04034b50;
const LOCAL_HEADER_LEN = 30;
const STORED = 0;
const DEFLATED = 8;

export async function openZip(path: string): Promise<ZipArchive> {
  const file = basename(path);
  const { size, mtimeMs } = await fileStat(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new OtashipError('FILE_NOT_FOUND', `Cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await sniffZipSignature(handle, file, size);
    const { list, byName } = await readCentralDirectory(handle, path, file, size);
    return new FileZipArchive(path, { handle, file, fileBytes: size }, mtimeMs, list, byName);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

async function fileStat(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a regular file`);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `File not found: ${path}`, { cause: err });
  }
}

/** Zip files start with a local header (or an end record when empty); anything else is not a zip. */
async function sniffZipSignature(handle: FileHandle, file: string, size: number): Promise<void> {
  if (size === 0) throw new OtashipError('NOT_A_ZIP', `${file} is empty (0 bytes)`);
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  const sig = head.readUInt32LE(0);
  if (sig !== LOCAL_HEADER_SIG && sig !== 0x06054b50 && sig !== 0x08074b50) {
    throw new OtashipError('NOT_A_ZIP', `${file} is not a zip archive (it does not start with a zip header)`);
  }
}

async function readCentralDirectory(
  handle: FileHandle,
  path: string,
  file: string,
  size: number,
): Promise<{ list: ZipEntryInfo[]; byName: Map<string, RawEntry> }> {
  const list: ZipEntryInfo[] = [];
  const byName = new Map<string, RawEntry>();
  // storeEntries:false — we keep our own ordered list and map instead of node-stream-zip's object
  // (whose key order breaks for integer-like names). Names are never used as file paths here, so
  // skipping name validation is safe and lets us report hostile names instead of refusing the zip.
  // chunkSize: node-stream-zip's default window (file size / 1000, min 1 KiB) fails with "Entries read
  // error" on a central-directory record larger than the window (real APKs carry 27 KB extra fields);
  // 128 KiB (its maximum) covers every record short of a hostile one.
  const zip = new StreamZip.async({
    file: path,
    fd: handle.fd,
    storeEntries: false,
    skipEntryNameValidation: true,
    chunkSize: 128 * 1024,
  });
  zip.on('entry', (e: RawEntry) => {
    list.push({ name: e.name, size: e.size, compressedSize: e.compressedSize, isDirectory: e.isDirectory });
    byName.set(e.name, e);
  });
  try {
    await zip.entriesCount; // resolves once the whole central directory has been read
  } catch (err) {
    throw mapOpenError(err, file, size);
  }
  // The fd is ours (closed by FileZipArchive.close); node-stream-zip holds nothing else open.
  return { list, byName };
}

function mapOpenError(err: unknown, file: string, size: number): OtashipError {
  const msg = err instanceof Error ? err.message : String(err);
  if (msg === 'Bad archive' || msg === 'Archive read error') {
    return new OtashipError(
      'TRUNCATED_ZIP',
      `${file} is cut short: it starts like a zip but has no end-of-archive record (${size} bytes)`,
      { cause: err },
    );
  }
  if (err instanceof RangeError || /out of range|beyond/i.test(msg)) {
    return new OtashipError('TRUNCATED_ZIP', `${file} is cut short: its central directory runs past the end of the file`, {
      cause: err,
    });
  }
  return new OtashipError('CORRUPT_ZIP', `${file} has a damaged zip directory (${msg})`, { cause: err });
}

/** The open file an entry is read from. */
interface Source {
  handle: FileHandle;
  file: string; // base name, for messages
  fileBytes: number;
}

class FileZipArchive implements ZipArchive {
  private closed = false;

  constructor(
    readonly path: string,
    private readonly src: Source,
    readonly mtimeMs: number,
    private readonly list: ZipEntryInfo[],
    readonly byName: Map<string, RawEntry>,
  ) {}

  entries(): ZipEntryInfo[] {
    return this.list;
  }

  entry(name: string): ZipEntryInfo | undefined {
    const e = this.byName.get(name);
    return e && { name: e.name, size: e.size, compressedSize: e.compressedSize, isDirectory: e.isDirectory };
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    if (this.closed) throw new OtashipError('INTERNAL', `Zip ${this.src.file} read after close`);
    const e = this.byName.get(name);
    if (!e || e.isDirectory) throw new OtashipError('CORRUPT_ZIP', `${this.src.file} has no file entry ${name}`);
    return readEntry(this.src, e, maxBytes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.src.handle.close();
  }

  fileSizeBytes(): number {
    return this.src.fileBytes;
  }
}

/**
 * Where one entry of a zip lives. Lets a caller read that entry again later (e.g. the icon after
 * inspection) without parsing the central directory a second time — the dominant cost for
 * packages with tens of thousands of entries.
 */
export interface ZipEntryLocation {
  readonly path: string;
  readonly fileBytes: number;
  readonly mtimeMs: number;
  readonly entry: Readonly<RawEntry>;
}

export function locateEntry(archive: ZipArchive, name: string): ZipEntryLocation | undefined {
  if (!(archive instanceof FileZipArchive)) return undefined;
  const entry = archive.byName.get(name);
  if (!entry || entry.isDirectory) return undefined;
  return { path: archive.path, fileBytes: archive.fileSizeBytes(), mtimeMs: archive.mtimeMs, entry: { ...entry } };
}

/** Reads a located entry; null when the file changed since it was located (size or mtime). */
export async function readLocatedEntry(loc: ZipEntryLocation, maxBytes: number): Promise<Buffer | null> {
  let handle: FileHandle;
  try {
    handle = await open(loc.path, 'r');
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (st.size !== loc.fileBytes || st.mtimeMs !== loc.mtimeMs) return null;
    return await readEntry({ handle, file: basename(loc.path), fileBytes: st.size }, loc.entry, maxBytes);
  } finally {
    await handle.close();
  }
}

async function readEntry(src: Source, e: RawEntry, maxBytes: number): Promise<Buffer> {
  const { file } = src;
  const name = e.name;
  if (e.flags & 1) throw new OtashipError('CORRUPT_ZIP', `Entry ${name} in ${file} is encrypted`);
  if (e.size > maxBytes) throw bomb(name, file, `declares ${e.size} bytes`, maxBytes);
  if (e.method === STORED && e.compressedSize > maxBytes) {
    throw bomb(name, file, `holds ${e.compressedSize} bytes`, maxBytes);
  }
  if (e.method !== STORED && e.method !== DEFLATED) {
    throw new OtashipError(
      'CORRUPT_ZIP',
      `Entry ${name} in ${file} uses compression method ${e.method} (only stored and deflate are valid in packages)`,
    );
  }
  const start = await dataOffset(src, e);
  if (start + e.compressedSize > src.fileBytes) {
    throw new OtashipError('TRUNCATED_ZIP', `${file} is cut short: entry ${name} runs past the end of the file`);
  }
  const { data, crc } = await inflate(src, e, start, maxBytes);
  if (data.length !== e.size) {
    throw new OtashipError('CORRUPT_ZIP', `Entry ${name} in ${file} holds ${data.length} bytes but its header says ${e.size}`);
  }
  if (crc !== e.crc) throw new OtashipError('CORRUPT_ZIP', `Entry ${name} in ${file} fails its CRC check`);
  return data;
}

async function dataOffset(src: Source, e: RawEntry): Promise<number> {
  const header = Buffer.alloc(LOCAL_HEADER_LEN);
  const { bytesRead } = await src.handle.read(header, 0, LOCAL_HEADER_LEN, e.offset);
  if (bytesRead < LOCAL_HEADER_LEN) {
    throw new OtashipError('TRUNCATED_ZIP', `${src.file} is cut short: entry ${e.name} starts past the end of the file`);
  }
  if (header.readUInt32LE(0) !== LOCAL_HEADER_SIG) {
    throw new OtashipError('CORRUPT_ZIP', `Entry ${e.name} in ${src.file} has no valid local header`);
  }
  return e.offset + LOCAL_HEADER_LEN + header.readUInt16LE(26) + header.readUInt16LE(28);
}

async function inflate(src: Source, e: RawEntry, start: number, maxBytes: number): Promise<{ data: Buffer; crc: number }> {
  if (e.compressedSize === 0) {
    if (e.method === DEFLATED) throw new OtashipError('CORRUPT_ZIP', `Entry ${e.name} in ${src.file} has no data`);
    return { data: Buffer.alloc(0), crc: 0 };
  }
  // Positional reads on the shared handle (no per-read ReadStream: those leave 'close' listeners on
  // the FileHandle and several reads may run at once).
  const source = Readable.from(readRange(src.handle, start, e.compressedSize), { objectMode: false });
  let stream: Readable = source;
  if (e.method === DEFLATED) {
    const inflater = createInflateRaw();
    stream = pipeline(source, inflater, () => undefined);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      // Counted on the inflated bytes, so a header that under-declares its size cannot slip past.
      if (total > maxBytes) throw bomb(e.name, src.file, `inflates past ${maxBytes} bytes`, maxBytes);
      crc = crc32(chunk, crc);
      chunks.push(chunk);
    }
  } catch (err) {
    source.destroy();
    if (err instanceof OtashipError) throw err;
    const msg = (err as Error).message;
    throw new OtashipError(
      /unexpected end/i.test(msg) ? 'TRUNCATED_ZIP' : 'CORRUPT_ZIP',
      `Entry ${e.name} in ${src.file} cannot be inflated (${msg})`,
      { cause: err },
    );
  }
  return { data: Buffer.concat(chunks, total), crc };
}

const READ_CHUNK = 64 * 1024;

async function* readRange(handle: FileHandle, start: number, length: number): AsyncGenerator<Buffer> {
  let pos = start;
  const end = start + length;
  while (pos < end) {
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - pos));
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return; // end of file: the inflater or the size check reports it
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

function bomb(name: string, file: string, what: string, max: number): OtashipError {
  return new OtashipError(
    'ZIP_BOMB',
    `Entry ${name} in ${file} ${what}, over the ${max}-byte limit for this kind of entry`,
    { details: { entry: name, limit: max } },
  );
}
