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

/** How many checks per idle period: the cut comes within idle + idle/CHECKS of the last byte taken. */
const CHECKS = 4;
/** Retry-After of a download refused for too many in flight: long enough for one of them to end. */
const RETRY_AFTER_SECONDS = 30;

/** What the watchdog reads of a response's socket (a net.Socket or tls.TLSSocket). */
export interface SocketProgress {
  readonly bytesWritten: number;
  readonly writableLength: number;
}

/**
 * The watchdog's decision, one tick at a time (kept apart from timers so it is tested exactly):
 * returns true when the download has been stalled for `idleMs`.
 */
export class StallClock {
  #lastWritten: number;
  #idleMs = 0;

  constructor(
    private readonly idleMs: number,
    private readonly stepMs: number,
    start: SocketProgress,
  ) {
    this.#lastWritten = start.bytesWritten;
  }

  tick(socket: SocketProgress, responseBuffered: number): boolean {
    const moved = socket.bytesWritten !== this.#lastWritten;
    // Nothing waiting to be written: the response waits on storage (or is done), not on the client.
    const waitingOnClient = socket.writableLength > 0 || responseBuffered > 0;
    if (moved || !waitingOnClient) {
      this.#lastWritten = socket.bytesWritten;
      this.#idleMs = 0;
      return false;
    }
    this.#idleMs += this.stepMs;
    return this.#idleMs >= this.idleMs;
  }
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
    const idleMs = this.idleSeconds * 1000;
    const stepMs = Math.max(50, Math.floor(idleMs / CHECKS));
    const clock = new StallClock(idleMs, stepMs, socket);
    const timer = setInterval(() => {
      if (res.writableFinished || socket.destroyed) return stop();
      if (!clock.tick(socket, res.writableLength)) return;
      stop();
      request.log.info(
        { client: request.ip, url: request.url.split('?')[0] },
        `download stalled: the client took no byte for ${this.idleSeconds} s (OTASHIP_DOWNLOAD_IDLE_TIMEOUT), so its connection was closed`,
      );
      socket.destroy();
    }, stepMs);
    // A pending check must not keep the process alive on shutdown.
    timer.unref();
    const stop = () => clearInterval(timer);
    res.once('close', stop);
  }
}
