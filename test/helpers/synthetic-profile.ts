// Builds provisioning profiles for tests: the plist Apple writes, optionally wrapped in a REAL CMS
// SignedData (pkijs, signed with a throwaway ECDSA key and self-signed certificate), in DER, in
// indefinite-length BER, or with the content split into a chunked (constructed) OCTET STRING.
import 'reflect-metadata';
import { randomUUID, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { build, buildBinary } from 'plist';
import type { PlistValue } from 'plist';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type SyntheticProfileType = 'development' | 'ad-hoc' | 'enterprise' | 'app-store';

export interface SyntheticProfileOptions {
  type?: SyntheticProfileType; // default 'ad-hoc'
  name?: string;
  teamId?: string; // default 'ABCDE12345'
  teamName?: string;
  uuid?: string;
  bundleId?: string; // application-identifier = `${teamId}.${bundleId}` unless appId is given
  appId?: string; // full application-identifier, e.g. 'ABCDE12345.*'
  devices?: string[]; // default: two UDIDs for development/ad-hoc, none otherwise
  createdAt?: Date; // default: now - 1 day
  expiresAt?: Date; // default: now + 365 days
  platforms?: string[] | null; // default ['iOS']; null omits the key
  /** get-task-allow; default true for development, false otherwise; null omits the key. */
  getTaskAllow?: boolean | null;
  /** Certificate validity end (default: expiresAt + 1 year); null: no DeveloperCertificates. */
  certificateExpiresAt?: Date | null;
  /** The signing certificate's common name (default 'iPhone Distribution: Example Inc (ABCDE12345)'). */
  certificateCommonName?: string;
  container?: 'cms' | 'cms-ber' | 'cms-chunked' | 'xml' | 'binary'; // default 'cms'
  extra?: Record<string, PlistValue>;
}

export const SAMPLE_UDIDS = ['00008030-001A2B3C4D5E802E', '0123456789abcdef0123456789abcdef01234567'];

interface Signer {
  keys: CryptoKeyPair;
  certDer: ArrayBuffer;
}
const signers = new Map<string, Promise<Signer>>();

/** A throwaway key + self-signed "iPhone Distribution" certificate, cached per validity end. */
export function testSigner(notAfter: Date, commonName = 'iPhone Distribution: Example Inc (ABCDE12345)'): Promise<Signer> {
  const key = `${notAfter.toISOString()}|${commonName}`;
  let s = signers.get(key);
  if (!s) {
    s = (async () => {
      const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
      const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '0a1b2c3d',
        name: `CN=${commonName.replace(/([,+"\\<>;=])/g, '\\$1')}, O=Example Inc, C=US`,
        notBefore: new Date(notAfter.getTime() - 2 * 365 * 86400_000),
        notAfter,
        keys,
        signingAlgorithm: alg,
      });
      return { keys, certDer: cert.rawData };
    })();
    signers.set(key, s);
  }
  return s;
}

export function profilePlistValue(o: SyntheticProfileOptions = {}, certificate?: ArrayBuffer): Record<string, PlistValue> {
  const type = o.type ?? 'ad-hoc';
  const teamId = o.teamId ?? 'ABCDE12345';
  const now = Date.now();
  const created = o.createdAt ?? new Date(now - 86400_000);
  const expires = o.expiresAt ?? new Date(now + 365 * 86400_000);
  const devices = o.devices ?? (type === 'development' || type === 'ad-hoc' ? SAMPLE_UDIDS : []);
  const getTaskAllow = o.getTaskAllow === undefined ? type === 'development' : o.getTaskAllow;
  const entitlements: Record<string, PlistValue> = {
    'application-identifier': o.appId ?? `${teamId}.${o.bundleId ?? 'com.example.app'}`,
    'com.apple.developer.team-identifier': teamId,
    'keychain-access-groups': [`${teamId}.*`],
  };
  if (getTaskAllow !== null) entitlements['get-task-allow'] = getTaskAllow;
  // Whole seconds: plist dates carry no milliseconds.
  const sec = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
  const p: Record<string, PlistValue> = {
    AppIDName: 'Example App',
    ApplicationIdentifierPrefix: [teamId],
    CreationDate: sec(created),
    ExpirationDate: sec(expires),
    Entitlements: entitlements,
    Name: o.name ?? `${type} profile`,
    TeamIdentifier: [teamId],
    TeamName: o.teamName ?? 'Example Inc',
    TimeToLive: 365,
    UUID: o.uuid ?? randomUUID(),
    Version: 1,
  };
  if (o.platforms !== null) p.Platform = o.platforms ?? ['iOS'];
  if (type === 'enterprise') p.ProvisionsAllDevices = true;
  if (devices.length > 0) p.ProvisionedDevices = devices;
  if (certificate) p.DeveloperCertificates = [new Uint8Array(certificate)];
  return { ...p, ...o.extra };
}

