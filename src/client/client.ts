// A small typed client for the otaship HTTP API, used by `otaship publish` and usable as a library.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { OtashipError } from '../core/errors.js';
import { apiError } from './errors.js';
import { exchange, type HttpResult } from './http.js';
import { resumeFingerprint } from './resume-state.js';
import { tusUpload } from './tus-upload.js';
import { READ_CHUNK } from './file-slices.js';
import type { PublishOptions, PublishResponse, PublishSummary, ResumablePublishOptions } from './types.js';

export interface ClientOptions {
  /** Base URL of the server, e.g. https://ota.example.com (a path prefix is kept). */
  server: string;
  /** API token `ota_<id>_<secret>` (or the server's bootstrap admin token). */
  token: string;
  /** Extra trusted CA (PEM) for a server with otaship's self-signed certificate. */
  ca?: string;
  /** Give up when a connection is idle this long (ms). */
  idleTimeoutMs?: number;
}

/**
 * Notes travel in the upload's query string; past this length they would risk header-size limits in
 * servers and proxies, so long notes are sent afterwards with PATCH /api/v1/releases/:id instead.
 */
const MAX_QUERY_NOTES = 2000;
/**
 * Bytes per tus PATCH request, tried in turn: the whole file in one request, then smaller ones as
 * long as a proxy refuses a request's size (413, e.g. a CDN's 100 MB cap or nginx's
 * client_max_body_size). The server keeps what arrived of a cut request, so one request costs
 * nothing in safety, and each request costs the server a few reads of the upload's state (on S3
 * storage, requests to the bucket). Reading stays streamed whatever the size. Multiples of the
 * server's 8 MiB parts: on S3 storage a request then ends on a part boundary and leaves no bytes for
 * the next one to send to the bucket again.
 */
export const CHUNK_SIZES = [Number.POSITIVE_INFINITY, 48 * 1024 * 1024, 8 * 1024 * 1024] as const;
const UPLOAD_ID = /^[a-f0-9]{32}$/;

export class OtashipClient {
  readonly baseUrl: URL;
  readonly #token: string;
  readonly #ca: string | undefined;
  readonly #idleTimeoutMs: number | undefined;

