// The zip central directory, read by hand. Why not node-stream-zip (used before): it builds a full
// object per entry with eagerly parsed DOS dates and reads the directory through a sliding window
// with per-record callbacks, which made a 30,000-entry IPA cost ~300 ms and >150 MiB; and it has no
// cap on what it materialises. The central directory is a flat, well-specified list of records
// (APPNOTE.TXT §4.3.12-16), so one read of the whole directory and one tight loop over it is both
// simpler to bound and far cheaper. Per entry we keep only where its record starts and a hash of
// its name (8 bytes per entry, in two typed arrays); names, sizes, offsets and zip64 extras are
// decoded from the directory bytes when asked for. Keeping no per-entry JavaScript objects is what
// holds a 30,000-entry inspection to a flat ~10 MiB of heap: an array of 30,000 names alive through
// each call made V8 grow its young generation to its maximum (+60 MiB of RSS, measured with
// bench/inspect/inproc-worker.mjs), while names decoded and dropped one at a time die young.
// The work is bounded (src/core/budget.ts ZIP_LIMITS): the number of records, and the probes of the
// name table, which equal or colliding names would otherwise make quadratic. Equal names share one
// slot (the last record wins, as zip tools read it), and the hash is seeded per process so that
// colliding names cannot be prepared in advance.
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ZIP_LIMITS, type ZipLimits, overBudget } from '../budget.js';
import { OtashipError } from '../errors.js';
import { giveBackScratch, takeScratch } from './scratch.js';

const EOCD_SIG = 0x06054b50;
const EOCD_LEN = 22;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_LOCATOR_LEN = 20;
const ZIP64_EOCD_SIG = 0x06064b50;
const ZIP64_EOCD_LEN = 56;
const CENTRAL_SIG = 0x02014b50;
const CENTRAL_LEN = 46;
const MAX_COMMENT = 0xffff;
/** A directory this large would describe millions of entries: no real package has one. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 256 * 1024 * 1024;

/** Positional reads from the zip file (a FileHandle in production). */
export interface ReadAt {
  (buf: Buffer, position: number): Promise<number>;
}

export interface CentralDirectory {
  /** The directory bytes, kept to decode an entry's fields on demand (recordAt, nameAt). */
  bytes: Buffer;
  /** Offset of each record in `bytes`, in directory order. */
  positions: Uint32Array;
  /** nameHash() of each record's decoded name, parallel to `positions`. */
  hashes: Int32Array;
  /** Open-addressing table over `hashes`: slot → record index + 1 (0 = empty); size a power of two. */
  table: Int32Array;
  /** Hands the directory bytes back for reuse; the directory must not be used afterwards. */
  release(): void;
}

/** One record's fields, zip64 extras applied. */
export interface CentralRecord {
  size: number; // uncompressed, as declared
  compressedSize: number;
  offset: number; // of the local header
  crc: number;
  method: number;
  flags: number;
}

/** `limits`: ZIP_LIMITS unless a test lowers them. */
export async function readCentralDirectory(readAt: ReadAt, file: string, fileBytes: number, limits: ZipLimits = ZIP_LIMITS): Promise<CentralDirectory> {
  const truncated = (why: string): OtashipError => new OtashipError('TRUNCATED_ZIP', `${file} is cut short: ${why}`);
  const corrupt = (why: string): OtashipError => new OtashipError('CORRUPT_ZIP', `${file} has a damaged zip directory (${why})`);

  // The end record sits in the last 22 bytes plus a comment of up to 64 KiB; the zip64 locator just before it.
  const tailLen = Math.min(fileBytes, EOCD_LEN + MAX_COMMENT + ZIP64_LOCATOR_LEN);
  const tail = takeScratch(tailLen);
  try {
    return await readDirectory(readAt, tail, file, fileBytes, truncated, corrupt, limits);
  } catch (err) {
    giveBackScratch(tail);
    throw err;
  }
}

