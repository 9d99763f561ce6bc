// Resumable uploads as a use case: the finished tus upload is read from the shared store, streamed
// into the ordinary publish pipeline (same staging, inspection, checks, authorisation and records
// as a raw upload) and removed once the release exists. Any instance can publish an upload that
// any other instance received, because the bytes and their state live in the shared BlobStore.
// Requests on one upload take turns through a lease in the database (upload-lock.ts), and each
// token may hold a limited number (and volume) of unfinished uploads, booked at creation.
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import type { UploadLockRepository } from '../../ports/repositories.js';
import { authorize } from '../authz.js';
import type { Principal } from '../principal.js';
import type { PublishOptions, PublishResult, PublishService } from '../publish/publish.js';
import { rm } from 'node:fs/promises';
import { BlobUploadStore, type UploadInfo } from './blob-upload-store.js';
import { UploadLeases, type UploadLeaseOptions } from './upload-lock.js';

export interface ResumableSettings {
  tmpDir: string;
  uploadTtlSeconds: number;
  /** Per token: unfinished uploads, and their declared bytes (see Config). */
  uploadQuotaCount: number;
  uploadQuotaBytes: number;
  leases?: UploadLeaseOptions;
}

export class ResumableUploads {
  readonly store: BlobUploadStore;
  /** The cross-instance write lock (the tus server's locker). */
  readonly leases: UploadLeases;

  constructor(
    blobs: BlobStore,
    private readonly publisher: PublishService,
    private readonly records: UploadLockRepository,
    private readonly settings: ResumableSettings,
  ) {
    this.leases = new UploadLeases(records, settings.leases);
    this.store = new BlobUploadStore(blobs, {
      tmpDir: settings.tmpDir,
      expirationMs: settings.uploadTtlSeconds * 1000,
      records,
      leaseOf: (id) => this.leases.guardOf(id),
      planPackage: (metadata) =>
        publisher.planPackage({
          ...(metadata.filename ?? metadata.name ? { filename: (metadata.filename ?? metadata.name)! } : {}),
          ...(metadata.filetype ?? metadata.type ? { contentType: (metadata.filetype ?? metadata.type)! } : {}),
        }),
      maxUploadBytes: publisher.maxUploadBytes,
    });
  }

  /**
   * Books a new upload for the principal, or refuses it when the token's unfinished uploads would
   * go over the quota. Booked first, then counted: uploads created at the same moment cannot all
   * slip under the limit (at worst they are all refused, and the client tries again).
   */
  async reserve(principal: Principal, id: string, size: number | null): Promise<void> {
    const { uploadQuotaCount, uploadQuotaBytes, uploadTtlSeconds } = this.settings;
    // A deferred length books the most it may become until it is declared.
    await this.records.register({ uploadId: id, ownerTokenId: principal.tokenId, size: size ?? this.maxUploadBytes, createdAt: new Date() });
    const usage = await this.records.usage(principal.tokenId);
    const what =
      usage.count > uploadQuotaCount
        ? `${usage.count - 1} unfinished uploads, the most one token may hold (OTASHIP_UPLOAD_QUOTA_COUNT = ${uploadQuotaCount})`
        : usage.bytes > uploadQuotaBytes
          ? `unfinished uploads of ${usage.bytes - (size ?? this.maxUploadBytes)} bytes; with this one's ${size ?? this.maxUploadBytes} they would exceed the ${uploadQuotaBytes} bytes one token may hold (OTASHIP_UPLOAD_QUOTA_BYTES)`
          : null;
    if (what === null) return;
    await this.records.remove(id);
    throw new OtashipError(
      'QUOTA_EXCEEDED',
      `this token already has ${what}: publish or cancel (DELETE /api/v1/uploads/<id>) its unfinished uploads, or wait for them to expire (${Math.round(uploadTtlSeconds / 3600)}h after they were started)`,
    );
  }

