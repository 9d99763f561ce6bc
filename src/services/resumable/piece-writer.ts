// A PATCH body of the "multipart" layout (blob-upload-store.ts), written into the upload's local
// shadow file where its bytes belong and cut into pieces aligned on the part size: each full piece
// is handed over (sent as the next part of the release's multipart upload) while the body still
// streams, so a server killed mid-PATCH keeps every part it sent. Node's write streams write at one
// running position from the start of a file they open themselves; this writes at the upload's
// offsets into a handle its caller owns, and checks the write lease before every write.
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export class PieceWriter extends Writable {
  /** Where the piece being filled starts (a multiple of the part size), and its bytes so far. */
  pieceStart: number;
  filled: number;
  /** Why a hand-over failed (a tus answer such as a 409 is kept as it is, not wrapped). */
  handOverError: unknown = null;

  constructor(
    private readonly handle: FileHandle,
    start: { pieceStart: number; filled: number },
    private readonly partSize: number,
    /** Takes a full piece (awaited, holding the body back). */
    private readonly handOver: (start: number, size: number) => Promise<void>,
    /** Throws when this request may no longer write (its lease is lost). */
    private readonly check: () => void = () => undefined,
  ) {
    // A deep buffer, as in stage.ts: the socket keeps flowing while a part is sent.
    super({ highWaterMark: 8 * 1024 * 1024 });
    this.pieceStart = start.pieceStart;
    this.filled = start.filled;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.#append(chunks.map((c) => c.chunk)).then(() => cb(), (err: unknown) => cb(err as Error));
  }

  async #append(buffers: Buffer[]): Promise<void> {
    this.check();
    for (const buffer of buffers) {
      for (let at = 0; at < buffer.length; ) {
        const n = Math.min(buffer.length - at, this.partSize - this.filled);
        for (let done = 0; done < n; ) {
          done += (await this.handle.write(buffer, at + done, n - done, this.pieceStart + this.filled + done)).bytesWritten;
        }
        at += n;
        this.filled += n;
        if (this.filled === this.partSize) {
          try {
            await this.handOver(this.pieceStart, this.filled);
          } catch (err) {
            this.handOverError = err;
            throw new Error('a part of the upload could not be stored', { cause: err });
          }
          this.pieceStart += this.filled;
          this.filled = 0;
        }
      }
    }
  }
}
