// openZip(): the one way otaship reads zip packages (IPA, APK).
//
// Only the central directory is read (central-directory.ts, zip64 and data descriptors included),
// never the file body, which is what keeps inspection of a 2 GiB package as cheap as a small one.
// Entry data is read here with one positional read and one inflate call capped at the caller's
// limit: a header that lies about its size is reported as a zip bomb (zlib's maxOutputLength stops
// the inflater there), not as "damaged", and an entry with a data descriptor cannot inflate without bound.
import { openReadOnly, statPath } from '../fs/read-only-file.js';
import type { ReadOnlyFile } from '../fs/read-only-file.js';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { crc32, inflateRaw as inflateRawCb, inflateRawSync } from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { OtashipError } from '../errors.js';
import type { ZipArchive, ZipEntryInfo } from './archive.js';
import { findRecord, headerName, nameAt, readCentralDirectory, recordAt } from './central-directory.js';
import type { CentralDirectory } from './central-directory.js';

const inflateRaw = promisify(inflateRawCb) as (buf: InputType, options: ZlibOptions) => Promise<Buffer>;

/** One entry's directory fields, as needed to read its data. */
export interface RawEntry {
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
  let handle: ReadOnlyFile;
  try {
    handle = await openReadOnly(path);
  } catch (err) {
    throw new OtashipError('FILE_NOT_FOUND', `Cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  return openZipHandle(handle, path, size, mtimeMs);
}

/**
 * Opens a zip from a file handle the caller already holds (inspect() opens the file once to sniff
 * its type and hands it over, saving a round of open/stat/close). The archive owns the handle from
 * here on: close() closes it, and so does a failure to open. `sniffed`: the caller has already
 * checked that the file starts with a zip signature.
 */
export async function openZipHandle(handle: ReadOnlyFile, path: string, size: number, mtimeMs: number, sniffed = false): Promise<ZipArchive> {
  const file = basename(path);
  try {
    if (!sniffed) await sniffZipSignature(handle, file, size);
    const dir = await readCentralDirectory((buf, position) => readFully(handle, buf, position), file, size);
    return new FileZipArchive(path, { handle, file, fileBytes: size }, mtimeMs, dir);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Positional reads from anywhere: a local file, or a remote package read with HTTP Range requests
 * (the deployment doctor). One reader, two sources: the remote package is judged by the same code
 * that inspects a local file, reading only the directory and the few entries it needs.
 */
export type ZipSource = Pick<ReadOnlyFile, 'read' | 'close'>;

/**
 * Opens a zip over any positional source of `size` bytes; `name` labels it in messages (a URL for a
 * remote package). The archive owns the source: close() closes it, and so does a failure to open.
 */
export async function openZipSource(source: ZipSource, name: string, size: number): Promise<ZipArchive> {
  try {
    await sniffZipSignature(source, name, size);
    const dir = await readCentralDirectory((buf, position) => readFully(source, buf, position), name, size);
    // Not a file: locateEntry() must never hand out a location that readLocatedEntry() would open as a path.
    return new FileZipArchive(name, { handle: source, file: name, fileBytes: size }, Number.NaN, dir, false);
  } catch (err) {
    await source.close().catch(() => undefined);
    throw err;
  }
}

function* namesOf(dir: CentralDirectory): Generator<string, void, undefined> {
  const { bytes, positions } = dir;
  for (let i = 0; i < positions.length; i++) yield nameAt(bytes, positions[i] as number);
}

async function fileStat(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const st = await statPath(path);
    if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a regular file`);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `File not found: ${path}`, { cause: err });
  }
}

/** Zip files start with a local header, an end record (when empty) or a spanning marker. */
export function isZipSignature(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const sig = Buffer.from(head.buffer, head.byteOffset, 4).readUInt32LE(0);
  return sig === LOCAL_HEADER_SIG || sig === 0x06054b50 || sig === 0x08074b50;
}

/** Anything that does not start like a zip is not one. */
async function sniffZipSignature(handle: ZipSource, file: string, size: number): Promise<void> {
  if (size === 0) throw new OtashipError('NOT_A_ZIP', `${file} is empty (0 bytes)`);
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  if (!isZipSignature(head)) {
    throw new OtashipError('NOT_A_ZIP', `${file} is not a zip archive (it does not start with a zip header)`);
  }
}

/** The open file an entry is read from. */
interface Source {
  handle: ZipSource;
  file: string; // base name, for messages
  fileBytes: number;
}

