// Serves a blob with the headers download clients rely on: Content-Length, ETag, Last-Modified,
// Accept-Ranges, Range (206/416), If-Range, If-None-Match (304) and HEAD — over any BlobStore (disk or
// S3), streaming with backpressure. Reports when a download starts (GET from byte 0) and completes.
//
// Complete means: a response that ends at the file's last byte handed ALL its bytes to the socket,
// and it either began at byte 0 (a whole download) or continued one (a range `bytes=N-…`). A suffix
// range (`bytes=-N`) only peeks at the end of the file and never completes a download. "Handed" is
// judged when the response closes, from the bytes the response took from the body stream — not from
// the response's 'finish' event, which is lost when the client closes right after the last byte. The
// server cannot see what the client does with bytes already on the wire (`curl … | head -c 1000`
// of a file that fits in the socket buffers counts as complete).
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { contentDisposition } from './content-disposition.js';
import type { DownloadGuard } from './download-guard.js';
import { decideRange, isSuffixRange, quoteEtag, type RangeDecision } from './range.js';

export interface SendBlobOptions {
  /** Bounds the download: a slot per client address, and a cut when the client stops reading. */
  guard: DownloadGuard;
  contentType: string;
  cacheControl: string;
  /** Sets Content-Disposition: attachment with this name. */
  filename?: string;
  onStart?: () => void;
  onComplete?: () => void;
}

export async function sendBlob(
  request: FastifyRequest,
  reply: FastifyReply,
  blobs: BlobStore,
  key: string,
  options: SendBlobOptions,
): Promise<FastifyReply> {
  const stat = await blobs.stat(key);
  if (!stat) throw new OtashipError('NOT_FOUND', 'the stored file for this release is missing');
  const etag = quoteEtag(stat.etag);
  const header = (name: string) => headerValue(request, name);
  const decision = decideRange(
    { range: header('range'), ifRange: header('if-range'), ifNoneMatch: header('if-none-match') },
    stat.size,
    { etag, lastModified: stat.lastModified },
  );
  // Before any header is set: a refusal (429) must not carry the download's Content-Length.
  const sendsBody = request.method !== 'HEAD' && (decision.kind === 'full' || decision.kind === 'partial') && stat.size > 0;
  if (sendsBody) options.guard.begin(request, reply);
  reply
    .header('ETag', etag)
    .header('Last-Modified', stat.lastModified.toUTCString())
    .header('Accept-Ranges', 'bytes')
    .header('Cache-Control', options.cacheControl)
    .header('Content-Type', options.contentType);
  if (options.filename) reply.header('Content-Disposition', contentDisposition(options.filename));

  if (decision.kind === 'not-modified') return reply.code(304).send();
  if (decision.kind === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${stat.size}`).header('Content-Type', 'text/plain; charset=utf-8');
    return reply.code(416).send('');
  }
  const start = decision.kind === 'partial' ? decision.start : 0;
  const end = decision.kind === 'partial' ? decision.end : stat.size - 1;
  const length = stat.size === 0 ? 0 : end - start + 1;
  if (decision.kind === 'partial') {
    reply.code(206).header('Content-Range', `bytes ${start}-${end}/${stat.size}`);
  }
  reply.header('Content-Length', String(length));
  if (request.method === 'HEAD') return reply.send();

  if (startsAtZero(decision)) options.onStart?.();
  const completes = end === stat.size - 1 && !isSuffixRange(header('range'), decision);
  if (length === 0) {
    if (completes) options.onComplete?.();
    return reply.send('');
  }
  const controller = new AbortController();
  const counter = new ByteCounter();
  reply.raw.once('close', () => {
    controller.abort();
    if (completes && counter.handed === length) options.onComplete?.();
  });
  const body = await blobs.get(key, decision.kind === 'partial' ? { start, end } : undefined, controller.signal);
  body.on('error', (err) => counter.destroy(err));
  return reply.send(body.pipe(counter));
}

/** Counts the bytes the response has taken from it (and so written to the socket). */
class ByteCounter extends Transform {
  #passed = 0;

  /** Bytes passed through minus those still waiting in this stream's buffer for the response. */
  get handed(): number {
    return this.#passed - this.readableLength;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#passed += chunk.length;
    cb(null, chunk);
  }
}

/**
 * Whether a GET that is redirected (the storage or CDN answers it, so neither the size nor the
 * validators are known here) is a download start, judged as sendBlob judges it: no Range, one that
 * is ignored, or one from byte 0. A suffix range (`bytes=-n`) counts as a resumption, and an If-Range
 * is not evaluated: a client sending one resumes a download it already started.
 */
export function isRedirectedDownloadStart(request: FastifyRequest): boolean {
  const unknown = { etag: '""', lastModified: new Date(0) };
  return startsAtZero(decideRange({ range: headerValue(request, 'range') }, Number.POSITIVE_INFINITY, unknown));
}

/** A download start: the body sent begins at byte 0 (a 304 or 416 sends none). */
function startsAtZero(decision: RangeDecision): boolean {
  return decision.kind === 'full' || (decision.kind === 'partial' && decision.start === 0);
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}
