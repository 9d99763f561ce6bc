// Small inputs that ask a parser for a great deal of work, for the parse-budget tests: binary plists
// assembled object by object (plist@5 cannot write shared references), the ~400-byte reference bomb,
// and DER framing helpers.

/** A bplist00 from encoded objects (marker byte + body each); references inside are 1 or 2 bytes. */
export function binaryPlist(objects: Buffer[], top: number, refSize: 1 | 2 = 1): Buffer {
  const header = Buffer.from('bplist00', 'latin1');
  const offsets: number[] = [];
  let at = header.length;
  for (const o of objects) {
    offsets.push(at);
    at += o.length;
  }
  const tableAt = at;
  const offsetSize = tableAt + objects.length * 2 < 0xffff ? 2 : 4;
  const table = Buffer.alloc(objects.length * offsetSize);
  offsets.forEach((o, i) => table.writeUIntBE(o, i * offsetSize, offsetSize));
  const trailer = Buffer.alloc(32);
  trailer[6] = offsetSize;
  trailer[7] = refSize;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(top), 16);
  trailer.writeBigUInt64BE(BigInt(tableAt), 24);
  return Buffer.concat([header, ...objects, table, trailer]);
}

/** Marker + length for a variable-size object (arrays 0xa, dicts 0xd, ASCII strings 0x5). */
export function marker(type: number, count: number): Buffer {
  if (count < 15) return Buffer.from([(type << 4) | count]);
  const n = count < 0x100 ? 0 : count < 0x10000 ? 1 : 2;
  const len = Buffer.alloc(1 << n);
  len.writeUIntBE(count, 0, 1 << n);
  return Buffer.concat([Buffer.from([(type << 4) | 0x0f, 0x10 | n]), len]);
}

export function asciiObject(s: string): Buffer {
  return Buffer.concat([marker(0x5, s.length), Buffer.from(s, 'latin1')]);
}

export function arrayObject(refs: number[], refSize: 1 | 2 = 1): Buffer {
  const body = Buffer.alloc(refs.length * refSize);
  refs.forEach((r, i) => body.writeUIntBE(r, i * refSize, refSize));
  return Buffer.concat([marker(0xa, refs.length), body]);
}

export function dictObject(keys: number[], values: number[], refSize: 1 | 2 = 1): Buffer {
  const body = Buffer.alloc((keys.length + values.length) * refSize);
  [...keys, ...values].forEach((r, i) => body.writeUIntBE(r, i * refSize, refSize));
  return Buffer.concat([marker(0xd, keys.length), body]);
}

/**
 * The reference bomb: object 0 is a string, object i an array holding object i-1 twice, so object
 * `levels` expands to 2^levels strings. The root is a dictionary { key: that array }, so it reads
 * as a plausible Info.plist or device answer up to the point of expansion. ~3 bytes per level.
 */
export function referenceBomb(levels = 60, key = 'UDID'): Buffer {
  const objects = [asciiObject('A')];
  for (let i = 1; i <= levels; i++) objects.push(arrayObject([i - 1, i - 1]));
  objects.push(asciiObject(key), dictObject([levels + 1], [levels]));
  return binaryPlist(objects, levels + 2);
}

/** DER TLV with a definite length. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const SIGNED_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
const DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);

/**
 * A bare CMS SignedData around `octets` (an OCTET STRING TLV, primitive or constructed): the path
 * the content walker follows, without certificates or signer infos.
 */
export function bareCms(octets: Buffer): Buffer {
  const encap = tlv(0x30, Buffer.concat([DATA_OID, tlv(0xa0, octets)]));
  const signedData = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([1])), tlv(0x31, Buffer.alloc(0)), encap]));
  return tlv(0x30, Buffer.concat([SIGNED_DATA_OID, tlv(0xa0, signedData)]));
}
