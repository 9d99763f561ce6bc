export { openRepositories, parseDatabaseUrl, redact } from './open.js';
export type { DatabaseTarget } from './open.js';
export { newId } from './ids.js';
export { withRecordCache, RECORD_CACHE_TTL_MS } from './record-cache.js';
