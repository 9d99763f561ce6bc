// openBlobStore(config): the one place that picks a storage adapter. The S3 adapter (and with it
// the AWS SDK) is imported only when configured, so the CLI and fs-only servers stay lean.
import { mkdir } from 'node:fs/promises';
import { OtashipError } from '../core/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { StorageConfig } from './config.js';
import { FsBlobStore } from './fs.js';
import { MemoryBlobStore } from './memory.js';

export async function openBlobStore(config: StorageConfig): Promise<BlobStore> {
  switch (config.kind) {
    case 'fs': {
      const store = new FsBlobStore(config.root);
      try {
        await mkdir(store.root, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new OtashipError('STORAGE', `cannot create the blob directory ${store.root}: ${(err as Error).message}`, { cause: err });
      }
      return store;
    }
    case 'memory':
      return new MemoryBlobStore();
    case 's3': {
      const { openS3BlobStore } = await import('./s3.js');
      return openS3BlobStore(config);
    }
    default:
      throw new OtashipError('CONFIG', `unknown storage kind ${JSON.stringify((config as { kind: unknown }).kind)} (OTASHIP_STORAGE: fs or s3)`);
  }
}
