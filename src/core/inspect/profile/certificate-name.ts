// A certificate's subject as people read it: attribute values decoded to text (UTF-8), not in the
// escaped RFC 4514 form OpenSSL prints (`Example Co.\, Ltd`, `\E5\B8\85`), which is what
// X509Certificate.subject holds. Node's own parser decodes the values in toLegacyObject(); we use that
// rather than @peculiar/x509, whose load (tsyringe, reflect-metadata, the ASN.1 schemas) costs
// ~200 ms, more than a whole `otaship inspect` run.
import type { X509Certificate } from 'node:crypto';

export interface CertificateName {
  /** "CN=…, O=…, C=…" with decoded values, in the certificate's order; for display, not for parsing. */
  subject: string;
  commonName: string | null;
}

export function certificateName(cert: X509Certificate): CertificateName {
  const attributes = (cert.toLegacyObject().subject ?? {}) as unknown as Record<string, string | string[] | undefined>;
  const parts: string[] = [];
  let commonName: string | null = null;
  for (const [type, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (type === 'CN' && values.length > 0) commonName = values[0] ?? null;
    for (const v of values) parts.push(`${type}=${v}`);
  }
  return { subject: parts.join(', '), commonName };
}
