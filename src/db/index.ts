export { openRepositories, parseDatabaseUrl, redact } from './open.js';
export type { DatabaseTarget } from './open.js';
export { newId } from './ids.js';
export { withRecordCache } from './record-cache.js';