class FileZipArchive implements ZipArchive {
  private closed = false;
  private list: ZipEntryInfo[] | null = null;
  private nameList: string[] | null = null;

  constructor(
    readonly path: string,
    private readonly src: Source,
    readonly mtimeMs: number,
    private readonly dir: CentralDirectory,
    /** False for a remote source: its entries cannot be re-read by path later. */
    readonly local = true,
  ) {}

  /** The directory, which close() hands back for reuse: nothing may decode from it afterwards. */
  private directory(): CentralDirectory {
    if (this.closed) throw new OtashipError('INTERNAL', `Zip ${this.src.file} used after close`);
    return this.dir;
  }

  entries(): ZipEntryInfo[] {
    // Checked first, cached or not, so that use after close fails the same way every time.
    const dir = this.directory();
    // Built on first use only: inspection works from eachName() and lookups, never paying for these objects.
    if (!this.list) {
      const names = this.names();
      const list: ZipEntryInfo[] = new Array<ZipEntryInfo>(names.length);
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        // A duplicate name reports the record that lookups use (the last one).
        const r = recordAt(dir.bytes, findRecord(dir, name));
        list[i] = { name, size: r.size, compressedSize: r.compressedSize, isDirectory: name.endsWith('/') };
      }
      this.list = list;
    }
    return this.list;
  }

  names(): readonly string[] {
    this.directory();
    if (!this.nameList) this.nameList = [...this.eachName()];
    return this.nameList;
  }

  eachName(): Iterable<string> {
    // Checked now, not at the first next(): a generator body would not run until iterated.
    const dir = this.directory();
    return this.nameList ?? namesOf(dir);
  }

  entryCount(): number {
    return this.directory().positions.length;
  }

  entry(name: string): ZipEntryInfo | undefined {
    const e = this.raw(name);
    return e && { name: e.name, size: e.size, compressedSize: e.compressedSize, isDirectory: e.isDirectory };
  }

  raw(name: string): RawEntry | undefined {
    const dir = this.directory();
    const pos = findRecord(dir, name);
    if (pos < 0) return undefined;
    return { name, isDirectory: name.endsWith('/'), ...recordAt(dir.bytes, pos) };
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    if (this.closed) throw new OtashipError('INTERNAL', `Zip ${this.src.file} read after close`);
    const e = this.raw(name);
    if (!e || e.isDirectory) throw new OtashipError('CORRUPT_ZIP', `${this.src.file} has no file entry ${name}`);
    return readEntry(this.src, e, maxBytes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dir.release();
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
  if (!(archive instanceof FileZipArchive) || !archive.local) return undefined;
  const entry = archive.raw(name);
  if (!entry || entry.isDirectory) return undefined;
  return { path: archive.path, fileBytes: archive.fileSizeBytes(), mtimeMs: archive.mtimeMs, entry };
}

/** Reads a located entry; null when the file changed since it was located (size or mtime). */
export async function readLocatedEntry(loc: ZipEntryLocation, maxBytes: number): Promise<Buffer | null> {
  let handle: ReadOnlyFile;
  try {
    handle = await openReadOnly(loc.path);
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
  // Deflate never grows data by more than ~0.03% (5 bytes per 16 KiB stored block), so compressed
  // bytes well past the cap can only inflate past it: refuse before reading them into memory.
  if (e.method === DEFLATED && e.compressedSize > maxBytes + Math.ceil(maxBytes / 64) + 1024) {
    throw bomb(name, file, `holds ${e.compressedSize} compressed bytes`, maxBytes);
  }
  if (e.method !== STORED && e.method !== DEFLATED) {
    throw new OtashipError(
      'CORRUPT_ZIP',
      `Entry ${name} in ${file} uses compression method ${e.method} (only stored and deflate are valid in packages)`,
    );
  }
  const data = await readData(src, e, maxBytes);
  if (data.length !== e.size) {
    throw new OtashipError('CORRUPT_ZIP', `Entry ${name} in ${file} holds ${data.length} bytes but its header says ${e.size}`);
  }
  if (crc32(data) !== e.crc) throw new OtashipError('CORRUPT_ZIP', `Entry ${name} in ${file} fails its CRC check`);
  return data;
}

const SYNC_INFLATE_MAX = 256 * 1024;

/** Room for the local header's name and extra field, so that one read usually brings header and data. */
const HEADER_SLACK = 1024;

async function readData(src: Source, e: RawEntry, maxBytes: number): Promise<Buffer> {
  const { file } = src;
  if (e.compressedSize === 0 && e.method === DEFLATED) throw new OtashipError('CORRUPT_ZIP', `Entry ${e.name} in ${file} has no data`);
  const want = Math.min(LOCAL_HEADER_LEN + HEADER_SLACK + e.compressedSize, Math.max(0, src.fileBytes - e.offset));
  let buf = Buffer.allocUnsafe(want);
  const got = await readFully(src.handle, buf, e.offset);
  if (got < LOCAL_HEADER_LEN) {
    throw new OtashipError('TRUNCATED_ZIP', `${file} is cut short: entry ${e.name} starts past the end of the file`);
  }
  if (buf.readUInt32LE(0) !== LOCAL_HEADER_SIG) {
    throw new OtashipError('CORRUPT_ZIP', `Entry ${e.name} in ${file} has no valid local header`);
  }
  const nameLength = buf.readUInt16LE(26);
  const skip = LOCAL_HEADER_LEN + nameLength + buf.readUInt16LE(28);
  if (LOCAL_HEADER_LEN + nameLength <= got) checkLocalName(buf, nameLength, e, file);
  const start = e.offset + skip;
  if (start + e.compressedSize > src.fileBytes) {
    throw new OtashipError('TRUNCATED_ZIP', `${file} is cut short: entry ${e.name} runs past the end of the file`);
  }
  let raw: Buffer;
  if (skip + e.compressedSize <= got) raw = buf.subarray(skip, skip + e.compressedSize);
  else {
    // A local extra field longer than the slack: read the data on its own.
    buf = Buffer.allocUnsafe(e.compressedSize);
    if ((await readFully(src.handle, buf, start)) < e.compressedSize) {
      throw new OtashipError('TRUNCATED_ZIP', `${file} is cut short: entry ${e.name} runs past the end of the file`);
    }
    raw = buf;
  }
  if (e.method === STORED || raw.length === 0) return raw;
  // Small entries (Info.plist, profile, icons) inflate inline: a thread-pool hop costs more than
  // the work. Capped at the declared size, so this never blocks for long; an entry that inflates
  // past its declaration goes on to the capped asynchronous path, which reports it exactly.
  if (e.size <= SYNC_INFLATE_MAX) {
    try {
      return inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
    } catch {
      // fall through: the asynchronous path below reports bombs, truncation and damage
    }
  }
  try {
    // maxOutputLength makes zlib stop at the cap, so a lying header cannot make us allocate past it.
    return await inflateRaw(raw, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw bomb(e.name, file, `inflates past ${maxBytes} bytes`, maxBytes);
    const msg = (err as Error).message;
    throw new OtashipError(
      /unexpected end/i.test(msg) ? 'TRUNCATED_ZIP' : 'CORRUPT_ZIP',
      `Entry ${e.name} in ${file} cannot be inflated (${msg})`,
      { cause: err },
    );
  }
}

/**
 * The local header must name the entry the central directory names. Extractors that walk local
 * headers (and Python's zipfile, which refuses the file) would otherwise see another file than the
 * one inspected: a package could show one bundle id here and install another. The local name is
 * read as the central one is (an Info-ZIP Unicode path field whose CRC matches overrides it). Only
 * a non-ASCII central name may still differ in spelling (legacy encodings), so only an ASCII one
 * — every name inspection looks for — must match exactly.
 */
function checkLocalName(header: Buffer, nameLength: number, e: RawEntry, file: string): void {
  const nameEnd = LOCAL_HEADER_LEN + nameLength;
  const local = headerName(header, LOCAL_HEADER_LEN, nameEnd, nameEnd + header.readUInt16LE(28), (header.readUInt16LE(6) & 0x800) !== 0);
  if (local === e.name || /[\u0080-\uffff]/.test(e.name)) return;
  throw new OtashipError(
    'CORRUPT_ZIP',
    `Entry ${e.name} in ${file} points at a local header named "${local.slice(0, 200)}": the archive's two indexes disagree, so tools would extract different files`,
  );
}

async function readFully(handle: ZipSource, buf: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await handle.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

function bomb(name: string, file: string, what: string, max: number): OtashipError {
  return new OtashipError(
    'ZIP_BOMB',
    `Entry ${name} in ${file} ${what}, over the ${max}-byte limit for this kind of entry`,
    { details: { entry: name, limit: max } },
  );
}
