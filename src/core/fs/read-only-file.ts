// Positional reads on a file opened read-only, over the callback `node:fs` API.
//
// Why not node:fs/promises' FileHandle: Node loads callback fs during its own start-up, while
// fs/promises is a separate module graph that costs ~4 ms to load on every CLI run (measured with
// --cpu-prof on `otaship inspect`), and inspection needs only open, fstat, a positional read and
// close. The shape mirrors FileHandle's so callers read the same either way.
//
// Blocking mode (useBlockingFileReads): a one-shot CLI command does nothing else while it waits for
// a read, so the thread-pool hop of asynchronous fs only costs time: starting libuv's pool and the
// event-loop round trips were ~5 ms of a ~35 ms `otaship inspect`. A server never switches it on.
import { close, closeSync, fstat, fstatSync, open, openSync, read, readSync, stat, statSync } from 'node:fs';
import type { Stats } from 'node:fs';

export interface ReadOnlyFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

let blocking = false;

/** For single-command processes (the CLI): file reads block instead of going through the thread pool. */
export function useBlockingFileReads(): void {
  blocking = true;
}

/** Runs `sync` now when blocking, else the callback form; either way the caller gets a promise. */
function call<T>(sync: () => T, async: (done: (err: Error | null, value: T) => void) => void): Promise<T> {
  if (blocking) {
    try {
      return Promise.resolve(sync());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return new Promise((resolve, reject) => async((err, value) => (err ? reject(err) : resolve(value))));
}

export function openReadOnly(path: string): Promise<ReadOnlyFile> {
  return call(
    () => fileOn(openSync(path, 'r')),
    (done) => open(path, 'r', (err, fd) => done(err, err ? (undefined as never) : fileOn(fd))),
  );
}

export function statPath(path: string): Promise<Stats> {
  return call(
    () => statSync(path),
    (done) => stat(path, done),
  );
}

function fileOn(fd: number): ReadOnlyFile {
  let closed: Promise<void> | null = null;
  return {
    read: (buffer, offset, length, position) =>
      call(
        () => ({ bytesRead: readSync(fd, buffer, offset, length, position) }),
        (done) => read(fd, buffer, offset, length, position, (err, bytesRead) => done(err, { bytesRead })),
      ),
    stat: () =>
      call(
        () => fstatSync(fd),
        (done) => fstat(fd, done),
      ),
    // Idempotent, like FileHandle.close(): a second close must not close a descriptor number the
    // process has since reused for another file.
    close: () =>
      (closed ??= call(
        () => closeSync(fd),
        (done) => close(fd, (err) => done(err, undefined)),
      )),
  };
}
