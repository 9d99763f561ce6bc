// Content-Disposition with a safe ASCII fallback name and the exact name in RFC 5987/6266
// `filename*=UTF-8''…` form, so unicode and hostile names (quotes, slashes, CR/LF) can never break
// the header or suggest a path.
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim() || 'download';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  if (ascii === clean) return `${type}; filename="${ascii}"`;
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
