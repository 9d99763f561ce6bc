// Generation of the local CA and the server (leaf) certificate, following Apple's rules for
// certificates a device will trust (support.apple.com/HT210176, iOS 13+): the CA carries
// basicConstraints CA:TRUE (critical); the leaf names the server only in subjectAltName, has
// extendedKeyUsage serverAuth, SHA-256 signatures and a validity of at most 398 days.
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KEY_ALGORITHM, SIGNING_ALGORITHM, webcrypto, x509 } from './x509.js';
import { caScopeFor, ipBytes, ipText, type CaScope, type ServerNames } from './names.js';

const NAME_CONSTRAINTS_OID = '2.5.29.30';
const DNS_NAME = 2 as const;
const IP_ADDRESS = 7 as const;

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

/**
 * The DER of a nameConstraints extension permitting only `scope` (@peculiar/x509 has no class for
 * it; pkijs, already used for the ASN.1, has). An IP subtree is the address followed by its mask.
 */
function nameConstraintsDer(scope: CaScope): ArrayBuffer {
  const subtree = (base: pkijs.GeneralName) => new pkijs.GeneralSubtree({ base });
  const ipSubtree = (address: string, prefix: number) => {
    const bytes = ipBytes(address);
    const mask = bytes.map((_, i) => (0xff << (8 - Math.max(0, Math.min(8, prefix - i * 8)))) & 0xff);
    const value = new Uint8Array([...bytes.map((b, i) => b & mask[i]!), ...mask]);
    return subtree(new pkijs.GeneralName({ type: IP_ADDRESS, value: new asn1js.OctetString({ valueHex: value }) }));
  };
  const constraints = new pkijs.NameConstraints({
    permittedSubtrees: [
      ...scope.dns.map((value) => subtree(new pkijs.GeneralName({ type: DNS_NAME, value }))),
      ...scope.ipRanges.map((r) => ipSubtree(r.address, r.prefix)),
    ],
  });
  return constraints.toSchema().toBER(false);
}

/** The CA's permitted names, or null when it has no nameConstraints (made by an older version). */
export function caScopeOf(caCertPem: string): CaScope | null {
  const ext = new x509.X509Certificate(caCertPem).getExtension(NAME_CONSTRAINTS_OID);
  if (!ext) return null;
  const parsed = pkijs.NameConstraints.fromBER(ext.value);
  const scope: CaScope = { dns: [], ipRanges: [] };
  for (const { base } of parsed.permittedSubtrees ?? []) {
    if (base.type === DNS_NAME) scope.dns.push(String(base.value).toLowerCase());
    else if (base.type === IP_ADDRESS) {
      const raw = new Uint8Array((base.value as asn1js.OctetString).valueBlock.valueHexView);
      const half = raw.length / 2;
      const prefix = Array.from(raw.subarray(half)).reduce((n, b) => n + b.toString(2).replace(/0/g, '').length, 0);
      scope.ipRanges.push({ address: ipText(raw.subarray(0, half)), prefix });
    }
  }
  return scope;
}

export async function createCa(options: {
  commonName: string;
  organization: string;
  now: Date;
  /** What it may sign for; by default only this machine's loopback names. */
  scope?: CaScope;
}): Promise<PemPair> {
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
      // Critical: a client that cannot enforce the constraints must refuse the CA, not ignore them.
      new x509.Extension(NAME_CONSTRAINTS_OID, true, nameConstraintsDer(options.scope ?? caScopeFor({ dns: ['localhost'], ips: ['127.0.0.1', '::1'] }))),
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
