// One tus upload of a file with tus-js-client. Each PATCH body is a fresh ranged read stream over the
// file (file-slices.ts, given to tus-js-client as its fileReader), which its Node HTTP stack pipes
// into the request: memory stays flat whatever the file size, so no hand-written tus client is
// needed. Its HTTP stack takes node:https options, which carries a private CA.
import { createReadStream } from 'node:fs';
import { DefaultHttpStack, DetailedError, Upload } from 'tus-js-client';
import { OtashipError } from '../core/errors.js';
import { apiError, networkError } from './errors.js';
import { fileSliceReader } from './file-slices.js';

export interface TusUploadOptions {
  /** Creation endpoint, e.g. https://ota.example.com/api/v1/uploads */
  endpoint: string;
  /** Continue this upload instead of creating one (a stale URL falls back to a new upload). */
  uploadUrl?: string | null;
  path: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  ca?: string;
  chunkSize: number;
  signal?: AbortSignal;
  onProgress?: (sent: number, total: number) => void;
  /** Called once the server has given the upload its URL (so it can be saved for resuming). */
  onUploadUrl?: (url: string) => void;
}

/** Resolves with the upload URL once every byte is on the server. */
export function tusUpload(o: TusUploadOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(cancelled(o.endpoint));
      return;
    }
    let upload: Upload | null = null;
    const onAbort = () => {
      void upload?.abort(false);
      reject(cancelled(o.endpoint));
    };
    upload = new Upload(createReadStream(o.path), {
      fileReader: fileSliceReader,
      endpoint: o.endpoint,
      uploadUrl: o.uploadUrl ?? null,
      chunkSize: o.chunkSize,
      // Network blips are retried; a refusal (4xx other than 409/423) is not.
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: o.metadata,
      headers: o.headers,
      httpStack: new DefaultHttpStack(o.ca ? { ca: o.ca } : {}),
      // Resume state is ours (resume-state.ts): keyed the way the brief of `otaship publish` says.
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      onProgress: (sent, total) => o.onProgress?.(sent, total),
      onUploadUrlAvailable: () => {
        if (upload?.url) o.onUploadUrl?.(upload.url);
      },
      onSuccess: () => {
        o.signal?.removeEventListener('abort', onAbort);
        resolve(upload?.url ?? '');
      },
      onError: (err) => {
        o.signal?.removeEventListener('abort', onAbort);
        reject(toOtashipError(err, o.endpoint));
      },
    });
    o.signal?.addEventListener('abort', onAbort, { once: true });
    upload.start();
  });
}

function cancelled(endpoint: string): OtashipError {
  return new OtashipError('UPLOAD_INCOMPLETE', `The upload to ${new URL(endpoint).origin} was cancelled; run the same command again to resume it`);
}

function toOtashipError(err: Error, endpoint: string): OtashipError {
  if (err instanceof DetailedError) {
    const res = err.originalResponse;
    if (res && res.getStatus() > 0) {
      return apiError(res.getStatus(), '', res.getBody(), err.originalRequest?.getURL() ?? endpoint);
    }
    const cause = (err as DetailedError & { causingError?: Error }).causingError;
    return networkError(cause ?? err, endpoint, 'upload');
  }
  return networkError(err, endpoint, 'upload');
}