  constructor(options: ClientOptions) {
    this.baseUrl = parseServerUrl(options.server);
    const token = options.token?.trim() ?? '';
    if (!token) throw new OtashipError('USAGE', 'No API token given: pass --token or set OTASHIP_TOKEN');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\s\u0000-\u001f\u007f]/.test(token)) {
      throw new OtashipError('USAGE', 'The API token contains spaces or control characters; copy it again');
    }
    this.#token = token;
    this.#ca = options.ca;
    this.#idleTimeoutMs = options.idleTimeoutMs;
  }

  /** `path` relative to the API root, e.g. `api/v1/releases`. */
  url(path: string, query?: Record<string, string | undefined>): URL {
    const url = new URL(path.replace(/^\/+/, ''), this.baseUrl);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  /** Uploads a package as a raw streamed body (constant memory) and returns the server's answer. */
  async publish(path: string, options: PublishOptions = {}): Promise<PublishResponse> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a file`);
      size = st.size;
    } catch (err) {
      if (err instanceof OtashipError) throw err;
      throw new OtashipError('FILE_NOT_FOUND', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    // Ask cheaply whether the token is accepted before sending the file. A server that refuses an
    // upload from its headers answers at once and closes the connection; a client still writing then
    // often sees a reset instead of the answer, so a wrong token would read as a network failure.
    if (options.checkToken !== false) await this.checkToken();
    const notes = options.notes ?? '';
    const notesInQuery = notes.length > 0 && encodeURIComponent(notes).length <= MAX_QUERY_NOTES;
    const url = this.url('api/v1/releases', {
      filename: options.filename ?? basename(path),
      force: options.force ? 'true' : undefined,
      notes: notesInQuery ? notes : undefined,
      ci: options.source?.ci,
      branch: options.source?.branch,
      commit: options.source?.commit,
      buildUrl: options.source?.buildUrl,
    });
    const result = await exchange({
      url,
      method: 'POST',
      headers: {
        ...this.#authHeaders(),
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        accept: 'application/json',
      },
      body: createReadStream(path, { highWaterMark: READ_CHUNK }),
      expectedLength: size,
      ca: this.#ca,
      signal: options.signal,
      idleTimeoutMs: this.#idleTimeoutMs,
      onBodyProgress: (sent) => options.onProgress?.(sent, size),
    });
    const published = this.#json<PublishResponse>(result, url, [201, 200]);
    checkPublishResponse(published, url);
    if (notes.length > 0 && !notesInQuery) {
      await this.updateReleaseNotes(published.release.id, notes);
    }
    return published;
  }

  /**
   * Uploads a package with the tus protocol (resumable), then publishes it. With `resumeState`, an
   * upload cut off earlier (same server, path, size and mtime) continues where it stopped; with
   * `uploadId`, that upload continues (e.g. one started through another instance of the server).
   */
  async publishResumable(path: string, options: ResumablePublishOptions = {}): Promise<PublishResponse> {
    const st = await statFile(path);
    if (options.checkToken !== false) await this.checkToken();
    const state = options.resumeState ?? null;
    const fingerprint = resumeFingerprint(this.baseUrl.href, { path, size: st.size, mtimeMs: st.mtimeMs });
    const candidate = options.uploadId ?? (await state?.get(fingerprint))?.uploadId;
    let offset = 0;
    let uploadUrl: string | null = null;
    if (candidate) {
      const found = await this.#uploadOffset(candidate, st.size);
      if (found === null) await state?.delete(fingerprint);
      else {
        offset = found;
        uploadUrl = this.url(`api/v1/uploads/${candidate}`).href;
      }
    }
    options.onStart?.(offset, st.size);
    const filename = options.filename ?? basename(path);
    let uploadId: string | null = uploadUrl ? candidate! : null;
    // Writes of the state file, in order: the entry must be on disk before it can be removed.
    let saved: Promise<void> = Promise.resolve();
    const sizes = options.chunkSize !== undefined ? [options.chunkSize] : CHUNK_SIZES;
    const send = (chunkSize: number) => tusUpload({
      endpoint: this.url('api/v1/uploads').href,
      uploadUrl: uploadId ? this.url(`api/v1/uploads/${uploadId}`).href : uploadUrl,
      path,
      headers: this.#authHeaders(),
      metadata: { filename },
      ca: this.#ca,
      chunkSize,
      signal: options.signal,
      onProgress: (sent, total) => options.onProgress?.(sent, total),
      onUploadUrl: (url) => {
        const id = new URL(url).pathname.split('/').pop() ?? '';
        if (!UPLOAD_ID.test(id)) return;
        uploadId = id;
        if (!state) return;
        saved = state.set(fingerprint, {
          uploadId: id,
          server: this.baseUrl.href,
          path,
          size: st.size,
          mtimeMs: st.mtimeMs,
          savedAt: new Date().toISOString(),
        });
      },
    });
    for (let i = 0; ; i++) {
      try {
        await send(sizes[i]!);
        break;
      } catch (err) {
        const status = err instanceof OtashipError ? err.details?.status : undefined;
        // A server without resumable uploads (an older otaship, or a proxy that does not pass the tus
        // routes) refuses the creation with 404/405: send the package in the plain request instead.
        if (uploadId === null && (status === 404 || status === 405)) {
          return this.publish(path, { ...options, checkToken: false });
        }
        // A request too large for a proxy on the way (the upload exists: a PATCH was refused): the
        // same upload goes on in smaller requests, from what the server holds.
        if (uploadId !== null && status === 413 && i + 1 < sizes.length) continue;
        throw err;
      }
    }
    await saved;
    if (!uploadId) throw new OtashipError('INTERNAL', `The server at ${this.baseUrl.origin} gave the upload no usable address`);
    const url = this.url(`api/v1/uploads/${uploadId}/publish`);
    const result = await exchange({
      url,
      method: 'POST',
      headers: { ...this.#authHeaders(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ notes: options.notes, force: options.force === true, filename, source: options.source ?? undefined }),
      ca: this.#ca,
      signal: options.signal,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    let published: PublishResponse;
    try {
      published = this.#json<PublishResponse>(result, url, [201, 200]);
    } catch (err) {
      // A refusal stays a refusal: drop the upload. An expired profile is kept, so running again
      // with --force publishes without sending the bytes again.
      const code = err instanceof OtashipError ? err.code : '';
      if (result.status >= 400 && result.status < 500 && code !== 'PROFILE_EXPIRED' && code !== 'UPLOAD_INCOMPLETE') {
        await state?.delete(fingerprint);
        await this.cancelUpload(uploadId).catch(() => undefined);
      }
      throw err;
    }
    checkPublishResponse(published, url);
    await state?.delete(fingerprint);
    return published;
  }

  /** DELETE /api/v1/uploads/:id (tus termination). */
  async cancelUpload(uploadId: string): Promise<void> {
    const url = this.url(`api/v1/uploads/${uploadId}`);
    const result = await exchange({
      url,
      method: 'DELETE',
      headers: { ...this.#authHeaders(), 'tus-resumable': '1.0.0' },
      ca: this.#ca,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    if (result.status !== 204 && result.status !== 404) throw apiError(result.status, result.statusText, result.body, url.href);
  }

  /** Bytes the server holds of an upload of this file, or null when it cannot be continued. */
  async #uploadOffset(uploadId: string, size: number): Promise<number | null> {
    if (!UPLOAD_ID.test(uploadId)) throw new OtashipError('USAGE', `"${uploadId}" is not an upload id`);
    const url = this.url(`api/v1/uploads/${uploadId}`);
    let result: HttpResult | undefined;
    // A busy or restarting server must not make us start over: retry server errors a few times,
    // and only an answer about the upload itself (gone, expired, not ours) means a fresh upload.
    for (const delay of [0, 1000, 3000, 5000]) {
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      result = await exchange({
        url,
        method: 'HEAD',
        headers: { ...this.#authHeaders(), 'tus-resumable': '1.0.0' },
        ca: this.#ca,
        idleTimeoutMs: this.#idleTimeoutMs,
      }).catch((err: unknown) => {
        if (delay === 5000) throw err;
        return undefined;
      });
      if (result && result.status < 500) break;
    }
    if (!result) throw new OtashipError('SERVER_UNREACHABLE', `Cannot reach the otaship server at ${url.origin}`);
    if (result.status === 401 || result.status >= 500) throw apiError(result.status, result.statusText, result.body, url.href);
    if (result.status !== 200) return null;
    const length = Number(result.headers['upload-length']);
    const offset = Number(result.headers['upload-offset']);
    if (length !== size || !Number.isSafeInteger(offset) || offset < 0 || offset > size) return null;
    return offset;
  }

  /**
   * Fails with the server's error when it rejects the token outright (401); other answers are left to
   * the real request, since an app-limited token may not be allowed to list apps.
   */
  async checkToken(): Promise<void> {
    const url = this.url('api/v1/apps');
    const result = await exchange({
      url,
      method: 'GET',
      headers: { ...this.#authHeaders(), accept: 'application/json' },
      ca: this.#ca,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    if (result.status === 401) throw apiError(result.status, result.statusText, result.body, url.href);
  }

  async updateReleaseNotes(releaseId: string, notes: string): Promise<void> {
    const url = this.url(`api/v1/releases/${encodeURIComponent(releaseId)}`);
    const result = await exchange({
      url,
      method: 'PATCH',
      headers: { ...this.#authHeaders(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ notes }),
      ca: this.#ca,
      idleTimeoutMs: this.#idleTimeoutMs,
    });
    this.#json<unknown>(result, url, [200, 204]);
  }

  /** GET /api/v1/health (no auth needed). */
  async health(): Promise<Record<string, unknown>> {
    const url = this.url('api/v1/health');
    const result = await exchange({ url, method: 'GET', headers: { accept: 'application/json' }, ca: this.#ca, idleTimeoutMs: this.#idleTimeoutMs });
    return this.#json<Record<string, unknown>>(result, url, [200]);
  }

  #authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.#token}`, 'user-agent': 'otaship-cli' };
  }

  #json<T>(result: HttpResult, url: URL, ok: number[]): T {
    if (result.status >= 300 && result.status < 400) {
      const location = result.headers.location ?? '(no location)';
      throw new OtashipError(
        'SERVER_UNREACHABLE',
        `The server at ${url.origin} redirected to ${location}; use the final address as --server`,
      );
    }
    if (!ok.includes(result.status)) throw apiError(result.status, result.statusText, result.body, url.href);
    if (result.status === 204 || result.body === '') return undefined as T;
    try {
      return JSON.parse(result.body) as T;
    } catch {
      throw new OtashipError('INTERNAL', `The server at ${url.origin} answered ${result.status} without valid JSON`);
    }
  }
}

