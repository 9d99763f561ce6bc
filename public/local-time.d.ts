// Types for public/local-time.js (plain ES module served to browsers, imported by the unit tests).
export const TIME_FORMATS: Record<string, Intl.DateTimeFormatOptions>;
export function localizeTimes(doc: ParentNode): void;
