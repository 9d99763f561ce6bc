// PLACEHOLDER until the S3 adapter lands (same session): refuses clearly instead of failing oddly.
import { OtashipError } from '../core/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { S3StorageConfig } from './config.js';

export async function openS3BlobStore(_config: S3StorageConfig): Promise<BlobStore> {
  throw new OtashipError('CONFIG', 'S3 storage is not available in this build yet (OTASHIP_STORAGE=s3)');
}
