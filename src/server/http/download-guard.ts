// Downloads are the one answer a client controls the pace of. A client that opens a package download
// and never reads it holds a socket, a file handle (or an S3 stream) and the buffers between them for
// as long as it likes; a few thousand such connections from one address exhaust the server's file
// descriptors and every other request fails. Two bounds, both per instance:
//   - a stall watchdog: a download whose socket has accepted no byte for the idle time while bytes
//     wait to be written is cut (the client stopped reading). A slow download that still moves is
//     never cut, nor one that waits on slow storage (nothing waits to be written then).
//   - a cap on downloads in flight per client address (IPv6: per /64), answered 429 with Retry-After.
//     Generous by default: an office behind one NAT address installs a new build on many phones at once.
// Hand-written: @fastify/rate-limit counts requests per window, not requests in flight, and no
// plugin watches a response's progress.
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OtashipError } from '../../core/errors.js';
import { clientKey } from '../../services/client-key.js';
import { watchIdle } from './idle-watch.js';

/** Retry-After of a download refused for too many in flight: long enough for one of them to end. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Bytes wait to be written (in the socket or the response itself): the client is the one waited on.
 * None waiting: the response waits on storage (or is done), not on the client.
 */
export function clientIsWaitedOn(socket: { readonly writableLength: number }, responseBuffered: number): boolean {
  return socket.writableLength > 0 || responseBuffered > 0;
}

export class DownloadGuard {
  readonly #inFlight = new Map<string, number>();

  constructor(
    /** Seconds a download may take no byte while bytes wait for it; 0: never cut. */
    readonly idleSeconds: number,
    /** Downloads one client address may have in flight at once; 0: no limit. */
    readonly perClient: number,
  ) {}

  /** Downloads in flight for this address (for tests and the health of the guard itself). */
  inFlight(address: string | undefined): number {
    return this.#inFlight.get(clientKey(address)) ?? 0;
  }

  /**
   * Called when a download's body is about to be sent: takes one of the client's slots (or throws
   * TOO_MANY_REQUESTS), gives it back when the response closes, and arms the stall watchdog.
   */
  begin(request: FastifyRequest, reply: FastifyReply): void {
    const res = reply.raw;
    // A client that hung up while the route looked things up: its 'close' has already fired and
    // would never give a slot back. Nothing will be sent to it anyway.
    if (res.destroyed || request.raw.destroyed || res.socket?.destroyed !== false) return;
    const key = clientKey(request.ip);
    const held = this.#inFlight.get(key) ?? 0;
    if (this.perClient > 0 && held >= this.perClient) {
      throw new OtashipError(
        'TOO_MANY_REQUESTS',
        `this address already has ${held} downloads in progress (the limit is ${this.perClient}, OTASHIP_DOWNLOADS_PER_CLIENT): ` +
          `try again when one has finished`,
        { details: { retryAfterSeconds: RETRY_AFTER_SECONDS } },
      );
    }
    this.#inFlight.set(key, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, left);
    };
    res.once('close', release);
    if (this.idleSeconds > 0) this.#watch(request, res);
  }

  #watch(request: FastifyRequest, res: ServerResponse): void {
    const socket = res.socket;
    if (!socket) return;
    watchIdle({
      idleSeconds: this.idleSeconds,
      progress: () => socket.bytesWritten,
      waitingOnPeer: () => clientIsWaitedOn(socket, res.writableLength),
      over: () => res.writableFinished || socket.destroyed,
      onIdle: () => {
        request.log.info(
          { client: request.ip, url: request.url.split('?')[0] },
          `download stalled: the client took no byte for ${this.idleSeconds} s (OTASHIP_DOWNLOAD_IDLE_TIMEOUT), so its connection was closed`,
        );
        socket.destroy();
      },
      stopOn: (stop) => res.once('close', stop),
    });
  }
}
