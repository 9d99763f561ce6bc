// A tus PATCH whose body reaches the store as the Node request stream itself. @tus/server (2.x)
// sees requests as web Requests (srvx): a PATCH body went Node stream → web ReadableStream
// (Readable.toWeb) → Node stream again (Readable.fromWeb) before the store got it, a promise and a
// copy-free but allocation-heavy hop per chunk in each direction. For a 256 MiB upload that was a
// large share of the server's CPU time (the main thread is what limits a resumable ingest).
//
// Everything else stays @tus/server's: the header checks, the lock (and its drain-then-abort when
// another request asks for it), the offset and length checks, the answers. Only writeToStore — the
// protected hook through which every handler hands a body to the store — takes the bytes straight
// from the Node request, with the same behaviour as tus's own: a client that goes away is ABORTED
// (what arrived is kept), a lock taken over ends the body gracefully, a body longer than declared
// is refused (413).
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ERRORS, type CancellationContext, type Server as TusServer, type Upload } from '@tus/server';
import { FairShare } from '../../http/turn-budget.js';

type PatchHandler = TusServer['handlers']['PATCH'];
type SendArgs = Parameters<PatchHandler['send']>;
type PatchHandlerClass = new (store: TusServer['datastore'], options: TusServer['options']) => PatchHandler;

/** The Node request behind each PATCH in flight, keyed by the tus server's per-request context. */
const nodeBodies = new WeakMap<CancellationContext, IncomingMessage>();

/** Replaces the tus server's PATCH handler with one that streams Node bodies without web streams. */
export function useNodeBodiesForPatch(tus: TusServer): void {
  // @tus/server exports no handler classes; the instance's class is the one to extend.
  const Base = tus.handlers.PATCH.constructor as PatchHandlerClass;

  class NodeBodyPatchHandler extends Base {
    override send(req: SendArgs[0], context: SendArgs[1], headers?: SendArgs[2]): ReturnType<PatchHandler['send']> {
      const node = (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
      if (!node) return super.send(req, context, headers);
      nodeBodies.set(context, node);
      // tus reads `req.body` to pass it on; reading it would start a web stream consuming the
      // request, so the handler sees the request without one.
      return super.send(withoutBody(req), context, headers);
    }

    protected override async writeToStore(web: ReadableStream | null, upload: Upload, maxBodySize: number, context: CancellationContext): Promise<number> {
      const body = nodeBodies.get(context);
      if (!body) return super.writeToStore(web, upload, maxBodySize, context);
      nodeBodies.delete(context);
      return writeNodeBody(this.store, body, upload, maxBodySize, context);
    }
  }

  tus.handlers.PATCH = new NodeBodyPatchHandler(tus.datastore, tus.options);
}

/**
 * tus's BaseHandler.writeToStore for a Node body: the request is piped into a stream of our own (so
 * that a failing store never destroys the request, and the client still gets an answer), which
 * counts the bytes against the body's limit (more is tus's 413, as with its StreamLimiter) and lets
 * them through at the body's fair share of the event loop (turn-budget.ts).
 */
async function writeNodeBody(
  store: PatchHandler['store'],
  body: IncomingMessage,
  upload: Upload,
  maxBodySize: number,
  context: CancellationContext,
): Promise<number> {
  if (context.signal.aborted) throw ERRORS.ABORTED;
  // A body longer than it may be: tus's answer to it (413), as its StreamLimiter gives.
  const limited = new FairShare(maxBodySize, () => Object.assign(new Error(ERRORS.ERR_MAX_SIZE_EXCEEDED.body), ERRORS.ERR_MAX_SIZE_EXCEEDED));
  let sourceError: unknown = null;
  body.on('error', (err) => {
    sourceError ??= err;
    body.unpipe(limited);
    // An aborted request is ended gracefully below; otherwise the write fails.
    if (!context.signal.aborted) limited.destroy(err);
  });
  // The lock was asked for by another request (and its drain time is over), or the request is
  // being ended: what arrived so far is stored and acknowledged.
  const onAbort = () => {
    body.unpipe(limited);
    if (!limited.destroyed) limited.end();
  };
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    body.pipe(limited);
    let offset = upload.offset;
    // The pipeline's function is handed `limited` itself (a Node stream is its own async iterable).
    await pipeline(limited, async () => {
      offset = await store.write(limited, upload.id, upload.offset);
    });
    return offset;
  } catch (err) {
    body.unpipe(limited);
    if ((sourceError !== null && err === sourceError) || (err instanceof Error && err.name === 'AbortError')) throw ERRORS.ABORTED;
    throw err;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

/** The request as the tus handler sees it, minus its body (which we read from the Node request). */
function withoutBody(req: SendArgs[0]): SendArgs[0] {
  return new Proxy(req, {
    get(target, prop) {
      if (prop === 'body') return null;
      const value: unknown = Reflect.get(target, prop, target);
      // srvx's request keeps its state in private fields: its methods must run on itself.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
