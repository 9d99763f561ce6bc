// Connects to a TLS server the way App Transport Security does (TLS 1.2+, ECDHE suites only) and,
// when that fails, the way an old client would, to tell "TLS 1.0 only" from "no forward secrecy"
// from "no TLS at all". Trust is verified against the system store plus --ca, exactly once per
// origin; the checks themselves are core/doctor/tls.ts.
import { X509Certificate as NodeX509 } from 'node:crypto';
import { connect, checkServerIdentity, rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { TlsFacts } from '../../core/doctor/index.js';
import { certFacts } from './cert-facts.js';
import { servername } from './http.js';

/** The suites App Transport Security accepts for TLS 1.2 (TLS 1.3 suites are all forward-secret). */
const ATS_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Connection errors that mean nothing listens there: no TLS to judge. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|no TLS handshake within/;

interface Handshake {
  protocol: string;
  cipher: string;
  authorizationError: string | null;
  chain: Buffer[];
  peer: DetailedPeerCertificate;
}

export async function probeTls(origin: string, options: { caPem: string | null; timeoutMs: number }): Promise<TlsFacts> {
  const u = new URL(origin);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  const ca = options.caPem ? [...rootCertificates, options.caPem] : undefined;
  const base = { host, port, servername: servername(u), ca, timeoutMs: options.timeoutMs };
  let ats: TlsFacts['ats'];
  let fallback: TlsFacts['fallback'] = null;
  let hs: Handshake | null;
  let reachable = true;
  try {
    // SECLEVEL 0: a weak certificate must not fail the handshake here; ATS's own rules judge it.
    hs = await handshake({ ...base, minVersion: 'TLSv1.2', ciphers: `${ATS_CIPHERS}:@SECLEVEL=0` });
    ats = { ok: true, protocol: hs.protocol, cipher: hs.cipher };
  } catch (err) {
    ats = { ok: false, error: (err as Error).message };
    try {
      hs = await handshake({ ...base, minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' });
      fallback = { protocol: hs.protocol, cipher: hs.cipher };
    } catch (second) {
      hs = null;
      reachable = !UNREACHABLE.test((second as Error).message);
    }
  }
  const chain = hs ? hs.chain.map(certFacts) : [];
  const caFacts = options.caPem ? certFacts(new NodeX509(options.caPem).raw) : null;
  const caIssuedChain = hs !== null && options.caPem !== null && issuedBy(hs.chain, options.caPem);
  return {
    host,
    port,
    reachable,
    ats,
    fallback,
    chain,
    trustError: hs ? hs.authorizationError : null,
    nameMatches: hs ? checkServerIdentity(host, hs.peer) === undefined : true,
    ca: caFacts,
    caIssuedChain,
  };
}

function issuedBy(chain: Buffer[], caPem: string): boolean {
  const ca = new NodeX509(caPem);
  return chain.some((der) => {
    const c = new NodeX509(der);
    return c.fingerprint256 === ca.fingerprint256 || (c.checkIssued(ca) && c.verify(ca.publicKey));
  });
}

function handshake(o: {
  host: string;
  port: number;
  servername: string | undefined;
  ca: string[] | undefined;
  minVersion: 'TLSv1' | 'TLSv1.2';
  ciphers: string;
  timeoutMs: number;
}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({
      host: o.host,
      port: o.port,
      ...(o.servername ? { servername: o.servername } : {}),
      ...(o.ca ? { ca: o.ca } : {}),
      minVersion: o.minVersion,
      ciphers: o.ciphers,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => done(new Error(`no TLS handshake within ${o.timeoutMs / 1000} s`)), o.timeoutMs);
    const done = (err: Error | null, value?: Handshake) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      const cipher = socket.getCipher();
      done(null, {
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: cipher.standardName ?? cipher.name,
        authorizationError: socket.authorized ? null : String(socket.authorizationError ?? 'UNTRUSTED'),
        chain: chainOf(peer),
        peer,
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(new Error(err.code === 'ECONNRESET' ? 'the server closed the connection during the handshake' : `${err.code ?? ''} ${err.message}`.trim())),
    );
  });
}

/** The peer's certificates, leaf first, each once (the last issuer points at itself). */
function chainOf(peer: DetailedPeerCertificate): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = peer;
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
    c = c.issuerCertificate;
  }
  return out;
}
