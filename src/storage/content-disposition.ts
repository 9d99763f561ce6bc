// Content-Disposition for downloads with any filename: an ASCII fallback for old clients plus the
// RFC 6266/5987 `filename*` form that carries the real UTF-8 name. Quotes, backslashes and control
// characters never reach the header.
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_').trim() || 'download';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
