// The zip central directory, read by hand. Why not node-stream-zip (used before): it builds a full
// object per entry with eagerly parsed DOS dates and reads the directory through a sliding window
// with per-record callbacks, which made a 30,000-entry IPA cost ~300 ms and >150 MiB; and it has no
// cap on what it materialises. The central directory is a flat, well-specified list of records
// (APPNOTE.TXT §4.3.12-16), so one read of the whole directory and one tight loop over it is both
// simpler to bound and ~20x cheaper. Per-entry fields live in plain number arrays; names are decoded
// once, and the name → index Map is built once.
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
  names: string[];
  size: number[]; // uncompressed, as declared
  compressedSize: number[];
  offset: number[]; // of the local header
  crc: number[];
  method: number[];
  flags: number[];
  /** name → index; the LAST record wins for duplicate names (as with any directory-order reader). */
  byName: Map<string, number>;
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
    const rec = Buffer.allocUnsafe(ZIP64_EOCD_LEN);
    const ok = recordAt + ZIP64_EOCD_LEN <= fileBytes && (await readAt(rec, recordAt)) === ZIP64_EOCD_LEN && rec.readUInt32LE(0) === ZIP64_EOCD_SIG;
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
  const cd = Buffer.allocUnsafe(cdSize);
  if ((await readAt(cd, cdOffset)) < cdSize) throw truncated('its central directory runs past the end of the file');
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
  const dir: CentralDirectory = { names: [], size: [], compressedSize: [], offset: [], crc: [], method: [], flags: [], byName: new Map() };
  // Walk by byte length, not by the declared count: writers without zip64 wrap the 16-bit count past 65,535 entries.
  let pos = 0;
  const end = cd.length;
  while (pos < end) {
    if (pos + CENTRAL_LEN > end || cd.readUInt32LE(pos) !== CENTRAL_SIG) throw corrupt(`record ${dir.names.length + 1} is not a central directory record`);
    const flags = cd.readUInt16LE(pos + 8);
    const nameLen = cd.readUInt16LE(pos + 28);
    const extraLen = cd.readUInt16LE(pos + 30);
    const commentLen = cd.readUInt16LE(pos + 32);
    const nameStart = pos + CENTRAL_LEN;
    const extraStart = nameStart + nameLen;
    const next = extraStart + extraLen + commentLen;
    if (next > end) throw corrupt(`record ${dir.names.length + 1} runs past the end of the directory`);
    let compressedSize = cd.readUInt32LE(pos + 20);
    let size = cd.readUInt32LE(pos + 24);
    let offset = cd.readUInt32LE(pos + 42);
    let name: string | null = null;
    // Extra fields: zip64 sizes/offset (0x0001) and the Info-ZIP Unicode path (0x7075).
    for (let x = extraStart; x + 4 <= extraStart + extraLen; ) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      const body = x + 4;
      if (body + len > extraStart + extraLen) break;
      if (id === 0x0001) {
        // Only the saturated fields are present, in this fixed order.
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
      } else if (id === 0x7075 && len > 5 && cd[body] === 1 && cd.readUInt32LE(body + 1) === crc32(cd.subarray(nameStart, extraStart))) {
        name = cd.toString('utf8', body + 5, body + len);
      }
      x = body + len;
    }
    name ??= decodeName(cd, nameStart, extraStart, (flags & 0x800) !== 0);
    const i = dir.names.length;
    dir.names.push(name);
    dir.size.push(size);
    dir.compressedSize.push(compressedSize);
    dir.offset.push(offset);
    dir.crc.push(cd.readUInt32LE(pos + 16));
    dir.method.push(cd.readUInt16LE(pos + 10));
    dir.flags.push(flags);
    dir.byName.set(name, i);
    pos = next;
  }
  return dir;
}

/** 64-bit little-endian as a number (exact below 2^53, far above any file size). */
function u64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x100000000;
}

/**
 * Entry names are UTF-8 when flag bit 11 says so, CP437 otherwise. In practice macOS's Archive
 * Utility and ditto write UTF-8 WITHOUT the flag, and CP437 bytes that happen to be valid UTF-8 are
 * vanishingly rare, so unflagged non-ASCII names are taken as UTF-8 when they are valid UTF-8.
 */
function decodeName(buf: Buffer, start: number, end: number, utf8Flag: boolean): string {
  if (utf8Flag) return buf.toString('utf8', start, end);
  let ascii = true;
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString('latin1', start, end);
  const raw = buf.subarray(start, end);
  if (isUtf8(raw)) return raw.toString('utf8');
  let out = '';
  for (const b of raw) out += b < 0x80 ? String.fromCharCode(b) : (CP437_HIGH[b - 0x80] as string);
  return out;
}

const CP437_HIGH = [
  ...'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0',
];
