// Refusing a request whose body is still arriving (401 from the headers, 413 from Content-Length,
// a limit hit mid-stream). Closing the socket right after the answer makes the kernel reset the
// connection while the client is still sending, and that reset often reaches the client before it
// has read the answer: it reports "connection reset" instead of "too large" or "bad token" (our
// own CLI did so for 4 oversized uploads in 5). Node has no lingering close, so this is the one
// nginx and Apache do: after the answer the socket stays open, what still arrives is read and
// discarded, and it closes when the client does, when the body ends, or after a bounded time.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';

/** How long a refused body is drained at most; a client that reads answers stops well before. */
export const LINGER_MS = 5000;

/** Lingering sockets per HTTP server, so shutting down does not wait out their time. */
const lingering = new WeakMap<object, Set<Socket>>();

/** Ends every lingering connection of this server at once (a preClose hook). */
export function destroyLingering(server: object): void {
  for (const socket of lingering.get(server) ?? []) socket.destroy();
}

/**
 * Call while handling a refusal, before the answer is sent. Without a body in flight (or with one
 * that can no longer be read) this just asks for `Connection: close`; with one, the connection
 * lingers as described above.
 */
export function closeAfterRefusal(request: FastifyRequest, reply: FastifyReply, lingerMs = LINGER_MS): void {
  const req = request.raw;
  const res = reply.raw;
  const socket = req.socket;
  if (!socket || req.complete || req.destroyed || socket.destroyed || res.headersSent) {
    if (!res.headersSent) reply.header('Connection', 'close');
    return;
  }
  // A `Connection: close` answer makes Node destroy the socket as soon as the answer is written;
  // keeping the connection "alive" is what lets it linger. Once the body has been drained the
  // connection really is reusable; if that has not happened after lingerMs, it is destroyed.
  res.shouldKeepAlive = true;
  res.once('finish', () => {
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    const set = lingering.get(request.server.server) ?? new Set<Socket>();
    lingering.set(request.server.server, set.add(socket));
    const done = () => {
      clearTimeout(timer);
      set.delete(socket);
    };
    socket.once('close', done);
    req.resume();
    req.once('end', () => {
      // Drained: the connection is clean again. It stays open for the client's next request
      // unless the client asked to close it.
      done();
      if (/\bclose\b/i.test(req.headers.connection ?? '') || req.httpVersion === '1.0') socket.end();
    });
  });
}
