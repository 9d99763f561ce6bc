// The package as the install daemon downloads it: 200 (or a redirect to one) with no cookies, an
// honest Content-Length, no Content-Encoding, Range answered with a real 206 and If-Range honoured
// (the daemon resumes interrupted downloads), and a presigned URL that outlives a slow download.
import type { HttpAnswer, HttpTrace } from './facts.js';
import { finding, type Finding } from './findings.js';
import { presignedExpiry, slowDownloadSeconds } from './presigned.js';

/** What the probing layer asked the package URL. */
export interface PackageProbe {
  /** GET with Range: bytes=0-N, redirects followed. */
  range: HttpTrace;
  /** Headers of a plain GET of the final URL (the body is not read). */
  plain: HttpAnswer | null;
  /** Range GET with If-Range naming an ETag the file does not have: must answer 200. */
  staleIfRange: HttpAnswer | null;
}

const PACKAGE_TYPES = /^(application\/octet-stream|binary\/octet-stream|application\/x-itunes-ipa|application\/x-ios-app|application\/zip)\b/i;

/** The package's size from a Range or plain answer; null when neither says. */
export function packageSize(p: PackageProbe): number | null {
  const range = p.range.final;
  const total = /\/(\d+)\s*$/.exec(range.headers['content-range'] ?? '');
  if (range.status === 206 && total) return Number(total[1]);
  const length = (p.plain ?? (range.status === 200 ? range : null))?.headers['content-length'];
  return length && /^\d+$/.test(length) ? Number(length) : null;
}

export function checkPackageHttp(p: PackageProbe, now: number): Finding[] {
  const url = p.range.hops[0]?.url ?? p.range.final.url;
  const out: Finding[] = [];
  const status = p.range.final.status;
  if (status !== 200 && status !== 206) {
    out.push(finding('PACKAGE_STATUS', 'package', url, `The package URL answers ${status} to a request without cookies${p.range.hops.length > 1 ? ` (at ${p.range.final.url})` : ''}`));
    out.push(...presigned(p, null, now, url));
    return out;
  }
  const size = packageSize(p);
  const plain = p.plain ?? (status === 200 ? p.range.final : null);
  if (status === 200) {
    out.push(finding('PACKAGE_NO_RANGES', 'package', url, 'A Range request was answered with the whole file (200), not 206'));
  } else if (plain && !/\bbytes\b/i.test(plain.headers['accept-ranges'] ?? '')) {
    out.push(finding('PACKAGE_NO_RANGES', 'package', url, 'Range requests work (206) but the package is served without Accept-Ranges: bytes', 'info'));
  }
  if (plain) {
    const length = plain.headers['content-length'];
    if (!length) out.push(finding('PACKAGE_NO_LENGTH', 'package', url, 'The package is served without Content-Length'));
    else if (size !== null && Number(length) !== size) {
      out.push(finding('PACKAGE_LENGTH_MISMATCH', 'package', url, `Content-Length says ${length} bytes but Content-Range says the file has ${size}`));
    }
    const encoding = plain.headers['content-encoding'];
    if (encoding && encoding !== 'identity') out.push(finding('PACKAGE_COMPRESSED', 'package', url, `The package is served with Content-Encoding: ${encoding}`));
    const type = plain.headers['content-type'] ?? '';
    if (!PACKAGE_TYPES.test(type)) out.push(finding('PACKAGE_CONTENT_TYPE', 'package', url, `The package is served as ${type || 'no Content-Type'}, not application/octet-stream`));
    if (!plain.headers['etag'] && !plain.headers['last-modified']) out.push(finding('PACKAGE_NO_ETAG', 'package', url, 'The package is served without ETag or Last-Modified'));
  }
  if (p.staleIfRange?.status === 206) {
    out.push(finding('PACKAGE_IF_RANGE_IGNORED', 'package', url, 'A Range request with an If-Range naming another version of the file was answered with 206 instead of the whole file'));
  }
  out.push(...presigned(p, size, now, url));
  return out;
}

/** Each presigned URL on the way (the link's own or a redirect's target) against the download time. */
function presigned(p: PackageProbe, size: number | null, now: number, url: string): Finding[] {
  const out: Finding[] = [];
  for (const hop of p.range.hops) {
    const expiry = presignedExpiry(hop.url);
    if (expiry === null) continue;
    const left = Math.floor(expiry - now / 1000);
    const needed = size === null ? null : slowDownloadSeconds(size);
    if (left <= 0) out.push(finding('PRESIGNED_EXPIRED', 'package', url, `The signed URL ${short(hop.url)} expired ${-left} s ago`));
    else if (needed !== null && left < needed) {
      out.push(
        finding('PRESIGNED_TOO_SHORT', 'package', url, `The signed URL ${short(hop.url)} expires in ${left} s, but ${size} bytes take about ${needed} s on a slow (8 Mbit/s) phone connection`),
      );
    }
  }
  return out;
}

function short(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
