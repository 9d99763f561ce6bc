// A request whose client closed the connection before its body arrived whole fails with Node's
// own error ("aborted", ECONNRESET). An S3 or database connection reset mid-stream fails with an
// error of the same shape, so the shape alone says nothing: only a request that is itself cut off
// (destroyed before its body was complete) was the client hanging up. That is not a fault of ours
// (not "the database cannot be reached"), and there is no one left to answer.
import type { IncomingMessage } from 'node:http';

export function clientHungUp(req: IncomingMessage, err: unknown): boolean {
  if (!req.destroyed || req.complete) return false;
  const e = err as { message?: unknown; code?: unknown; cause?: unknown } | null;
  for (let current = e, depth = 0; current && depth < 8; current = current.cause as typeof e, depth++) {
    if (current.message === 'aborted' && current.code === 'ECONNRESET') return true;
  }
  return false;
}
