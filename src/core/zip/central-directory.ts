// The zip central directory, read by hand. Why not node-stream-zip (used before): it builds a full
// object per entry with eagerly parsed DOS dates and reads the directory through a sliding window
// with per-record callbacks, which made a 30,000-entry IPA cost ~300 ms and >150 MiB; and it has no
// cap on what it materialises. The central directory is a flat, well-specified list of records
// (APPNOTE.TXT §4.3.12-16), so one read of the whole directory and one tight loop over it is both
// simpler to bound and far cheaper. Per entry we keep only its name and where its record starts;
// sizes, offsets and zip64 extras are decoded from the directory bytes when an entry is read.
import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { OtashipError } from '../errors.js';

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
  /** The directory bytes, kept to decode an entry's fields on demand (recordAt). */
  bytes: Buffer;
  names: string[];
  /** name → offset of its record in `bytes`; the LAST record wins for duplicate names. */
  byName: Map<string, number>;
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

export async function readCentralDirectory(readAt: ReadAt, file: string, fileBytes: number): Promise<CentralDirectory> {
  const truncated = (why: string): OtashipError => new OtashipError('TRUNCATED_ZIP', `${file} is cut short: ${why}`);
  const corrupt = (why: string): OtashipError => new OtashipError('CORRUPT_ZIP', `${file} has a damaged zip directory (${why})`);

  // The end record sits in the last 22 bytes plus a comment of up to 64 KiB; the zip64 locator just before it.
  const tailLen = Math.min(fileBytes, EOCD_LEN + MAX_COMMENT + ZIP64_LOCATOR_LEN);
  const tail = Buffer.allocUnsafe(tailLen);
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
    let rec = Buffer.allocUnsafe(ZIP64_EOCD_LEN);
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
  let cd: Buffer;
  if (cdOffset >= tailStart) cd = tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize);
  else {
    cd = Buffer.allocUnsafe(cdSize);
    if ((await readAt(cd, cdOffset)) < cdSize) throw truncated('its central directory runs past the end of the file');
  }
  return parseRecords(cd, corrupt);
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

function parseRecords(cd: Buffer, corrupt: (why: string) => OtashipError): CentralDirectory {
  const names: string[] = [];
  const byName = new Map<string, number>();
  // The directory decoded once as Latin-1: ASCII names (nearly all) are then substrings of it
  // instead of one native decode call each (several times faster at 30,000 entries).
  const text = cd.toString('latin1');
  // Walk by byte length, not by the declared count: writers without zip64 wrap the 16-bit count past 65,535 entries.
  let pos = 0;
  const end = cd.length;
  while (pos < end) {
    if (pos + CENTRAL_LEN > end || u32(cd, pos) !== CENTRAL_SIG) throw corrupt(`record ${names.length + 1} is not a central directory record`);
    const nameStart = pos + CENTRAL_LEN;
    const extraStart = nameStart + u16(cd, pos + 28);
    const extraEnd = extraStart + u16(cd, pos + 30);
    const next = extraEnd + u16(cd, pos + 32);
    if (next > end) throw corrupt(`record ${names.length + 1} runs past the end of the directory`);
    let name: string | null = null;
    // The Info-ZIP Unicode path field (0x7075) overrides a legacy-encoded name when its CRC matches.
    for (let x = extraStart; x + 4 <= extraEnd; ) {
      const id = u16(cd, x);
      const len = u16(cd, x + 2);
      const body = x + 4;
      if (body + len > extraEnd) break;
      if (id === 0x7075 && len > 5 && cd[body] === 1 && u32(cd, body + 1) === crc32(cd.subarray(nameStart, extraStart))) {
        name = cd.toString('utf8', body + 5, body + len);
      }
      x = body + len;
    }
    name ??= decodeName(cd, text, nameStart, extraStart, (u16(cd, pos + 8) & 0x800) !== 0);
    byName.set(name, pos);
    names.push(name);
    pos = next;
  }
  return { bytes: cd, names, byName };
}

/** The fields of the record at `pos` (a value from byName). */
export function recordAt(cd: Buffer, pos: number): CentralRecord {
  let compressedSize = u32(cd, pos + 20);
  let size = u32(cd, pos + 24);
  let offset = u32(cd, pos + 42);
  const extraStart = pos + CENTRAL_LEN + u16(cd, pos + 28);
  const extraEnd = extraStart + u16(cd, pos + 30);
  for (let x = extraStart; x + 4 <= extraEnd; ) {
    const id = u16(cd, x);
    const len = u16(cd, x + 2);
    const body = x + 4;
    if (body + len > extraEnd) break;
    if (id === 0x0001) {
      // zip64: only the saturated fields are present, in this fixed order.
      let p = body;
      if (size === 0xffffffff && p + 8 <= body + len) {
        size = u64(cd, p);
        p += 8;
      }
      if (compressedSize === 0xffffffff && p + 8 <= body + len) {
        compressedSize = u64(cd, p);
        p += 8;
      }
      if (offset === 0xffffffff && p + 8 <= body + len) offset = u64(cd, p);
    }
    x = body + len;
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
function decodeName(buf: Buffer, latin1: string, start: number, end: number, utf8Flag: boolean): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1.slice(start, end);
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
