// Unwraps the CMS SignedData around a provisioning profile and returns the signed content (the
// plist bytes). pkijs/asn1js parse both DER and the indefinite-length BER some tools write, and
// rebuild the content from chunked (constructed) OCTET STRINGs; grepping for "<?xml" would break on
// both. The signature is not verified: OTA installability does not depend on it and the device
// checks it anyway.
import * as asn1js from 'asn1js';
import { ContentInfo, SignedData } from 'pkijs';
import { OtashipError } from '../../errors.js';

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

/** True when the bytes start like a DER/BER SEQUENCE (0x30) with a plausible length form. */
export function looksLikeCms(head: Uint8Array): boolean {
  if (head.length < 2 || head[0] !== 0x30) return false;
  const len = head[1] ?? 0;
  return len === 0x80 || (len >= 0x81 && len <= 0x84);
}

export function cmsContent(der: Uint8Array, what: string): Uint8Array {
  const fail = (why: string, cause?: unknown): OtashipError =>
    new OtashipError('BAD_PROFILE', `${what} is not a readable signed profile (${why})`, cause ? { cause } : undefined);
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1) {
    // Some real profiles embedded in IPAs are cut short inside the signer info, after the content:
    // the strict parse fails on the outer length, but the content itself is whole (and is then
    // checked by the plist parse). Recover it by walking just the path to eContent.
    const content = walkToContent(der);
    if (content) return content;
    throw fail(asn.result.error || 'bad ASN.1');
  }
  let signed: SignedData;
  try {
    const info = new ContentInfo({ schema: asn.result });
    if (info.contentType !== SIGNED_DATA_OID) throw fail(`CMS content type ${info.contentType} is not SignedData`);
    signed = new SignedData({ schema: info.content });
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw fail(err instanceof Error ? err.message : String(err), err);
  }
  const content = signed.encapContentInfo.eContent;
  if (!content) throw fail('the CMS envelope holds no content');
  return octets(content);
}

/** The bytes of an OCTET STRING, concatenating the pieces of a constructed (chunked) one. */
function octets(node: asn1js.OctetString): Uint8Array {
  if (!node.idBlock.isConstructed) return new Uint8Array(node.valueBlock.valueHexView);
  const parts = (node.valueBlock.value as asn1js.OctetString[]).map(octets);
  return Buffer.concat(parts);
}

// --- fallback walker ------------------------------------------------------------------------------
// ContentInfo SEQUENCE → [0] → SignedData SEQUENCE → (version, digestAlgorithms) → encapContentInfo
// SEQUENCE → (eContentType) → [0] → OCTET STRING (primitive, or constructed chunks).
interface Tlv {
  tag: number;
  constructed: boolean;
  start: number; // first content byte
  end: number | null; // null: indefinite length (ends at an end-of-contents marker)
}

function readTlv(buf: Uint8Array, pos: number): Tlv | null {
  if (pos + 2 > buf.length) return null;
  const first = buf[pos] ?? 0;
  if ((first & 0x1f) === 0x1f) return null; // high tag numbers never occur on this path
  let len = buf[pos + 1] ?? 0;
  let start = pos + 2;
  let end: number | null;
  if (len === 0x80) end = null;
  else if (len < 0x80) end = start + len;
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

/** Skips one complete TLV (definite length only); returns the position after it. */
function skip(buf: Uint8Array, pos: number): number | null {
  const t = readTlv(buf, pos);
  return t && t.end !== null && t.end <= buf.length ? t.end : null;
}

function walkToContent(buf: Uint8Array): Uint8Array | null {
  const content = readTlv(buf, 0); // ContentInfo
  if (!content || content.tag !== 0x10) return null;
  const oidEnd = skip(buf, content.start);
  const explicit = oidEnd === null ? null : readTlv(buf, oidEnd); // [0]
  if (!explicit || explicit.tag !== 0x80) return null;
  const signedData = readTlv(buf, explicit.start);
  if (!signedData || signedData.tag !== 0x10) return null;
  const afterVersion = skip(buf, signedData.start);
  const afterDigests = afterVersion === null ? null : skip(buf, afterVersion);
  const encap = afterDigests === null ? null : readTlv(buf, afterDigests);
  if (!encap || encap.tag !== 0x10) return null;
  const afterType = skip(buf, encap.start);
  const wrapper = afterType === null ? null : readTlv(buf, afterType); // [0]
  if (!wrapper || wrapper.tag !== 0x80) return null;
  const bytes = octetsAt(buf, wrapper.start);
  return bytes && extendXmlPlist(buf, bytes);
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

function octetsAt(buf: Uint8Array, pos: number): Uint8Array | null {
  const os = readTlv(buf, pos);
  if (!os || os.tag !== 0x04) return null;
  if (!os.constructed) return os.end !== null ? buf.subarray(os.start, Math.min(os.end, buf.length)) : null;
  const parts: Uint8Array[] = [];
  let p = os.start;
  for (;;) {
    if (os.end !== null && p >= os.end) break;
    if (os.end === null && buf[p] === 0 && buf[p + 1] === 0) break; // end-of-contents
    const part = readTlv(buf, p);
    if (!part || part.end === null) return null;
    const bytes = octetsAt(buf, p);
    if (!bytes) return null;
    parts.push(bytes);
    p = part.end;
  }
  return Buffer.concat(parts);
}
