// Blob store on Amazon S3 or an S3-compatible service (MinIO, R2, Ceph, s3rver). Uploads stream
// through @aws-sdk/lib-storage's multipart Upload, so memory stays near partSize × (queueSize + 1)
// whatever the package size; the object only appears when the upload completes, which makes a put
// atomic for readers. This module is imported lazily by open.ts: the AWS SDK loads only when used.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable, addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OtashipError } from '../core/errors.js';
import type { BlobRange, BlobStat, BlobStore, MultipartWrites, PresignOptions, PutOptions } from '../ports/blob-store.js';
import type { S3StorageConfig } from './config.js';
import { attachmentDisposition } from './content-disposition.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { MeasureStream } from './measure.js';
import { sliceStream } from './slice-stream.js';
import { S3Multipart } from './s3-multipart.js';

const MIB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * MIB;
const MAX_PARTS = 10_000;
/** S3 caps presigned URLs (SigV4) at 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(err: unknown): number | undefined {
  return (err as AwsError | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const e = err as AwsError | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || statusOf(err) === 404;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted', 'AbortError');
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly capabilities = { presign: true } as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  readonly multipart: MultipartWrites;

  constructor(config: S3StorageConfig) {
    if (!config.bucket) throw new OtashipError('CONFIG', 'S3 storage needs a bucket (OTASHIP_S3_BUCKET)');
    const prefix = config.prefix ?? '';
    assertValidPrefix(prefix);
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.bucket = config.bucket;
    this.partSize = Math.max(config.partSize ?? DEFAULT_PART_SIZE, DEFAULT_PART_SIZE);
    this.queueSize = Math.max(1, Math.min(config.queueSize ?? 2, 8));
    const checksum = config.checksum === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    const clientConfig: S3ClientConfig = {
      // Region is required by the SDK even where S3-compatible services ignore it.
      region: config.region ?? 'us-east-1',
      forcePathStyle: config.forcePathStyle ?? false,
      // WHEN_REQUIRED by default: with flexible checksums on, streamed puts are sent aws-chunked and
      // several S3-compatible servers store that framing inside the object (ota-notes §8).
      requestChecksumCalculation: checksum,
      responseChecksumValidation: checksum,
      // Without these an endpoint that takes the connection and then answers nothing (a paused or
      // overloaded service, a half-dead proxy) holds requests, server start and backups for ever.
      // The idle bound is generous: a download paused by a slow phone idles the S3 socket too, and
      // OTASHIP_DOWNLOAD_IDLE_TIMEOUT (120 s) cuts a stalled phone first.
      requestHandler: { connectionTimeout: config.connectionTimeoutMs ?? 10_000, socketTimeout: config.socketTimeoutMs ?? 150_000 },
    };
    if (config.endpoint) clientConfig.endpoint = config.endpoint;
    if (config.accessKeyId || config.secretAccessKey) {
      if (!config.accessKeyId || !config.secretAccessKey) {
        throw new OtashipError('CONFIG', 'S3 credentials need both an access key id and a secret (OTASHIP_S3_ACCESS_KEY_ID, OTASHIP_S3_SECRET_ACCESS_KEY)');
      }
      clientConfig.credentials = {
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
        ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
      };
    }
    this.client = new S3Client(clientConfig);
    this.multipart = new S3Multipart({
      client: this.client,
      bucket: this.bucket,
      objectKey: (key) => this.objectKey(key),
      stat: (key) => this.stat(key),
      fail: (action, key, err) => this.fail(action, key, err),
    }, this.queueSize);
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  private fail(action: string, key: string, err: unknown): OtashipError {
    const e = err as AwsError;
    const detail = [e?.name, e?.message].filter(Boolean).join(': ') || String(err);
    return new OtashipError('STORAGE', `cannot ${action} s3://${this.bucket}/${this.prefix}${key}: ${detail}`, { cause: err });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<BlobStat> {
    const objectKey = this.objectKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    const measure = new MeasureStream(key, options.size, options.sha256);
    // The first failure seen on our side of the upload (the caller's body, a size or hash mismatch)
    // is what the caller must hear about, not the SDK's follow-up error.
    let sourceError: unknown;
    const remember = (err: unknown) => {
      sourceError ??= err;
    };
    body.once('error', remember);
    measure.once('error', remember);
    const feeding = pipeline(body, measure).catch(remember);

    // Keep the part count under S3's 10,000 limit for known large sizes.
    const partSize =
      options.size !== undefined ? Math.max(this.partSize, Math.ceil(options.size / (MAX_PARTS - 1))) : this.partSize;
    const controller = new AbortController();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: measure,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
        ...(options.sha256 ? { Metadata: { sha256: options.sha256 } } : {}),
      },
      partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
      abortController: controller,
    });
    const onAbort = () => {
      controller.abort();
      body.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
      await feeding;
      if (sourceError) throw sourceError;
    } catch (err) {
      body.destroy();
      measure.destroy();
      await feeding;
      if (signal?.aborted) throw abortError(signal);
      if (sourceError) throw sourceError;
      throw this.fail('upload', key, err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const stat = await this.stat(key);
    if (!stat) throw new OtashipError('STORAGE', `s3://${this.bucket}/${objectKey} is missing right after its upload`);
    return { ...stat, sha256: measure.sha256 ?? '' };
  }

  async stat(key: string): Promise<BlobStat | null> {
    const objectKey = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      const out: BlobStat = {
        size: head.ContentLength ?? 0,
        etag: head.ETag ?? `"s3-${head.ContentLength ?? 0}-${head.LastModified?.getTime() ?? 0}"`,
        lastModified: head.LastModified ?? new Date(0),
      };
      if (head.ContentType) out.contentType = head.ContentType;
      const sha256 = head.Metadata?.sha256;
      if (sha256 && /^[0-9a-f]{64}$/.test(sha256)) out.sha256 = sha256;
      return out;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.fail('stat', key, err);
    }
  }

  async get(key: string, range?: BlobRange, signal?: AbortSignal): Promise<Readable> {
    const objectKey = this.objectKey(key);
    signal?.throwIfAborted();
    if (range && (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start)) {
      throw new OtashipError('VALIDATION', `byte range ${range.start}-${range.end} is not valid for blob ${key}`);
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
      if (!(res.Body instanceof Readable)) throw new OtashipError('STORAGE', `S3 returned no stream body for ${key}`);
      let stream: Readable = res.Body;
      if (range) stream = this.exactRange(key, stream, range, res.ContentRange, res.ContentLength);
      return signal ? addAbortSignal(signal, stream) : stream;
    } catch (err) {
      if (err instanceof OtashipError) throw err;
      if (signal?.aborted) throw abortError(signal);
      if (isNotFound(err)) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
      if (statusOf(err) === 416 || (err as AwsError)?.name === 'InvalidRange') {
        throw new OtashipError('VALIDATION', `byte range ${range?.start}-${range?.end} is outside blob ${key}`);
      }
      throw this.fail('read', key, err);
    }
  }

  /**
   * Checks the Content-Range the server answered with. A server that sent more than asked for (a
   * wider range, or the whole object) is trimmed to the asked range; one that sent less fails.
   */
  private exactRange(key: string, stream: Readable, range: BlobRange, contentRange: string | undefined, length: number | undefined): Readable {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
    const served = m ? { start: Number(m[1]), end: Number(m[2]) } : { start: 0, end: (length ?? 0) - 1 };
    const total = m && m[3] !== '*' ? Number(m[3]) : undefined;
    const wantEnd = total !== undefined ? Math.min(range.end, total - 1) : range.end;
    if (served.start === range.start && served.end === wantEnd) return stream;
    if (served.start > range.start || served.end < wantEnd) {
      stream.destroy();
      throw new OtashipError('STORAGE', `S3 served bytes ${served.start}-${served.end} of ${key} for the range ${range.start}-${range.end}`);
    }
    const slice = sliceStream(range.start - served.start, wantEnd - served.start);
    stream.on('error', (err) => slice.destroy(err));
    slice.on('close', () => stream.destroy());
    return stream.pipe(slice);
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.fail('delete', key, err);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
      } catch (err) {
        throw this.fail('list', prefix, err);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.prefix)) yield object.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Aborts multipart uploads under this store's prefix started before `olderThan`: a process that
   * died mid-put() leaves its parts stored (and billed) but invisible to list(). Uploads of live
   * puts are younger than any sensible cutoff.
   */
  async sweepTemporary(olderThan: Date, options: { dryRun?: boolean } = {}): Promise<number> {
    let count = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            ...(this.prefix ? { Prefix: this.prefix } : {}),
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
        );
      } catch (err) {
        if ((err as AwsError)?.name === 'NotImplemented' || (err as AwsError)?.Code === 'NotImplemented') {
          throw new OtashipError(
            'STORAGE',
            `this S3 service cannot list unfinished multipart uploads (ListMultipartUploads) of s3://${this.bucket}/${this.prefix}: ` +
              'set a lifecycle rule that aborts incomplete multipart uploads on the bucket instead',
            { cause: err },
          );
        }
        throw this.fail('list unfinished uploads under', '', err);
      }
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= olderThan) continue;
        if (!options.dryRun) {
          try {
            await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }));
          } catch (err) {
            if (!isNotFound(err)) throw this.fail('abort the unfinished upload of', upload.Key.slice(this.prefix.length), err);
          }
        }
        count++;
      }
      if (!page.IsTruncated) return count;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  async presignGet(key: string, options: PresignOptions): Promise<string> {
    const objectKey = this.objectKey(key);
    const expiresIn = Math.floor(options.expiresInSeconds);
    if (!Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
      throw new OtashipError('CONFIG', `presigned URL lifetime ${options.expiresInSeconds}s must be between 1 second and 7 days (OTASHIP_PRESIGN_TTL)`);
    }
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: objectKey,
      ...(options.filename ? { ResponseContentDisposition: attachmentDisposition(options.filename) } : {}),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

export async function openS3BlobStore(config: S3StorageConfig): Promise<BlobStore> {
  return new S3BlobStore(config);
}
