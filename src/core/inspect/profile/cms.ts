// Unwraps the CMS SignedData around a provisioning profile and returns the signed content (the
// plist bytes). A minimal DER/BER walker follows the one path to it — ContentInfo SEQUENCE → [0] →
// SignedData SEQUENCE → (version, digestAlgorithms) → encapContentInfo SEQUENCE → (eContentType) →
// [0] → OCTET STRING (primitive, or constructed chunks) — instead of pkijs/asn1js: loading those two
// cost ~100 ms per CLI run and they decode every certificate and signer field we then throw away.
// The walker handles DER and the indefinite-length BER some tools write, and rebuilds content split
// into chunked OCTET STRINGs; grepping for "<?xml" would break on both. It does not insist that the
// outer lengths fit the buffer: some real profiles embedded in IPAs are cut short inside the signer
// info, after the content, and the content itself is whole (then checked by the plist parse). The
// signature is not verified: OTA installability does not depend on it and the device checks it anyway.
// The walk is budgeted (src/core/budget.ts): values visited, depth, and content bytes re-assembled
// from chunked OCTET STRINGs (each nesting level copies them again).
import { DER_LIMITS, ParseBudget } from '../../budget.js';
import { OtashipError } from '../../errors.js';

/** DER of the SignedData OID 1.2.840.113549.1.7.2, tag and length included. */
const SIGNED_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

/** True when the bytes start like a DER/BER SEQUENCE (0x30) with a plausible length form. */
export function looksLikeCms(head: Uint8Array): boolean {
  if (head.length < 2 || head[0] !== 0x30) return false;
  const len = head[1] ?? 0;
  return len === 0x80 || (len >= 0x81 && len <= 0x84);
}

export function cmsContent(der: Uint8Array, what: string): Uint8Array {
  const result = walkToContent(der, new ParseBudget(what, DER_LIMITS));
  if (typeof result === 'string') throw new OtashipError('BAD_PROFILE', `${what} is not a readable signed profile (${result})`);
  return result;
}

interface Tlv {
  tag: number;
  constructed: boolean;
  start: number; // first content byte
  end: number | null; // null: indefinite length (ends at an end-of-contents marker)
}

function readTlv(buf: Uint8Array, pos: number, budget: ParseBudget): Tlv | null {
  budget.objects();
  if (pos + 2 > buf.length) return null;
  const first = buf[pos] ?? 0;
  if ((first & 0x1f) === 0x1f) return null; // high tag numbers never occur on this path
  let len = buf[pos + 1] ?? 0;
  let start = pos + 2;
  let end: number | null;
  if (len === 0x80) {
    if ((first & 0x20) === 0) return null; // indefinite length is only valid for constructed values
    end = null;
  } else if (len < 0x80) end = start + len;
  else {
    const n = len & 0x7f;
    if (n > 4 || start + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] ?? 0);
    start += n;
    end = start + len;
  }
  return { tag: first & 0xdf, constructed: (first & 0x20) !== 0, start, end };
}

/** Skips one complete TLV (definite or indefinite length); returns the position after it. */
function skip(buf: Uint8Array, pos: number, budget: ParseBudget, depth = 0): number | null {
  budget.depth(depth);
  const t = readTlv(buf, pos, budget);
  if (!t) return null;
  if (t.end !== null) return t.end <= buf.length ? t.end : null;
  let p = t.start;
  for (;;) {
    if (p + 2 > buf.length) return null;
    if (buf[p] === 0 && buf[p + 1] === 0) return p + 2; // end-of-contents
    const next = skip(buf, p, budget, depth + 1);
    if (next === null) return null;
    p = next;
  }
}

/** The signed content, or why it cannot be reached. */
function walkToContent(buf: Uint8Array, budget: ParseBudget): Uint8Array | string {
  const content = readTlv(buf, 0, budget); // ContentInfo
  if (!content || content.tag !== 0x10) return 'it is not a DER/BER SEQUENCE';
  const oidEnd = skip(buf, content.start, budget);
  if (oidEnd === null) return 'its content type is unreadable';
  const oid = buf.subarray(content.start, oidEnd);
  // The content type is only used to explain a failure: real profiles with a damaged OID byte still
  // carry a whole SignedData, and the plist parse of what we reach is the real check.
  const notSignedData = !Buffer.from(oid.buffer, oid.byteOffset, oid.byteLength).equals(SIGNED_DATA_OID);
  const reached = walkSignedData(buf, oidEnd, budget);
  return typeof reached === 'string' && notSignedData ? 'its CMS content type is not SignedData' : reached;
}

function walkSignedData(buf: Uint8Array, oidEnd: number, budget: ParseBudget): Uint8Array | string {
  const explicit = readTlv(buf, oidEnd, budget); // [0]
  if (!explicit || explicit.tag !== 0x80) return 'the SignedData is missing';
  const signedData = readTlv(buf, explicit.start, budget);
  if (!signedData || signedData.tag !== 0x10) return 'the SignedData is not a SEQUENCE';
  const afterVersion = skip(buf, signedData.start, budget);
  const afterDigests = afterVersion === null ? null : skip(buf, afterVersion, budget);
  const encap = afterDigests === null ? null : readTlv(buf, afterDigests, budget);
  if (!encap || encap.tag !== 0x10) return 'the encapsulated content info is unreadable';
  const afterType = skip(buf, encap.start, budget);
  if (afterType === null) return 'the encapsulated content type is unreadable';
  const wrapper = readTlv(buf, afterType, budget); // [0]
  if (!wrapper || wrapper.tag !== 0x80) return 'the CMS envelope holds no content';
  const bytes = octetsAt(buf, wrapper.start, budget, 0);
  if (!bytes) return 'the signed content is unreadable';
  return extendXmlPlist(buf, bytes);
}

/**
 * A hand-edited profile can hold an XML plist longer than its OCTET STRING's declared length (the
 * envelope was not re-encoded after the edit). When the declared bytes are an XML plist without its
 * closing tag, extend them to the first closing tag that follows in the buffer.
 */
function extendXmlPlist(buf: Uint8Array, bytes: Uint8Array): Uint8Array {
  const whole = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const part = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (part[0] !== 0x3c || part.includes('</plist>')) return bytes;
  const start = bytes.byteOffset - buf.byteOffset;
  const close = whole.indexOf('</plist>', start);
  return close < 0 ? bytes : whole.subarray(start, close + '</plist>'.length);
}

function octetsAt(buf: Uint8Array, pos: number, budget: ParseBudget, depth: number): Uint8Array | null {
  budget.depth(depth);
  const os = readTlv(buf, pos, budget);
  if (!os || os.tag !== 0x04) return null;
  if (!os.constructed) return os.end !== null ? buf.subarray(os.start, Math.min(os.end, buf.length)) : null;
  const parts: Uint8Array[] = [];
  let p = os.start;
  for (;;) {
    if (os.end !== null && p >= os.end) break;
    if (os.end === null && buf[p] === 0 && buf[p + 1] === 0) break; // end-of-contents
    const part = readTlv(buf, p, budget);
    if (!part || part.end === null) return null;
    const bytes = octetsAt(buf, p, budget, depth + 1);
    if (!bytes) return null;
    parts.push(bytes);
    budget.bytes(bytes.length);
    p = part.end;
  }
  return Buffer.concat(parts);
}
