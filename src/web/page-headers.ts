// Response headers for every HTML page. Pages carry signed links, so they are never stored by caches or
// indexed; the Content-Security-Policy allows only our own scripts and styles (no inline script anywhere),
// images from anywhere over http(s) (icons come from the configured public URL, which may differ from the
// origin an admin uses), and no framing.
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
});
