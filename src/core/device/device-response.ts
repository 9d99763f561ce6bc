// What an iPhone or iPad POSTs to the profile service URL after the user installs the profile: a CMS
// SignedData (DER, Content-Type application/pkcs7-signature) around an XML plist holding the requested
// attributes (UDID, PRODUCT, VERSION, SERIAL, DEVICE_NAME) and the CHALLENGE of the profile.
// The envelope is unwrapped with the walker used for provisioning profiles; the signature (by the
// device's identity certificate) is not verified, so a registration proves that the poster held the
// nonce of a downloaded profile, not that it is a real device.
import { isParseBudgetError } from '../budget.js';
import { OtashipError } from '../errors.js';
import { cmsContent, looksLikeCms } from '../inspect/profile/cms.js';
import { readPlistDict, type PlistDict } from '../plist/read.js';
import { canonicalUdid } from './udid.js';

export interface DeviceAttributes {
  /** Canonical spelling (see canonicalUdid). */
  udid: string;
  product: string;
  version: string;
  serial: string | null;
  deviceName: string | null;
  /** The profile's Challenge as the device echoed it; null when absent. */
  challenge: string | null;
}

/** Longest value kept from the device's answer (real ones are far shorter). */
const MAX_TEXT = 128;
const MAX_CHALLENGE = 1024;

function refuse(message: string, cause?: unknown): OtashipError {
  return new OtashipError('DEVICE_REGISTRATION', message, cause === undefined ? undefined : { cause });
}

export function readDeviceResponse(body: Uint8Array): DeviceAttributes {
  if (body.length === 0) throw refuse('the request carries no device answer (the body is empty)');
  if (!looksLikeCms(body.subarray(0, 16))) {
    throw refuse('the body is not the signed answer iOS sends after installing the registration profile (a CMS-signed property list)');
  }
  let plist: PlistDict;
  try {
    plist = readPlistDict(cmsContent(body, 'the device answer'), 'the signed content of the device answer').value;
  } catch (err) {
    // A bomb is refused as such (PARSE_BUDGET, 422), not as a device that answered badly.
    if (isParseBudgetError(err)) throw err;
    throw refuse(`the device answer cannot be read: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const udidText = plist.UDID;
  if (typeof udidText !== 'string' || udidText.trim() === '') throw refuse('the device answer has no UDID');
  const udid = canonicalUdid(udidText);
  if (!udid) {
    throw refuse(
      `"${clean(udidText, 60)}" is not a UDID (40 hex digits, or 8 and 16 hex digits joined by a dash like 00008030-001A2B3C4D5E802E)`,
    );
  }
  const product = text(plist, 'PRODUCT', MAX_TEXT);
  const version = text(plist, 'VERSION', MAX_TEXT);
  if (!product) throw refuse('the device answer has no PRODUCT (model identifier)');
  if (!version) throw refuse('the device answer has no VERSION');
  const challenge = plist.CHALLENGE;
  return {
    udid,
    product,
    version,
    serial: text(plist, 'SERIAL', MAX_TEXT),
    deviceName: text(plist, 'DEVICE_NAME', MAX_TEXT),
    challenge: typeof challenge === 'string' && challenge.length <= MAX_CHALLENGE ? challenge : null,
  };
}

function text(d: PlistDict, key: string, max: number): string | null {
  const v = d[key];
  if (typeof v !== 'string') return null;
  const t = clean(v, max);
  return t === '' ? null : t;
}

/** Printable text only: controls become spaces, lone surrogates U+FFFD, runs of spaces one; capped. */
function clean(value: string, max: number): string {
  const t = value
    // eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, ' ')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(t).slice(0, max).join('');
}
