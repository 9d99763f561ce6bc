// What the probing layer (services/doctor) saw, as plain data: the checks in this folder are pure
// functions of these facts, so each can be tested from a literal and none touches the network.

/** One certificate, reduced to what App Transport Security judges. */
export interface CertFacts {
  subject: string;
  issuer: string;
  selfSigned: boolean;
  /** basicConstraints CA:TRUE. */
  isCa: boolean;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: string; // ISO 8601
  notAfter: string;
  keyType: 'RSA' | 'EC' | 'other';
  keyBits: number;
  /** Hash of the signature that signed this certificate, e.g. SHA-256, SHA-1. */
  signatureHash: string;
  /** Extended key usage includes serverAuth; null when the extension is absent (any use allowed). */
  serverAuth: boolean | null;
  /** caIssuers URLs from Authority Information Access: where the issuer's certificate is published. */
  caIssuers: string[];
}

export interface TlsFacts {
  host: string;
  port: number;
  /** False when nothing answered on the port at all (reported as unreachable, not as a TLS problem). */
  reachable: boolean;
  /** A connection as App Transport Security makes it (TLS ≥ 1.2, ECDHE suites only). */
  ats: { ok: true; protocol: string; cipher: string } | { ok: false; error: string };
  /** When the ATS connection failed: what a permissive connection negotiated, if anything. */
  fallback: { protocol: string; cipher: string } | null;
  /** The chain the server sent, leaf first (empty when no connection could be made). */
  chain: CertFacts[];
  /** Verified against the system store (and --ca): null when trusted, else OpenSSL's reason code. */
  trustError: string | null;
  /** The host name is in the leaf's SAN (or CN when there is no SAN, as older clients read it). */
  nameMatches: boolean;
  /** The certificate given with --ca, if any. */
  ca: CertFacts | null;
  /** The --ca certificate signed the last certificate of the chain (or is in it). */
  caIssuedChain: boolean;
}

/** One HTTP answer (after a request made by hand, redirects not followed). */
export interface HttpAnswer {
  url: string;
  status: number;
  headers: Record<string, string>;
}

/** A request followed through its redirects; `final` is the last answer. */
export interface HttpTrace {
  hops: HttpAnswer[];
  final: HttpAnswer;
  /** Body of the final answer, up to the request's byte cap (empty for HEAD or Range probes). */
  body: Buffer;
  /** The body was cut at the cap. */
  truncated: boolean;
}