/** Reads the directory using `tail` (the file's last bytes); the result owns `tail` unless it says otherwise. */
async function readDirectory(
  readAt: ReadAt,
  tail: Buffer,
  file: string,
  fileBytes: number,
  truncated: (why: string) => OtashipError,
  corrupt: (why: string) => OtashipError,
  limits: ZipLimits,
): Promise<CentralDirectory> {
  const tailLen = tail.length;
  const tailStart = fileBytes - tailLen;
  if ((await readAt(tail, tailStart)) < tailLen) throw truncated('the file shrank while being read');
  const eocd = findEndRecord(tail);
  if (eocd < 0) throw truncated(`it starts like a zip but has no end-of-archive record (${fileBytes} bytes)`);

  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const eocdAbs = tailStart + eocd;
  let cdEnd = eocdAbs;
  // zip64: the locator (20 bytes before the end record) points at the zip64 end record, whose 64-bit
  // fields replace the saturated 32-bit ones.
  if (eocd >= ZIP64_LOCATOR_LEN && tail.readUInt32LE(eocd - ZIP64_LOCATOR_LEN) === ZIP64_LOCATOR_SIG) {
    const recordAt = u64(tail, eocd - ZIP64_LOCATOR_LEN + 8);
    let rec: Buffer = Buffer.allocUnsafe(ZIP64_EOCD_LEN);
    let ok = recordAt + ZIP64_EOCD_LEN <= fileBytes;
    if (ok && recordAt >= tailStart) rec = tail.subarray(recordAt - tailStart, recordAt - tailStart + ZIP64_EOCD_LEN);
    else if (ok) ok = (await readAt(rec, recordAt)) === ZIP64_EOCD_LEN;
    ok = ok && rec.length === ZIP64_EOCD_LEN && rec.readUInt32LE(0) === ZIP64_EOCD_SIG;
    if (ok) {
      cdSize = u64(rec, 40);
      cdOffset = u64(rec, 48);
      cdEnd = recordAt;
    } else if (cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw corrupt('its zip64 end record is missing or damaged');
    }
  }
  if (cdOffset + cdSize > cdEnd) {
    throw cdOffset + cdSize > fileBytes ? truncated('its central directory runs past the end of the file') : corrupt('the central directory overlaps its end record');
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new OtashipError('CORRUPT_ZIP', `${file} has a ${cdSize}-byte central directory, more than any package has (limit ${MAX_CENTRAL_DIRECTORY_BYTES})`);
  }
  // Small directories are already inside the tail that was read to find the end record.
  if (cdOffset >= tailStart) return parseRecords(tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize), tail, file, corrupt, limits);
  giveBackScratch(tail);
  const cd = takeScratch(cdSize);
  try {
    if ((await readAt(cd, cdOffset)) < cdSize) throw truncated('its central directory runs past the end of the file');
    return parseRecords(cd, cd, file, corrupt, limits);
  } catch (err) {
    giveBackScratch(cd);
    throw err;
  }
}

/** Offset of the end record in `tail`, or -1. Prefers a record whose comment ends exactly at the end of the file. */
function findEndRecord(tail: Buffer): number {
  let loose = -1;
  for (let i = tail.length - EOCD_LEN; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail.readUInt32LE(i) !== EOCD_SIG) continue;
    const end = i + EOCD_LEN + tail.readUInt16LE(i + 20);
    if (end === tail.length) return i;
    // Some writers append bytes after the comment; accept the last well-formed record then.
    if (end < tail.length && loose < 0) loose = i;
  }
  return loose;
}

function parseRecords(cd: Buffer, owner: Buffer, file: string, corrupt: (why: string) => OtashipError, limits: ZipLimits): CentralDirectory {
  // Every record is at least CENTRAL_LEN bytes, which bounds the count without trusting the end
  // record (writers without zip64 wrap its 16-bit count past 65,535 entries).
  const positions = new Uint32Array(Math.min(Math.floor(cd.length / CENTRAL_LEN), limits.entries));
  const hashes = new Int32Array(positions.length);
  let count = 0;
  let pos = 0;
  const end = cd.length;
  while (pos < end) {
    if (count >= limits.entries) throw overBudget(`${file}'s zip directory`, `more than ${limits.entries} entries`);
    if (pos + CENTRAL_LEN > end || u32(cd, pos) !== CENTRAL_SIG) throw corrupt(`record ${count + 1} is not a central directory record`);
    const next = pos + CENTRAL_LEN + u16(cd, pos + 28) + u16(cd, pos + 30) + u16(cd, pos + 32);
    if (next > end) throw corrupt(`record ${count + 1} runs past the end of the directory`);
    positions[count] = pos;
    hashes[count] = nameHash(nameAt(cd, pos));
    count++;
    pos = next;
  }
  const table = new Int32Array(tableSize(count));
  const mask = table.length - 1;
  let probes = 0;
  const maxProbes = limits.probesPerEntry * count + 1024;
  for (let i = 0; i < count; i++) {
    const h = hashes[i] as number;
    let slot = h & mask;
    for (; table[slot] !== 0; slot = (slot + 1) & mask) {
      const j = (table[slot] as number) - 1;
      // An earlier record of the same name: this one replaces it (names are compared only when the hashes match).
      if (hashes[j] === h && nameAt(cd, positions[j] as number) === nameAt(cd, positions[i] as number)) break;
      if (++probes > maxProbes) throw overBudget(`${file}'s zip directory`, 'names that collide far beyond chance');
    }
    table[slot] = i + 1;
  }
  return {
    bytes: cd,
    positions: positions.subarray(0, count),
    hashes: hashes.subarray(0, count),
    table,
    release: () => giveBackScratch(owner),
  };
}

/** At least twice the count, so probe runs stay short. */
function tableSize(count: number): number {
  let n = 16;
  while (n < count * 2) n *= 2;
  return n;
}