  /** Drops the booking of an upload that was not created after all. */
  async unreserve(id: string): Promise<void> {
    if (!(await this.store.info(id))) await this.records.remove(id);
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

  /**
   * Refuses a principal that may not use the upload, reading only who created it (every tus request
   * asks; its chain of parts is read under the lease, where it counts).
   */
  async authorizeUse(principal: Principal, id: string): Promise<void> {
    const owner = await this.store.owner(id);
    if (owner === null) throw new OtashipError('NOT_FOUND', `upload ${safeId(id)} does not exist (finished, cancelled or expired)`);
    authorize(principal, 'upload:use', { ownerTokenId: owner, label: `upload ${id}` });
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
    if (info.layout === 'multipart') return this.#publishMultipart(principal, info, publishOptions);
    // On fs storage the finished upload is one file: linked and renamed into the release, never
    // copied, and hashed while its PATCHes arrived (read back only when this instance could not
    // follow every PATCH: see running-digest.ts). Elsewhere its bytes stream through the ordinary
    // staging, which hashes them on the way. The whole publish holds the upload's write lease: no
    // PATCH writes meanwhile, the file is sealed (no write can open it again), and two publishes of
    // one upload take turns, the second finding it gone.
    return this.leases.withLease(info.id, async () => {
      const now = await this.access(principal, id);
      if (now.offset !== info.offset) throw new OtashipError('CONFLICT', `upload ${info.id} changed while it was being published: publish it again`);
      const sha256 = await this.store.finishedDigest(now);
      const local = await this.store.linkFinished(now);
      const published = local
        ? await this.publisher.publishLocalFile(principal, local, { ...publishOptions, ...(sha256 ? { sha256 } : {}) })
        : await this.publisher.publishStream(principal, this.store.read(now), publishOptions);
      // The release is recorded; a failed removal only leaves bytes the sweep will take later.
      await this.store.remove(info.id).catch(() => undefined);
      return published;
    });
  }

  /**
   * The multipart layout (S3): the store assembles the package from the parts the PATCHes sent,
   * under the key of the release it becomes, so publishing moves no package bytes to the store; the
   * instance that received every PATCH inspects its own copy, another reads the package back once.
   * The whole publish holds the upload's lease: two publishes of one upload cannot both record it.
   */
  async #publishMultipart(principal: Principal, info: UploadInfo, options: PublishOptions & { expectedSize: number }): Promise<PublishResult> {
    if (info.size === 0) throw new OtashipError('VALIDATION', 'the upload is empty: send the package bytes');
    return this.leases.withLease(info.id, async () => {
      const now = await this.access(principal, info.id);
      if (now.offset !== info.offset) throw new OtashipError('CONFLICT', `upload ${info.id} changed while it was being published: publish it again`);
      const releaseId = now.multipart?.releaseId;
      if (!releaseId) throw new OtashipError('INTERNAL', `upload ${info.id} has no planned release`);
      if (await this.publisher.releaseExists(releaseId)) {
        // Published before by a request whose clean-up did not happen: finish that, answer as a replay would.
        await this.store.remove(info.id).catch(() => undefined);
        throw new OtashipError('CONFLICT', `upload ${info.id} was published already, as release ${releaseId}`);
      }
      const local = await this.store.takeShadow(now);
      await this.publisher.expectBlobs(releaseId);
      let target;
      try {
        target = await this.store.assemble(now);
      } catch (err) {
        if (local) await rm(local.path, { force: true });
        // Assembled for a publish long ago, and swept since: the upload is of no use any more.
        if (now.assembled && err instanceof OtashipError && err.code === 'NOT_FOUND') await this.store.remove(info.id).catch(() => undefined);
        throw err;
      }
      const published = await this.publisher.publishStored(
        principal,
        {
          releaseId,
          key: target.key,
          size: now.size!,
          local,
          stillOurs: () => {
            try {
              this.leases.guardOf(info.id)?.check();
            } catch (err) {
              throw new OtashipError('CONFLICT', `another request took upload ${info.id} over while it was being published: publish it again`, { cause: err });
            }
          },
        },
        options,
      );
      // The release holds the package now; the upload's own records go (the package stays).
      await this.store.remove(info.id).catch(() => undefined);
      return published;
    });
  }

  /** Removes expired uploads; returns how many. Every instance may run it: removals are idempotent. */
  sweep(): Promise<number> {
    return this.store.deleteExpired();
  }
}

function safeId(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '(invalid id)';
}