async function statFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a file`);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function parseServerUrl(server: string): URL {
  const raw = server?.trim() ?? '';
  if (!raw) throw new OtashipError('USAGE', 'No server given: pass --server <url> or set OTASHIP_SERVER');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OtashipError('USAGE', `The server address "${raw}" is not a URL (expected e.g. https://ota.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OtashipError('USAGE', `The server address "${raw}" must start with https:// or http://`);
  }
  if (url.username || url.password) {
    throw new OtashipError('USAGE', 'Put the API token in --token (or OTASHIP_TOKEN), not in the server URL');
  }
  url.search = '';
  url.hash = '';
  // A trailing slash makes relative API paths resolve under a path prefix (https://host/ota/).
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function checkPublishResponse(body: PublishResponse, url: URL): void {
  const problems: string[] = [];
  if (!body || typeof body !== 'object') problems.push('no JSON object');
  else {
    if (typeof body.release?.id !== 'string') problems.push('release.id');
    if (typeof body.app?.id !== 'string') problems.push('app.id');
    for (const key of ['installPageUrl', 'installLink', 'downloadUrl'] as const) {
      if (typeof body[key] !== 'string') problems.push(key);
    }
    if (body.manifestUrl !== null && typeof body.manifestUrl !== 'string') problems.push('manifestUrl');
  }
  if (problems.length > 0) {
    throw new OtashipError('INTERNAL', `The server at ${url.origin} answered the upload without ${problems.join(', ')}`);
  }
}

export function summarize(res: PublishResponse): PublishSummary {
  return {
    releaseId: res.release.id,
    appId: res.app.id,
    installPageUrl: res.installPageUrl,
    installLink: res.installLink,
    manifestUrl: res.manifestUrl ?? null,
    downloadUrl: res.downloadUrl,
  };
}
