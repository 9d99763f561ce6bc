// The configuration profile that installs the local CA on an iPhone/iPad: one payload of type
// com.apple.security.root holding the DER certificate. Unsigned (iOS labels it "Unverified"; the user
// installs it anyway, then enables full trust in Settings › General › About › Certificate Trust Settings).
// UUIDs are derived from the certificate so downloading the profile twice gives the same profile,
// which iOS then treats as a re-install rather than a second copy.
import { X509Certificate, createHash } from 'node:crypto';
import { build } from 'plist';
import { OtashipError } from '../core/errors.js';

export interface CaMobileconfigOptions {
  /** Shown by iOS as the profile's organisation. */
  organization: string;
  /** Reverse-DNS profile identifier, e.g. `com.example.otaship.ca`. */
  identifier: string;
  /** Profile name shown in Settings; default `<organization> local CA`. */
  displayName?: string;
}

const IDENTIFIER = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function buildCaMobileconfig(caCertPem: string, options: CaMobileconfigOptions): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(caCertPem);
  } catch (err) {
    throw new OtashipError('VALIDATION', 'The CA certificate for the profile is not a PEM certificate', { cause: err });
  }
  if (!cert.ca) throw new OtashipError('VALIDATION', 'The certificate for the CA profile is not a CA (basicConstraints CA:TRUE)');
  if (!IDENTIFIER.test(options.identifier)) {
    throw new OtashipError('VALIDATION', `The profile identifier "${options.identifier}" is not reverse-DNS (e.g. com.example.otaship)`);
  }
  const der = cert.raw;
  const displayName = options.displayName ?? `${options.organization} local CA`;
  return build({
    PayloadContent: [
      {
        PayloadCertificateFileName: 'otaship-ca.cer',
        PayloadContent: der,
        PayloadDescription: 'Adds the CA that signs this server’s HTTPS certificate.',
        PayloadDisplayName: displayName,
        PayloadIdentifier: `${options.identifier}.root`,
        PayloadType: 'com.apple.security.root',
        PayloadUUID: uuidFrom(der, 'payload'),
        PayloadVersion: 1,
      },
    ],
    PayloadDescription: `Lets this device trust the HTTPS certificate of the ${options.organization} install server.`,
    PayloadDisplayName: displayName,
    PayloadIdentifier: options.identifier,
    PayloadOrganization: options.organization,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: uuidFrom(der, 'profile'),
    PayloadVersion: 1,
  });
}

/** A stable RFC 4122-shaped UUID (version 5 layout) from the certificate bytes and a purpose label. */
function uuidFrom(der: Buffer, label: string): string {
  const h = createHash('sha256').update(label).update(der).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
