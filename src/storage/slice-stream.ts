// Passes through only bytes [from, to] (inclusive, offsets within the incoming stream). Used when an
// S3-compatible server answers a ranged GET with a wider range than asked (s3rver serves all of
// `bytes=0-0`, for one): the caller must still get exactly the bytes it asked for.
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export function sliceStream(from: number, to: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const start = Math.max(from - offset, 0);
      const end = Math.min(to + 1 - offset, chunk.length);
      offset += chunk.length;
      if (end > start) this.push(chunk.subarray(start, end));
      // Past the wanted range: finish our side; the source is destroyed by the caller's pipeline.
      if (offset > to) this.push(null);
      callback();
    },
  });
}
