// Self-signed TLS for a server on a LAN: a local CA created once (the user installs and trusts it on
// each device) and a server certificate signed by it, renewed automatically when the machine's names
// change or it nears expiry. Renewing the leaf never needs the devices to do anything; replacing the CA
// would, so the CA is never replaced silently.
//
// The CA carries name constraints (names.ts, caScopeFor): it can vouch only for this server's names
// and local addresses, never for other websites. The leaf covers the names inside them; a name the
// server has gained since the CA was made (a new host name) is left out with a warning, and a
// public URL outside them stops the start with what to do. A CA made before constraints existed is
// kept (every device trusts it; replacing it would break them all at once) but each start warns and
// says how to replace it.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { TLS_DIR } from '../core/secret-locations.js';
import { caScopeOf, certificateNames, createCa, createLeaf, type PemPair } from './certificates.js';
import { caScopeFor, collectServerNames, sameNames, withinScope, type ServerNames } from './names.js';
import { ensureDir, joinPair, readIfExists, splitPair, writeAtomic, writeIfAbsent } from './pem-files.js';

export interface SelfSignedTlsOptions {
  /** The server's data directory; files go to `<dataDir>/tls/`. */
  dataDir: string;
  /** Extra host names or IPs to cover (e.g. the public URL's host; a full URL is accepted). */
  names?: readonly string[];
  /** Shown as the CA's and certificate's organisation. */
  organization?: string;
  /** Injectable for tests. */
  now?: Date;
  hostname?: string;
  interfaces?: ReturnType<typeof networkInterfaces>;
}

export interface SelfSignedTls {
  certPem: string;
  keyPem: string;
  caCertPem: string;
  /** SHA-256 fingerprint of the CA, colon-separated hex (as iOS shows it in the profile details). */
  caFingerprintSha256: string;
  /** Aliases of the fields above, for callers that use the short names. */
  cert: string;
  key: string;
  caCert: string;
  caFingerprint: string;
  /** Names the server certificate covers. */
  names: ServerNames;
  /** ISO 8601 expiry of the server certificate. */
  certExpiresAt: string;
  /** What this call did: created the CA, issued a new leaf, or reused both. */
  action: { ca: 'created' | 'reused'; leaf: 'issued' | 'reused' };
  /** Where the files are: ca.pem (CA key+cert, private), ca.crt (CA cert to share), server.pem. */
  paths: { dir: string; ca: string; caCert: string; server: string };
  /** What the operator should know (an unconstrained CA, names left out of the certificate). */
  warnings: string[];
}

/** Renew the server certificate when it has less than this left. */
export const LEAF_RENEW_BEFORE_DAYS = 30;
/** Refuse to keep using a CA this close to expiry: devices would stop trusting the server soon. */
const CA_RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function ensureSelfSignedTls(options: SelfSignedTlsOptions): Promise<SelfSignedTls> {
  const now = options.now ?? new Date();
  const organization = options.organization ?? 'otaship';
  const host = options.hostname ?? osHostname();
  const names = collectServerNames({
    hostname: host,
    interfaces: options.interfaces ?? networkInterfaces(),
    extra: options.names ?? [],
  });

  const dir = join(options.dataDir, TLS_DIR);
  const paths = { dir, ca: join(dir, 'ca.pem'), caCert: join(dir, 'ca.crt'), server: join(dir, 'server.pem') };
  try {
    await ensureDir(dir);
  } catch (err) {
    throw new OtashipError('CONFIG', `Cannot create the TLS folder ${dir}: ${(err as Error).message}`, { cause: err });
  }

  let caAction: 'created' | 'reused' = 'reused';
  let ca = await readCa(paths.ca, now);
  if (!ca) {
    const fresh = await createCa({ commonName: `otaship local CA (${host || 'server'})`, organization, now, scope: caScopeFor(names) });
    caAction = (await writeIfAbsent(paths.ca, joinPair(fresh), 0o600)) ? 'created' : 'reused';
    // Another instance may have won the race: always continue with what is on disk.
    ca = await readCa(paths.ca, now);
    if (!ca) throw new OtashipError('CONFIG', `The TLS CA file ${paths.ca} could not be written`);
  }
  await writeAtomic(paths.caCert, ca.certPem, 0o644);

  const warnings: string[] = [];
  const leafNames = namesWithinCa(ca.certPem, names, options.names ?? [], paths.ca, warnings);
  let leafAction: 'issued' | 'reused' = 'reused';
  let leaf = await readUsableLeaf(paths.server, ca, leafNames, now);
  if (!leaf) {
    leaf = await createLeaf({ ca, names: leafNames, organization, now });
    await writeAtomic(paths.server, joinPair(leaf), 0o600);
    leafAction = 'issued';
  }

  const caX509 = new X509Certificate(ca.certPem);
  const leafX509 = new X509Certificate(leaf.certPem);
  return {
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
    caCertPem: ca.certPem,
    caFingerprintSha256: caX509.fingerprint256,
    cert: leaf.certPem,
    key: leaf.keyPem,
    caCert: ca.certPem,
    caFingerprint: caX509.fingerprint256,
    names: leafNames,
    certExpiresAt: new Date(leafX509.validTo).toISOString(),
    action: { ca: caAction, leaf: leafAction },
    paths,
    warnings,
  };
}

