export { openBlobStore } from './open.js';
export { parseStorageSpec, describeStorage } from './config.js';
export type { StorageConfig, FsStorageConfig, MemoryStorageConfig, S3StorageConfig, S3ChecksumMode } from './config.js';
export { assertValidKey } from './keys.js';
export { migrateBlobs } from './migrate.js';
export type { MigrateOptions, MigrateSummary, MigrateEvent } from './migrate.js';
