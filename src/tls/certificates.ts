// Generation of the local CA and the server (leaf) certificate, following Apple's rules for
// certificates a device will trust (support.apple.com/HT210176, iOS 13+): the CA carries
// basicConstraints CA:TRUE (critical); the leaf names the server only in subjectAltName, has
// extendedKeyUsage serverAuth, SHA-256 signatures and a validity of at most 398 days.
import { randomBytes } from 'node:crypto';
import { KEY_ALGORITHM, SIGNING_ALGORITHM, webcrypto, x509 } from './x509.js';
import type { ServerNames } from './names.js';

export interface PemPair {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The CA is installed by hand on each device, so it lives long (about 10 years). */
export const CA_VALIDITY_DAYS = 3650;
/** Below Apple's 398-day ceiling with a day to spare for clock and rounding differences. */
export const LEAF_VALIDITY_DAYS = 397;
/** Back-date notBefore: a phone whose clock runs slow would otherwise reject a fresh certificate. */
const BACKDATE_MS = 60 * 60 * 1000;

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER as RFC 5280 requires
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** One spelling for PEM text (ends with a newline) so stored and fresh copies compare equal. */
function pemText(pem: string): string {
  return `${pem.trim()}\n`;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return pemText(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

export async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(keyPem);
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

export async function createCa(options: { commonName: string; organization: string; now: Date }): Promise<PemPair> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(options.now.getTime() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [options.commonName] }, { O: [options.organization] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      // pathLength 0: this CA signs server certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemText(cert.toString('pem')), keyPem: await exportKeyPem(keys.privateKey) };
}

export async function createLeaf(options: {
  ca: PemPair;
  names: ServerNames;
  organization: string;
  now: Date;
}): Promise<PemPair> {
  const caCert = new x509.X509Certificate(options.ca.certPem);
  const caKey = await importSigningKey(options.ca.keyPem);
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(options.now.getTime() - BACKDATE_MS);
  const commonName = options.names.dns.find((n) => n !== 'localhost') ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [commonName] }, { O: [options.organization] }],
    issuer: caCert.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LEAF_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...options.names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...options.names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: pemText(cert.toString('pem')), keyPem: await exportKeyPem(keys.privateKey) };
}

/** The names a certificate's subjectAltName holds, in the same shape as collectServerNames(). */
export function certificateNames(certPem: string): ServerNames {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const item of san?.names.items ?? []) {
    if (item.type === 'dns') dns.push(item.value.toLowerCase());
    else if (item.type === 'ip') ips.push(item.value);
  }
  return { dns, ips };
}