/** The decoded name of the record at `pos`. */
export function nameAt(cd: Buffer, pos: number): string {
  const nameStart = pos + CENTRAL_LEN;
  const nameEnd = nameStart + u16(cd, pos + 28);
  return headerName(cd, nameStart, nameEnd, nameEnd + u16(cd, pos + 30), (u16(cd, pos + 8) & 0x800) !== 0);
}

/**
 * The name a header (central or local) gives, its name at [nameStart, nameEnd) followed by its
 * extra fields up to extraEnd: the Info-ZIP Unicode path field (0x7075) overrides a legacy-encoded
 * name when its CRC matches; else the name is decoded (see decodeName).
 */
export function headerName(buf: Buffer, nameStart: number, nameEnd: number, extraEnd: number, utf8Flag: boolean): string {
  const up = findExtra(buf, nameEnd, Math.min(extraEnd, buf.length), 0x7075);
  if (up && up.len > 5 && buf[up.body] === 1 && u32(buf, up.body + 1) === crc32(buf.subarray(nameStart, nameEnd))) {
    return buf.toString('utf8', up.body + 5, up.body + up.len);
  }
  return decodeName(buf, nameStart, nameEnd, utf8Flag);
}

/** The first extra field with this id in the record at `pos`: where its body starts and its length. */
function extraField(cd: Buffer, pos: number, wanted: number): { body: number; len: number } | null {
  const extraStart = pos + CENTRAL_LEN + u16(cd, pos + 28);
  return findExtra(cd, extraStart, extraStart + u16(cd, pos + 30), wanted);
}

/** The first extra field with this id among the fields at [start, end). */
function findExtra(buf: Buffer, start: number, end: number, wanted: number): { body: number; len: number } | null {
  for (let x = start; x + 4 <= end; ) {
    const len = u16(buf, x + 2);
    const body = x + 4;
    if (body + len > end) return null;
    if (u16(buf, x) === wanted) return { body, len };
    x = body + len;
  }
  return null;
}

/** Per-process seed of nameHash: hash collisions found offline do not carry over. */
const HASH_SEED = randomBytes(4).readInt32LE(0);

/** 32-bit FNV-1a over UTF-16 code units, seeded: a lookup compares names only where hashes match. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5 ^ HASH_SEED;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Offset of the LAST record named `name` (zip tools read the last duplicate), or -1. */
export function findRecord(dir: CentralDirectory, name: string): number {
  const h = nameHash(name);
  const { table, hashes, positions, bytes } = dir;
  const mask = table.length - 1;
  for (let slot = h & mask; table[slot] !== 0; slot = (slot + 1) & mask) {
    const i = (table[slot] as number) - 1;
    // Equal names share one slot, holding the last record of that name.
    if (hashes[i] === h && nameAt(bytes, positions[i] as number) === name) return positions[i] as number;
  }
  return -1;
}

/** The fields of the record at `pos` (a value from positions or findRecord). */
export function recordAt(cd: Buffer, pos: number): CentralRecord {
  let compressedSize = u32(cd, pos + 20);
  let size = u32(cd, pos + 24);
  let offset = u32(cd, pos + 42);
  const z64 = extraField(cd, pos, 0x0001);
  if (z64) {
    // zip64: only the saturated fields are present, in this fixed order.
    const end = z64.body + z64.len;
    let p = z64.body;
    if (size === 0xffffffff && p + 8 <= end) {
      size = u64(cd, p);
      p += 8;
    }
    if (compressedSize === 0xffffffff && p + 8 <= end) {
      compressedSize = u64(cd, p);
      p += 8;
    }
    if (offset === 0xffffffff && p + 8 <= end) offset = u64(cd, p);
  }
  return { size, compressedSize, offset, crc: u32(cd, pos + 16), method: u16(cd, pos + 10), flags: u16(cd, pos + 8) };
}

// Plain indexed reads: Buffer's readUInt*LE methods add argument checks that dominate a 30,000-record loop.
function u16(b: Buffer, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

function u32(b: Buffer, at: number): number {
  return ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) + (b[at + 3] as number) * 0x1000000;
}

/** 64-bit little-endian as a number (exact below 2^53, far above any file size). */
function u64(buf: Buffer, at: number): number {
  return u32(buf, at) + u32(buf, at + 4) * 0x100000000;
}

/**
 * Entry names are UTF-8 when flag bit 11 says so, CP437 otherwise. In practice macOS's Archive
 * Utility and ditto write UTF-8 WITHOUT the flag, and CP437 bytes that happen to be valid UTF-8 are
 * vanishingly rare, so unflagged non-ASCII names are taken as UTF-8 when they are valid UTF-8.
 */
function decodeName(buf: Buffer, start: number, end: number, utf8Flag: boolean): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString('latin1', start, end);
  if (utf8Flag) return buf.toString('utf8', start, end);
  const raw = buf.subarray(start, end);
  if (isUtf8(raw)) return raw.toString('utf8');
  let out = '';
  for (const b of raw) out += b < 0x80 ? String.fromCharCode(b) : (CP437_HIGH[b - 0x80] as string);
  return out;
}

const CP437_HIGH = [
  ...'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
];
