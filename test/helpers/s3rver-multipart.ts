// Gives s3rver (our local S3 double) the multipart behaviour of S3 that it lacks, so code that is
// right on S3 is not made to look wrong (or right) by the double:
// - AbortMultipartUpload (DELETE /<bucket>/<key>?uploadId=…): s3rver answers 405; S3 drops the
//   upload's parts and answers 204, or 404 NoSuchUpload for an upload that does not exist.
// - UploadPart and CompleteMultipartUpload of an upload that does not exist (aborted, or completed
//   already): s3rver fails with a 500 InternalError or stores the part anyway; S3 answers 404
//   NoSuchUpload.
// S3 also checks at completion that each part's ETag is the one of the part it holds; s3rver does
// not, and neither does this (tests that depend on it need a real S3).
import { stat, rm } from 'node:fs/promises';
import { join } from 'node:path';

interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putPart(bucket: string, uploadId: string, ...rest: unknown[]): Promise<unknown>;
  putObjectMultipart(bucket: string, uploadId: string, ...rest: unknown[]): Promise<unknown>;
}

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}

export interface S3rverApp {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void>;
}

type S3ErrorCtor = new (code: string, message?: string) => Error;

let patched: Promise<void> | null = null;

/** Patches s3rver's store, once per process (see the module comment). */
export function patchS3rverMultipart(): Promise<void> {
  return (patched ??= patch());
}

async function patch(): Promise<void> {
  // s3rver ships no type declarations; the shapes used are declared above.
  const storeModule = 's3rver/lib/stores/filesystem.js';
  const errorModule = 's3rver/lib/models/error.js';
  const { default: Store } = (await import(storeModule)) as { default: { prototype: FilesystemStore } };
  const { default: S3Error } = (await import(errorModule)) as { default: S3ErrorCtor };
  const { putPart, putObjectMultipart } = Store.prototype;
  const mustExist = async (store: FilesystemStore, bucket: string, uploadId: string) => {
    if (!(await stat(join(uploadDir(store, bucket, uploadId), 'key')).catch(() => null))) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
    }
  };
  Store.prototype.putPart = async function (this: FilesystemStore, bucket, uploadId, ...rest) {
    await mustExist(this, bucket, uploadId);
    return putPart.call(this, bucket, uploadId, ...rest);
  };
  Store.prototype.putObjectMultipart = async function (this: FilesystemStore, bucket, uploadId, ...rest) {
    await mustExist(this, bucket, uploadId);
    return putObjectMultipart.call(this, bucket, uploadId, ...rest);
  };
}

function uploadDir(store: FilesystemStore, bucket: string, uploadId: string): string {
  if (!/^[0-9a-f]+$/.test(uploadId)) return join(store.getResourcePath(bucket, undefined, 'uploads'), 'invalid');
  return join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
}

/** Answers AbortMultipartUpload ahead of s3rver's routes (path-style requests, as our tests make). */
export function addAbortMultipartUpload(app: S3rverApp, store: unknown): void {
  app.middleware.unshift(async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    const bucket = ctx.path.split('/')[1] ?? '';
    const dir = uploadDir(store as FilesystemStore, bucket, uploadId);
    if (!(await stat(join(dir, 'key')).catch(() => null))) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
      return;
    }
    await rm(dir, { recursive: true, force: true });
    ctx.status = 204;
    ctx.body = null;
  });
}
