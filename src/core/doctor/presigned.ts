// Presigned object-storage URLs (S3 SigV4 X-Amz-Date + X-Amz-Expires, SigV2 / CloudFront Expires)
// stop working at their expiry, and a download in progress stops with them. The doctor compares
// what is left of the URL's life with the time the package takes on a slow phone connection.

/** A slow but common mobile download rate (8 Mbit/s): the doctor plans for it, not for loopback. */
export const SLOW_PHONE_BYTES_PER_SECOND = 1024 * 1024;

/** Seconds-since-epoch expiry of a presigned URL, or null when the URL is not presigned. */
export function presignedExpiry(url: string): number | null {
  let q: URLSearchParams;
  try {
    q = new URL(url).searchParams;
  } catch {
    return null;
  }
  const amzDate = q.get('X-Amz-Date');
  const amzExpires = q.get('X-Amz-Expires');
  if (amzDate && amzExpires && /^\d{8}T\d{6}Z$/.test(amzDate) && /^\d+$/.test(amzExpires)) {
    const d = amzDate;
    const start = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15));
    return start / 1000 + Number(amzExpires);
  }
  const expires = q.get('Expires');
  if (expires && /^\d{9,11}$/.test(expires)) return Number(expires);
  return null;
}

/** Seconds a download of `bytes` takes at the slow phone rate. */
export function slowDownloadSeconds(bytes: number): number {
  return Math.ceil(bytes / SLOW_PHONE_BYTES_PER_SECOND);
}
