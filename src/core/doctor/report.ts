// The doctor's verdict: installable when no finding is an error. The exit codes follow it
// (0 installable, 1 not); an input that cannot be checked never gets this far (BAD_LINK, exit 2).
import type { Finding } from './findings.js';

export interface TlsSummary {
  origin: string;
  protocol: string | null;
  cipher: string | null;
  /** Days the server certificate has left. */
  daysLeft: number | null;
}

export interface PackageSummary {
  url: string;
  size: number | null;
  bundleId: string | null;
  version: string | null;
  build: string | null;
  profileType: string | null;
  /** Bytes of the package read to judge it (Range requests). */
  bytesRead: number;
}

export interface DoctorReport {
  input: string;
  installable: boolean;
  pageUrl: string | null;
  link: string | null;
  manifestUrl: string | null;
  package: PackageSummary | null;
  tls: TlsSummary[];
  /** HTTP requests made. */
  requests: number;
  findings: Finding[];
}

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function buildReport(parts: Omit<DoctorReport, 'installable' | 'findings'>, findings: Finding[]): DoctorReport {
  // Stable order: by severity, then in the order iOS meets them (the order found).
  const sorted = findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.i - b.i).map((x) => x.f);
  return { ...parts, installable: !findings.some((f) => f.severity === 'error'), findings: sorted };
}
