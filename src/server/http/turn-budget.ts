// Upload bodies share the event loop fairly with everything else the instance serves. When many
// uploads arrive at once, one pass of the event loop finds every upload socket readable; libuv reads
// up to 32 chunks of 64 KiB from each, and each chunk is hashed and pushed through the write path
// before the loop moves on. With 20 uploads that was tens of MiB of work per pass: 100-200 ms during
// which a download or a page waited for its turn.
//
// Here every upload body passes through a stage that counts the bytes it lets through in the current
// turn of the loop, for all uploads together. Past TURN_BYTES, a chunk waits for the next turn
// (setImmediate, which runs after the loop has polled for — and served — other sockets); the waiting
// stage stops reading, so its socket stops being read (backpressure) instead of buffering. Waiting
// chunks go on in arrival order, so uploads take turns. Nothing is dropped or reordered within a
// body; a lone upload loses next to nothing (a turn costs microseconds when nothing else waits).
// Node has no such knob (http's highWaterMark bounds buffering, not work per turn), hence this.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Upload bytes processed per turn of the event loop, all uploads together: a millisecond or two of
 * work. Under the bench's mixed load (20 publishes, downloads, pages) 1 MiB gave the shortest first
 * bytes of 256 KiB-16 MiB, with no less upload throughput; a lone upload does not notice.
 */
export const TURN_BYTES = 1024 * 1024;

let spent = 0;
let turnScheduled = false;
const waiting: Array<{ bytes: number; go: () => void }> = [];

/** Starts a new turn: the budget is whole again and the chunks that waited go on, oldest first. */
function nextTurn(): void {
  turnScheduled = false;
  // Only those: a chunk that arrives while they go on (the next one of the same body) waits for
  // the turn after, or it could keep this one going for ever. They count against this turn.
  const batch = waiting.splice(0);
  spent = batch.reduce((sum, w) => sum + w.bytes, 0);
  for (const { go } of batch) go();
}

/** Calls `go` in this turn if the budget has room for `bytes`, else in a later turn. */
function take(bytes: number, go: () => void): void {
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(nextTurn);
  }
  if (spent < TURN_BYTES && waiting.length === 0) {
    spent += bytes;
    go();
  } else {
    waiting.push({ bytes, go });
  }
}

/**
 * A pass-through stage for an upload body that lets it through at its fair share of each turn of the
 * event loop. `max`, when given, is the most the body may hold: more fails the stream with `tooLong()`.
 */
export class FairShare extends Transform {
  #seen = 0;

  constructor(
    private readonly max = Number.POSITIVE_INFINITY,
    private readonly tooLong: () => Error = () => new Error('the body is longer than allowed'),
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.max) {
      cb(this.tooLong());
      return;
    }
    take(chunk.length, () => cb(null, chunk));
  }
}
