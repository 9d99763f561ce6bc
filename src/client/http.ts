// One HTTP exchange over node:http/https. node:http rather than fetch because it streams a file body
// with back-pressure and exact byte counts for the progress bar, takes a private CA for self-signed
// servers without a custom dispatcher, and lets us react to a response that arrives BEFORE the body is
// sent (a 401 or 413 decided from the headers): we stop sending at once instead of pushing gigabytes
// into a request the server has already refused.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { OtashipError } from '../core/errors.js';
import { networkError } from './errors.js';

export interface HttpExchange {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  /** Request body: a string/Buffer, or a stream (its length should be in Content-Length). */
  body?: string | Buffer | Readable;
  /** Extra trusted CA certificates (PEM), e.g. otaship's self-signed CA. */
  ca?: string;
  signal?: AbortSignal;
  /** Called with the number of body bytes handed to the socket so far. */
  onBodyProgress?: (sent: number) => void;
  /** Bytes the stream must deliver (its Content-Length); fewer means the file changed under us. */
  expectedLength?: number;
  /** Give up when the connection is idle this long (ms). Default 5 minutes. */
  idleTimeoutMs?: number;
}

export interface HttpResult {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** False when the server answered before the whole body was sent. */
  bodyComplete: boolean;
}

/** Responses are JSON documents; anything larger is not one of ours. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export function exchange(ex: HttpExchange): Promise<HttpResult> {
  return new Promise<HttpResult>((resolve, reject) => {
    const send = ex.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const stream = ex.body !== undefined && typeof ex.body !== 'string' && !Buffer.isBuffer(ex.body) ? ex.body : null;
    let settled = false;
    let responded = false;
    let bodyComplete = ex.body === undefined || stream === null;
    let sent = 0;

    const finish = (err: OtashipError | null, result?: HttpResult): void => {
      if (settled) return;
      settled = true;
      stream?.destroy();
      if (err) {
        req.destroy();
        reject(err);
      } else if (result) {
        resolve(result);
      }
    };

    const req = send(ex.url, {
      method: ex.method,
      headers: ex.headers,
      ca: ex.ca,
      signal: ex.signal,
      // One request, one connection: nothing to keep alive after the CLI exits.
      agent: false,
    });

    req.setTimeout(ex.idleTimeoutMs ?? 5 * 60 * 1000, () => {
      const err = Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' });
      finish(networkError(err, ex.url.href, sent > 0 ? 'upload' : 'connect'));
    });

    req.on('response', (res) => {
      responded = true;
      if (stream && !bodyComplete) {
        // Answered early (refused from the headers): stop reading the file.
        stream.unpipe(req);
        stream.destroy();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          finish(new OtashipError('INTERNAL', `The server at ${ex.url.origin} sent an oversized response (over ${MAX_RESPONSE_BYTES} bytes)`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        finish(null, {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          bodyComplete,
        });
        req.destroy();
      });
      res.on('error', (err) => finish(networkError(err, ex.url.href, 'connect')));
    });

    req.on('error', (err) => {
      if (ex.signal?.aborted) {
        finish(new OtashipError('UPLOAD_INCOMPLETE', `The request to ${ex.url.origin} was cancelled`, { cause: err }));
        return;
      }
      // After an early answer the server may reset the socket we were still writing to: the answer wins.
      if (responded) return;
      finish(networkError(err, ex.url.href, sent > 0 ? 'upload' : 'connect'));
    });

    if (stream) {
      stream.on('data', (chunk: Buffer | string) => {
        sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        ex.onBodyProgress?.(sent);
      });
      stream.on('end', () => {
        bodyComplete = true;
        if (ex.expectedLength !== undefined && sent !== ex.expectedLength) {
          finish(
            new OtashipError(
              'UPLOAD_INCOMPLETE',
              `The file changed while uploading: read ${sent} bytes, expected ${ex.expectedLength}`,
            ),
          );
        }
      });
      stream.on('error', (err) => {
        if (settled) return;
        const path = (stream as { path?: unknown }).path;
        finish(
          new OtashipError('FILE_NOT_FOUND', `Cannot read ${typeof path === 'string' ? path : 'the file'} while uploading: ${err.message}`, {
            cause: err,
          }),
        );
      });
      stream.pipe(req);
    } else {
      req.end(ex.body);
    }
  });
}
