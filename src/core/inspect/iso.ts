/** ISO 8601 UTC at seconds precision (2024-02-23T19:02:50Z), the one date format in results. */
export function isoSeconds(d: Date | null): string | null {
  if (!d || Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
