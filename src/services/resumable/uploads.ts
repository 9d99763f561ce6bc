// Resumable uploads as a use case: the finished tus upload is read from the shared store, streamed
// into the ordinary publish pipeline (same staging, inspection, checks, authorisation and records
// as a raw upload) and removed once the release exists. Any instance can publish an upload that
// any other instance received, because the bytes and their state live in the shared BlobStore.
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { authorize } from '../authz.js';
import type { Principal } from '../principal.js';
import type { PublishOptions, PublishResult, PublishService } from '../publish/publish.js';
import { BlobUploadStore, type UploadInfo } from './blob-upload-store.js';

export interface ResumableSettings {
  tmpDir: string;
  uploadTtlSeconds: number;
}

export class ResumableUploads {
  readonly store: BlobUploadStore;

  constructor(
    blobs: BlobStore,
    private readonly publisher: PublishService,
    settings: ResumableSettings,
  ) {
    this.store = new BlobUploadStore(blobs, {
      tmpDir: settings.tmpDir,
      expirationMs: settings.uploadTtlSeconds * 1000,
    });
  }

  get maxUploadBytes(): number {
    return this.publisher.maxUploadBytes;
  }

  /** The upload's state after checking that the principal may use it. */
  async access(principal: Principal, id: string): Promise<UploadInfo> {
    const info = await this.store.info(id);
    if (!info) throw new OtashipError('NOT_FOUND', `upload ${safeId(id)} does not exist (finished, cancelled or expired)`);
    authorize(principal, 'upload:use', { ownerTokenId: info.owner, label: `upload ${info.id}` });
    return info;
  }

  /** Publishes a finished upload and removes it; an unfinished one is refused with what is missing. */
  async publish(principal: Principal, id: string, options: PublishOptions = {}): Promise<PublishResult> {
    const info = await this.access(principal, id);
    if (info.size === null || info.offset !== info.size) {
      throw new OtashipError(
        'UPLOAD_INCOMPLETE',
        `upload ${info.id} holds ${info.offset} of ${info.size ?? 'an unknown number of'} bytes: finish it before publishing`,
      );
    }
    const filename = options.filename ?? info.metadata.filename ?? info.metadata.name ?? undefined;
    const publishOptions = { ...options, ...(filename ? { filename } : {}), expectedSize: info.size };
    // On fs storage the finished upload is one file: linked and renamed into the release, never
    // copied, and hashed while its PATCHes arrived (read back only when this instance could not
    // follow every PATCH: see running-digest.ts). Elsewhere its bytes stream through the ordinary
    // staging, which hashes them on the way.
    const sha256 = await this.store.finishedDigest(info);
    const local = await this.store.linkFinished(info);
    const result = local
      ? await this.publisher.publishLocalFile(principal, local, { ...publishOptions, ...(sha256 ? { sha256 } : {}) })
      : await this.publisher.publishStream(principal, this.store.read(info), publishOptions);
    // The release is recorded; a failed removal only leaves bytes the sweep will take later.
    await this.store.remove(info.id).catch(() => undefined);
    return result;
  }

  /** Removes expired uploads; returns how many. Every instance may run it: removals are idempotent. */
  sweep(): Promise<number> {
    return this.store.deleteExpired();
  }
}

function safeId(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '(invalid id)';
}
