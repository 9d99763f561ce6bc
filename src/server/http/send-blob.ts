// Serves a blob with the headers download clients rely on: Content-Length, ETag, Last-Modified,
// Accept-Ranges, Range (206/416), If-Range, If-None-Match (304) and HEAD — over any BlobStore (disk or
// S3), streaming with backpressure. Reports when a download starts (GET from byte 0) and completes
// (the response that carries the last byte finished sending it).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { contentDisposition } from './content-disposition.js';
import { decideRange, quoteEtag, type RangeDecision } from './range.js';

export interface SendBlobOptions {
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
  if (options.onComplete && end === stat.size - 1) {
    const onComplete = options.onComplete;
    // 'finish' fires only once the last byte was handed to the OS; an aborted download fires 'close'
    // without it.
    reply.raw.once('finish', () => onComplete());
  }
  if (length === 0) return reply.send('');
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  const body = await blobs.get(key, decision.kind === 'partial' ? { start, end } : undefined, controller.signal);
  return reply.send(body);
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
