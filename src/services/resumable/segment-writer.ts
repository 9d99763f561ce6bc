// A PATCH body cut into local temp files of a fixed size, for the "parts" layout of
// blob-upload-store.ts: each full file is handed over (stored as a part) while the body still
// streams, so a server killed mid-PATCH keeps every part it stored instead of the whole PATCH being
// lost with its temp file. Node's write streams cannot switch files, hence this small Writable.
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export class SegmentWriter extends Writable {
  /** Bytes in the current, not yet handed over, segment (read once the stream finished). */
  size = 0;
  /** The current segment's file, if one was opened; the caller stores or removes it. */
  path: string | null = null;
  /** Why a hand-over failed (a tus answer such as a 409 is kept as it is, not wrapped). */
  handOverError: unknown = null;
  #handle: FileHandle | null = null;

  constructor(
    private readonly nextPath: () => string,
    private readonly every: number,
    /** Takes a full segment's file (awaited, holding the body back) and removes it. */
    private readonly handOver: (path: string, size: number) => Promise<void>,
  ) {
    // A deep buffer, as in stage.ts: the socket keeps flowing while a part is stored.
    super({ highWaterMark: 8 * 1024 * 1024 });
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.#append(chunks.map((c) => c.chunk)).then(() => cb(), (err: unknown) => cb(err as Error));
  }

  async #append(buffers: Buffer[]): Promise<void> {
    for (const buffer of buffers) {
      for (let at = 0; at < buffer.length; ) {
        if (!this.#handle) {
          this.path = this.nextPath();
          this.#handle = await open(this.path, 'wx', 0o600);
        }
        const n = Math.min(buffer.length - at, this.every - this.size);
        for (let done = 0; done < n; ) done += (await this.#handle.write(buffer, at + done, n - done)).bytesWritten;
        at += n;
        this.size += n;
        if (this.size === this.every) {
          await this.#closeFile();
          const path = this.path!;
          try {
            await this.handOver(path, this.size);
          } catch (err) {
            this.handOverError = err;
            throw new Error('a part of the upload could not be stored', { cause: err });
          }
          this.path = null;
          this.size = 0;
        }
      }
    }
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.#closeFile().then(() => cb(), (err: unknown) => cb(err as Error));
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#closeFile().then(() => cb(err), () => cb(err));
  }

  async #closeFile(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
  }
}
