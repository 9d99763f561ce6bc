// Saving what a cut-off request body delivered. A resumable upload keeps the bytes that arrived
// before its connection dropped, so the client resumes from there instead of from its last request.
import type { Readable, Writable } from 'node:stream';

/**
 * Writes the body into `out` and ends it. A body that fails or closes early (a cut connection) ends
 * the file with what arrived instead of discarding it (stream.pipeline would destroy the write
 * stream and drop the writes still queued in it); the body's error is returned. A disk error rejects.
 */
export function writeKeepingPartial(body: Readable, out: Writable): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let bodyError: unknown = null;
    let ended = false;
    const endEarly = (err: unknown) => {
      bodyError ??= err;
      if (ended) return;
      ended = true;
      body.unpipe(out);
      out.end();
    };
    body.once('error', endEarly);
    body.once('close', () => {
      if (!body.readableEnded) endEarly(new Error('the request body ended early'));
    });
    body.once('end', () => {
      ended = true;
    });
    out.once('error', (err) => {
      body.destroy();
      reject(err);
    });
    out.once('finish', () => resolve(bodyError));
    body.pipe(out);
  });
}
