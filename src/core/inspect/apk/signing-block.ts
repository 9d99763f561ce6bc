// APK Signature Scheme v2/v3 live in the "APK Signing Block", between the last local entry and the
// central directory. The zip library hides those bytes, so we locate the central directory from the
// end-of-central-directory record ourselves and read only the few headers we need with positional
// reads: a multi-GB APK costs a handful of small reads, never a full-file read.
import { openReadOnly, type ReadOnlyFile } from '../../fs/read-only-file.js';
import { OtashipError } from '../../errors.js';

export const SigningBlockId = { V2: 0x7109871a, V3: 0xf05368c0, V31: 0x1b93ad61 } as const;

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const MAGIC = Buffer.from('APK Sig Block 42', 'latin1');
const MAX_PAIRS = 4096;

async function readAt(fh: ReadOnlyFile, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Offset of the central directory, or null when no end-of-central-directory record is found. */
async function centralDirectoryOffset(fh: ReadOnlyFile, fileSize: number): Promise<number | null> {
  const tailLen = Math.min(fileSize, 22 + 0xffff);
  const tailAt = fileSize - tailLen;
  const tail = await readAt(fh, tailAt, tailLen);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    const commentLen = tail.readUInt16LE(i + 20);
    if (i + 22 + commentLen !== tail.length) continue; // a signature inside the comment
    const cdOffset = tail.readUInt32LE(i + 16);
    if (cdOffset !== 0xffffffff) return cdOffset;
    // Zip64: the locator sits right before the EOCD and points at the zip64 EOCD record.
    const locAt = tailAt + i - 20;
    if (locAt < 0) return null;
    const loc = await readAt(fh, locAt, 20);
    if (loc.length < 20 || loc.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) return null;
    const z64At = Number(loc.readBigUInt64LE(8));
    const z64 = await readAt(fh, z64At, 56);
    if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) return null;
    return Number(z64.readBigUInt64LE(48));
  }
  return null;
}

/**
 * The ids of the id-value pairs in the APK Signing Block ([] when there is no block).
 * Malformed blocks count as absent: Android would refuse to verify them, so the APK is not v2+ signed.
 */
export async function readSigningBlockIds(path: string): Promise<number[]> {
  let fh: ReadOnlyFile;
  try {
    fh = await openReadOnly(path);
  } catch (err) {
    throw new OtashipError('FILE_NOT_FOUND', `Cannot reopen ${path} to read its APK Signing Block`, { cause: err });
  }
  try {
    const { size } = await fh.stat();
    const cd = await centralDirectoryOffset(fh, size);
    if (cd === null || cd < 32 || cd > size) return [];
    const footer = await readAt(fh, cd - 24, 24);
    if (footer.length < 24 || !footer.subarray(8).equals(MAGIC)) return [];
    const blockSize = footer.readBigUInt64LE(0);
    // The block is: u64 size, pairs, u64 size (again), magic. Its size excludes the first u64.
    if (blockSize < 24n || blockSize + 8n > BigInt(cd)) return [];
    const start = cd - Number(blockSize) - 8;
    const head = await readAt(fh, start, 8);
    if (head.length < 8 || head.readBigUInt64LE(0) !== blockSize) return [];
    const ids: number[] = [];
    let at = start + 8;
    const pairsEnd = cd - 24;
    while (at + 12 <= pairsEnd && ids.length < MAX_PAIRS) {
      const pair = await readAt(fh, at, 12);
      if (pair.length < 12) break;
      const len = pair.readBigUInt64LE(0);
      if (len < 4n || BigInt(at) + 8n + len > BigInt(pairsEnd)) return [];
      ids.push(pair.readUInt32LE(8));
      at += 8 + Number(len);
    }
    return ids;
  } finally {
    await fh.close();
  }
}

/** Signature schemes (2, 3) present in the signing block; v3.1 counts as 3. */
export function schemesFromBlockIds(ids: number[]): number[] {
  const out = new Set<number>();
  for (const id of ids) {
    if (id === SigningBlockId.V2) out.add(2);
    if (id === SigningBlockId.V3 || id === SigningBlockId.V31) out.add(3);
  }
  return [...out].sort();
}