/** The names the leaf may carry under this CA's name constraints (see the module comment). */
function namesWithinCa(caCertPem: string, names: ServerNames, required: readonly string[], caPath: string, warnings: string[]): ServerNames {
  const replace = `remove ${caPath} (and server.pem beside it), restart, then install the new CA profile from /ca on every device and remove the old one`;
  const scope = caScopeOf(caCertPem);
  if (!scope) {
    warnings.push(`the local CA in ${caPath} has no name constraints (made by an older otaship): a device that trusts it would trust a certificate it signs for ANY website. To replace it, ${replace}`);
    return names;
  }
  const { inside, outside } = withinScope(names, scope);
  const requiredNames = collectServerNames({ hostname: '', interfaces: {}, extra: required });
  const missing = withinScope(requiredNames, scope).outside;
  if (missing.length > 0) {
    throw new OtashipError('CONFIG', `the public URL's host ${missing.join(', ')} is outside the names the local CA in ${caPath} may sign for: to cover it, ${replace}`);
  }
  if (outside.length > 0) {
    warnings.push(`left out of the server certificate, outside the local CA's name constraints: ${outside.join(', ')}. To cover them, ${replace}`);
  }
  return inside;
}

/** The stored CA, null if none yet. A damaged or expiring CA is an error the operator must resolve. */
async function readCa(path: string, now: Date): Promise<PemPair | null> {
  const text = await readIfExists(path);
  if (text === null) return null;
  const pair = splitPair(text);
  const cert = pair ? parseCert(pair.certPem) : null;
  if (!pair || !cert || !cert.ca) {
    throw new OtashipError(
      'CONFIG',
      `The TLS CA file ${path} is damaged (expected one private key and one CA certificate); ` +
        'remove it to create a new CA, then install and trust the new CA profile on every device',
    );
  }
  if (Date.parse(cert.validTo) - now.getTime() < CA_RENEW_BEFORE_DAYS * DAY_MS) {
    throw new OtashipError(
      'CONFIG',
      `The TLS CA in ${path} expires on ${new Date(cert.validTo).toISOString()}; ` +
        'remove the file to create a new CA, then install and trust the new CA profile on every device',
    );
  }
  return pair;
}

/** The stored leaf if it is signed by this CA, covers exactly these names and has time left; else null. */
async function readUsableLeaf(path: string, ca: PemPair, names: ServerNames, now: Date): Promise<PemPair | null> {
  const text = await readIfExists(path);
  if (text === null) return null;
  const pair = splitPair(text);
  const cert = pair ? parseCert(pair.certPem) : null;
  if (!pair || !cert) return null;
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return null;
  if (!keyMatches(cert, pair.keyPem)) return null;
  if (Date.parse(cert.validTo) - now.getTime() < LEAF_RENEW_BEFORE_DAYS * DAY_MS) return null;
  if (Date.parse(cert.validFrom) > now.getTime()) return null;
  if (!sameNames(certificateNames(pair.certPem), names)) return null;
  return pair;
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function parseCert(pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}
