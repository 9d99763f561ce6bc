// The .mobileconfig that asks an iPhone or iPad for its UDID: one "Profile Service" payload (ota-notes
// §6). After the user installs it, iOS POSTs the requested DeviceAttributes, CMS-signed, to URL and
// echoes Challenge; nothing stays installed. Unsigned, so iOS labels it "Unverified".
// Built with the project's XML plist writer: every string is escaped, and strings XML cannot carry
// are refused here rather than written.
import { randomUUID } from 'node:crypto';
import { OtashipError } from '../errors.js';
import { findXmlIllegal } from '../manifest/xml-chars.js';
import { writeXmlPlist } from '../manifest/xml-plist-writer.js';

/** What the device is asked to send back. */
export const DEVICE_ATTRIBUTES = ['UDID', 'PRODUCT', 'VERSION', 'SERIAL', 'DEVICE_NAME'] as const;

export interface ProfileServiceOptions {
  /** Absolute http(s) URL the device posts its attributes to (carries the one-time nonce). */
  callbackUrl: string;
  /** Echoed by the device as CHALLENGE. */
  challenge: string;
  /** Reverse-DNS PayloadIdentifier, stable per server (see profileServiceIdentifier). */
  identifier: string;
  organization: string;
  displayName: string;
  description: string;
  /** Fresh per download by default. */
  payloadUuid?: string;
}

const IDENTIFIER = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

export function buildProfileServiceConfig(o: ProfileServiceOptions): string {
  let url: URL;
  try {
    url = new URL(o.callbackUrl);
  } catch {
    throw new OtashipError('VALIDATION', 'the profile service URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OtashipError('VALIDATION', 'the profile service URL must be http(s)');
  if (!IDENTIFIER.test(o.identifier)) {
    throw new OtashipError('VALIDATION', `the profile identifier "${o.identifier.slice(0, 80)}" is not reverse-DNS (e.g. com.example.otaship.udid)`);
  }
  const uuid = (o.payloadUuid ?? randomUUID()).toUpperCase();
  if (!UUID.test(uuid)) throw new OtashipError('VALIDATION', 'the profile UUID is not a UUID');
  for (const [name, value] of Object.entries({ challenge: o.challenge, organization: o.organization, displayName: o.displayName, description: o.description })) {
    const bad = findXmlIllegal(value);
    if (bad) throw new OtashipError('VALIDATION', `the profile ${name} holds ${bad.codePoint}, which a profile cannot carry`);
  }
  return writeXmlPlist({
    PayloadContent: {
      URL: o.callbackUrl,
      DeviceAttributes: [...DEVICE_ATTRIBUTES],
      Challenge: o.challenge,
    },
    PayloadOrganization: o.organization,
    PayloadDisplayName: o.displayName,
    PayloadDescription: o.description,
    PayloadVersion: 1,
    PayloadUUID: uuid,
    PayloadIdentifier: o.identifier,
    PayloadType: 'Profile Service',
  });
}

/**
 * A stable reverse-DNS identifier from the server's public host: ota.example.com →
 * com.example.ota.otaship.udid. Characters an identifier cannot hold become dashes.
 */
export function profileServiceIdentifier(publicUrl: string): string {
  let host: string;
  try {
    host = new URL(publicUrl).hostname;
  } catch {
    host = '';
  }
  const labels = host
    .replace(/^\[|\]$/g, '')
    .split('.')
    .map((l) => l.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter((l) => l !== '')
    .reverse();
  return `${labels.length > 0 ? labels.join('.') : 'local'}.otaship.udid`;
}