/** The bytes of a .mobileprovision built from the options. */
export async function buildProfile(o: SyntheticProfileOptions = {}): Promise<Buffer> {
  const expires = o.expiresAt ?? new Date(Date.now() + 365 * 86400_000);
  const certEnd = o.certificateExpiresAt === undefined ? new Date(expires.getTime() + 365 * 86400_000) : o.certificateExpiresAt;
  const signer = await testSigner(certEnd ?? new Date(Date.now() + 365 * 86400_000), o.certificateCommonName);
  const value = profilePlistValue(o, certEnd === null ? undefined : signer.certDer);
  const container = o.container ?? 'cms';
  if (container === 'binary') return Buffer.from(buildBinary(value));
  const xml = Buffer.from(build(value), 'utf8');
  if (container === 'xml') return xml;
  return signCms(xml, signer, container);
}

/** Wraps content in CMS SignedData, signed for real; the form of the encoding is chosen by `form`. */
export async function signCms(content: Uint8Array, signer: Signer, form: 'cms' | 'cms-ber' | 'cms-chunked' = 'cms'): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(signer.certDer);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: '1.2.840.113549.1.7.1',
      eContent: new asn1js.OctetString({ valueHex: content }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      }),
    ],
    certificates: [cert],
  });
  await signed.sign(signer.keys.privateKey, 0, 'SHA-256');
  // The signature covers the content octets, not their encoding, so re-framing keeps it valid.
  // Apple writes one primitive OCTET STRING; 'cms-chunked' splits it into 700-byte pieces.
  signed.encapContentInfo.eContent =
    form === 'cms-chunked'
      ? new asn1js.OctetString({
          idBlock: { isConstructed: true },
          isConstructed: true,
          value: chunks(content, 700).map((c) => new asn1js.OctetString({ valueHex: c })),
        } as ConstructorParameters<typeof asn1js.OctetString>[0])
      : new asn1js.OctetString({ valueHex: content });
  const info = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) });
  const schema = info.toSchema();
  if (form === 'cms-ber') markIndefinite(schema);
  return Buffer.from(schema.toBER(false));
}

function chunks(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.slice(i, i + size));
  return out;
}

/** Indefinite-length form (30 80 … 00 00) on the outer constructed layers, as some tools write. */
function markIndefinite(block: asn1js.AsnType): void {
  const b = block as unknown as { lenBlock: { isIndefiniteForm: boolean }; valueBlock: { value?: asn1js.AsnType[] }; idBlock: { isConstructed: boolean } };
  if (!b.idBlock.isConstructed) return;
  b.lenBlock.isIndefiniteForm = true;
  const first = b.valueBlock.value ?? [];
  // ContentInfo → [0] → SignedData: mark the first two levels' constructed children too.
  for (const child of first) {
    const c = child as unknown as typeof b;
    if (c.idBlock.isConstructed && c.valueBlock.value && c.valueBlock.value.length <= 6) markIndefinite(child);
  }
}
