// S3 multipart uploads as the BlobStore's MultipartWrites: a resumable upload on S3 sends each part
// of the package once, as a part of the release's object, and the service assembles it at the end
// (CompleteMultipartUpload). Before, the parts were stored as objects of their own, then read back and
// written again into the release: three crossings of the network for every byte instead of one.
// lib-storage's Upload cannot do this (it wants the whole body in one process), hence the commands.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { OtashipError } from '../core/errors.js';
import type { BlobStat, MultipartWrites, StoredPart } from '../ports/blob-store.js';

/** S3's smallest part but the last, and most parts in one upload. */
export const S3_MIN_PART_SIZE = 5 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export interface S3MultipartTarget {
  client: S3Client;
  bucket: string;
  /** The store's key → the bucket's key (prefix, key checks). */
  objectKey(key: string): string;
  stat(key: string): Promise<BlobStat | null>;
  fail(action: string, key: string, err: unknown): OtashipError;
}

export class S3Multipart implements MultipartWrites {
  readonly minPartSize = S3_MIN_PART_SIZE;
  readonly maxParts = S3_MAX_PARTS;

  constructor(
    private readonly s3: S3MultipartTarget,
    /** As many as a put sends at once (the store's queueSize). */
    readonly concurrency: number,
  ) {}

  async begin(key: string, options: { contentType?: string } = {}): Promise<string> {
    const Key = this.s3.objectKey(key);
    try {
      const out = await this.s3.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.s3.bucket, Key, ...(options.contentType ? { ContentType: options.contentType } : {}) }),
      );
      if (!out.UploadId) throw new Error('the service answered without an UploadId');
      return out.UploadId;
    } catch (err) {
      throw this.s3.fail('start a multipart upload of', key, err);
    }
  }

  async uploadPart(key: string, writeId: string, partNumber: number, body: Readable, size: number): Promise<StoredPart> {
    const Key = this.s3.objectKey(key);
    checkPartNumber(partNumber);
    try {
      const out = await this.s3.client.send(
        new UploadPartCommand({ Bucket: this.s3.bucket, Key, UploadId: writeId, PartNumber: partNumber, Body: body, ContentLength: size }),
      );
      if (!out.ETag) throw new Error('the service answered without an ETag');
      return { partNumber, etag: out.ETag };
    } catch (err) {
      body.destroy();
      if (isGone(err)) throw gone(key, err);
      throw this.s3.fail(`store part ${partNumber} of`, key, err);
    }
  }

  async complete(key: string, writeId: string, parts: readonly StoredPart[]): Promise<BlobStat> {
    const Key = this.s3.objectKey(key);
    if (parts.length === 0) throw new OtashipError('VALIDATION', `a multipart write of ${key} needs at least one part`);
    parts.forEach((p, i) => {
      if (p.partNumber !== i + 1) throw new OtashipError('VALIDATION', `the parts of ${key} must be numbered 1 to ${parts.length} in order`);
    });
    try {
      await this.s3.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.s3.bucket,
          Key,
          UploadId: writeId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (err) {
      if (isGone(err)) throw gone(key, err);
      const name = (err as AwsError)?.name ?? (err as AwsError)?.Code;
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
        throw new OtashipError('CONFLICT', `the stored parts of ${key} are not the ones acknowledged (${name})`, { cause: err });
      }
      throw this.s3.fail('assemble the parts of', key, err);
    }
    const stat = await this.s3.stat(key);
    if (!stat) throw new OtashipError('STORAGE', `${key} is missing right after its parts were assembled`);
    return stat;
  }

  async abort(key: string, writeId: string): Promise<void> {
    const Key = this.s3.objectKey(key);
    try {
      await this.s3.client.send(new AbortMultipartUploadCommand({ Bucket: this.s3.bucket, Key, UploadId: writeId }));
    } catch (err) {
      if (isGone(err)) return;
      throw this.s3.fail('abort the multipart upload of', key, err);
    }
  }
}

function checkPartNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > S3_MAX_PARTS) {
    throw new OtashipError('VALIDATION', `part number ${n} is outside 1–${S3_MAX_PARTS}`);
  }
}

/** The multipart upload itself is gone; not any 404 (a missing bucket is a configuration fault). */
function isGone(err: unknown): boolean {
  const e = err as AwsError | undefined;
  return e?.name === 'NoSuchUpload' || e?.Code === 'NoSuchUpload';
}

function gone(key: string, err: unknown): OtashipError {
  return new OtashipError('NOT_FOUND', `the multipart upload of ${key} no longer exists at the storage service (completed, aborted, or removed by a lifecycle rule): start the upload again`, {
    cause: err,
  });
}
