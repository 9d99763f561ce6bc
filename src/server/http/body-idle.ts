// Stalled request bodies. The server has no overall request timeout (a multi-GB upload on a slow
// link may take hours), so a client that stops sending mid-body would hold its temp files and delay
// shutdown forever. This watchdog aborts a body when no byte has arrived for the idle time.
//
// Only bodies are watched: a request without one (every download) is never armed, so a long or
// paused download is not affected. While the body's bytes sit unread in our own buffers, the wait is
// ours (slow storage, backpressure), not the client's, and does not count. Once the whole body has
// arrived the watch ends: the time spent publishing is not the client's either.
import type { IncomingMessage } from 'node:http';
import { OtashipError } from '../../core/errors.js';
import { watchIdle } from './idle-watch.js';

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/** Arms the watchdog for one request; it disarms itself when the body ends or the request closes. */
export function watchBodyIdle(req: IncomingMessage, idleSeconds: number): void {
  if (idleSeconds <= 0 || req.complete || !hasBody(req)) return;
  const socket = req.socket;
  watchIdle({
    idleSeconds,
    progress: () => socket.bytesRead,
    // Bytes unread in our own buffers: the wait is ours, not the client's.
    waitingOnPeer: () => req.readableLength === 0,
    over: () => req.complete || req.destroyed,
    // Destroying the body fails whoever reads it (staging, tus) with this error; they remove their
    // temp files, and the socket is closed: the client is not listening anyway.
    onIdle: () =>
      req.destroy(
        new OtashipError(
          'UPLOAD_INCOMPLETE',
          `the upload stalled: no data arrived for ${idleSeconds} s (OTASHIP_UPLOAD_IDLE_TIMEOUT), so it was cancelled`,
        ),
      ),
    stopOn: (stop) => {
      req.once('end', stop);
      req.once('close', stop);
    },
  });
}
