// Blob store on a local (or shared network) directory. Layout: <root>/<key> holds the bytes;
// <dir>/.<name>.meta.json holds the SHA-256 computed while writing, so ETags are strong and equal on
// every instance sharing the disk. Writes go to <dir>/.<name>.<random>.tmp and are renamed into
// place (atomic on POSIX); a failed or aborted write removes its temporary file.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rmdir, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { constants as fsConstants, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OtashipError } from '../core/errors.js';
import { SYNC_EVERY, type BlobRange, type BlobStat, type BlobStore, type PutOptions, type WriteAtOptions } from '../ports/blob-store.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { writeKeepingPartial } from '../core/fs/keep-partial.js';
import { MeasureStream, checkRange, etagFromSha256, storageError } from './measure.js';

interface Meta {
  v: 1;
  sha256: string;
  size: number;
  /** Identify the data file the digest belongs to: a stale sidecar is ignored. */
  ino: number;
  mtimeMs: number;
  contentType?: string;
}

/** Temporary files of put(): `.<name>.<12 hex>.tmp` (data) and `.<name>.meta.json.<12 hex>.tmp`. */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Bytes of read buffers that the open read streams may hold between them, roughly (see readChunkSize). */
const READ_BUDGET = 4 * 1024 * 1024;
const MIN_READ = 64 * 1024;
const MAX_READ = 1024 * 1024;

/**
 * How much each read of a new download stream asks for, given how many are open already. Big reads
 * are what make a lone download fast: on the bench machine, one 2 GiB download from the page cache
 * ran at ~0.6 GB/s with 128 KiB reads, ~1 GB/s with 256 KiB and ~1.8 GB/s with 1 MiB, the last
 * beating nginx with sendfile. Every read, though, is a fresh buffer that lives until the next
 * garbage collection, so with many downloads at once the size is also what the process holds:
 * 100 concurrent downloads peaked at ~260 MiB RSS with 256 KiB reads and ~225 MiB with 128 KiB. So
 * reads shrink as downloads pile up: 1 MiB for the first four, halving as the count doubles, 64 KiB
 * from the 33rd on.
 */
export function readChunkSize(open: number): number {
  let size = MAX_READ;
  while (size > MIN_READ && size * (open + 1) > READ_BUDGET) size /= 2;
  return size;
}

/**
 * Runs `create`, which makes an entry at `target`, after making target's directory. A concurrent
 * delete() may remove that (then empty) directory between the mkdir and the create: make it again
 * and retry. Once the entry exists the directory is not empty, so it stays.
 */
async function inOwnDirectory<T>(target: string, create: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    try {
      return await create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw err;
    }
  }
}

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Bytes written to disk per writeAt() before they are flushed and reported (WriteAtOptions.onDurable). */
export { SYNC_EVERY };

/**
 * A write stream into an open file from `start` on that flushes and reports its bytes every
 * `syncEvery` (fs.WriteStream cannot tell which of its bytes are on disk). The flush and the report
 * run beside the writes, one at a time, so the upload does not pause for them; a failed report fails
 * the stream at its next write or at its end. The deep buffer is kept, so the socket keeps flowing
 * while the thread pool writes. Owns the handle.
 */
class PositionalWriter extends Writable {
  written = 0;
  #durable = 0;
  #pending: Promise<void> | null = null;
  #failure: unknown = null;
  readonly #syncEvery: number;

  constructor(
    private readonly handle: FileHandle,
    private readonly start: number,
    private readonly options: WriteAtOptions,
  ) {
    super({ highWaterMark: 8 * 1024 * 1024 });
    this.#syncEvery = options.syncEvery ?? SYNC_EVERY;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    this.#write(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }

  /** One pwritev per batch: the chunks go to the kernel as they are, never copied into one buffer. */
  async #write(buffers: Buffer[]): Promise<void> {
    if (this.#failure) throw this.#failure;
    let rest = buffers;
    while (rest.length > 0) {
      let { bytesWritten } = await this.handle.writev(rest, this.start + this.written);
      this.written += bytesWritten;
      // A short write: skip what went out, continue with the rest of the first unfinished chunk.
      let i = 0;
      while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
      rest = i < rest.length ? [rest[i]!.subarray(bytesWritten), ...rest.slice(i + 1)] : [];
    }
    this.#maybeFlush();
  }

  /** Starts a flush and report when `syncEvery` more bytes were written and none is under way. */
  #maybeFlush(): void {
    const onDurable = this.options.onDurable;
    if (!onDurable || this.#pending || this.#failure || this.written - this.#durable < this.#syncEvery) return;
    // fdatasync flushes every byte written before it is called, whatever is written meanwhile.
    const upTo = this.written;
    this.#pending = this.handle
      .datasync()
      .then(() => onDurable(upTo))
      .then(
        () => {
          this.#durable = upTo;
        },
        (err: unknown) => {
          this.#failure ??= err;
        },
      )
      .finally(() => {
        this.#pending = null;
        // Bytes written meanwhile may already call for the next one.
        this.#maybeFlush();
      });
  }

  /** Waits until no flush and report is under way; throws what one failed with. */
  async settled(): Promise<void> {
    while (this.#pending) await this.#pending;
    if (this.#failure) throw this.#failure;
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.settled()
      .then(() => this.handle.datasync())
      .then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // A report under way still uses the handle: close it after.
    this.settled()
      .catch(() => undefined)
      .then(() => this.handle.close())
      .then(() => cb(err), (closeErr: unknown) => cb(err ?? (closeErr as Error)));
  }
}

/** A sidecar is a few hundred bytes; one read of this many holds it. */
const SMALL_FILE = 4096;

/**
 * A small file's text in two round trips to the thread pool (open, one read), where readFile takes
 * four or five (open, fstat, reads up to end of file, close) before its caller goes on: each one
 * waits for a turn of the event loop, which is slow when the instance is busy (a download's first
 * byte waits for the sidecar). The close happens after. Larger files are read whole by readFile.
 */
async function readSmallFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  let closed = false;
  try {
    const buffer = Buffer.allocUnsafe(SMALL_FILE);
    const { bytesRead } = await handle.read(buffer, 0, SMALL_FILE, 0);
    if (bytesRead === SMALL_FILE) {
      closed = true;
      await handle.close();
      return await readFile(path, 'utf8');
    }
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    if (!closed) void handle.close().catch(() => undefined);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

export class FsBlobStore implements BlobStore {
  readonly kind = 'fs';
  readonly capabilities = { presign: false } as const;
  readonly root: string;
  /** Read streams open now: sizes the next one's reads (readChunkSize). */
  private openReads = 0;
  /**
   * Per path, the put or adoption now moving its file in and writing its sidecar. Two puts to one
   * key raced: A renamed, B renamed, then A's sidecar (A's SHA-256, stat of B's file) could land
   * last and name B's bytes with A's hash. One at a time per path in this process; across processes
   * the sidecar's inode check keeps a mismatch from ever being trusted. Not a #private field: tests
   * wrap a store with Object.create to fail one method, and #fields do not follow the prototype.
   */
  private readonly settling = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private static metaPathOf(path: string): string {
    return join(dirname(path), `.${basename(path)}.meta.json`);
  }

  /**
   * The root itself missing means the volume is not mounted (or was removed), not that a blob is
   * missing: 503 UNAVAILABLE rather than 404s, and writes must not recreate it on the disk below.
   */
  private async assertRoot(): Promise<void> {
    const st = await stat(this.root).catch((err: NodeJS.ErrnoException) => (isMissing(err) ? null : undefined));
    if (st === null || (st && !st.isDirectory())) {
      throw new OtashipError('UNAVAILABLE', `the blob directory ${this.root} is gone (an unmounted volume?): mount or restore it`);
    }
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<BlobStat> {
    const path = this.pathOf(key);
    await this.assertRoot();
    options.signal?.throwIfAborted();
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let sha256: string;
    const measure = new MeasureStream(key, options.size, options.sha256);
    try {
      // Created before any byte flows.
      const handle = await inOwnDirectory(tmp, () => open(tmp, 'wx', 0o600));
      await pipeline(body, measure, handle.createWriteStream({ flush: true }), options.signal ? { signal: options.signal } : {});
      sha256 = measure.sha256 ?? '';
    } catch (err) {
      body.destroy();
      await unlink(tmp).catch(() => {});
      throw storageError('write', key, err);
    }
    return this.oneAtATime(path, async () => {
      try {
        await rename(tmp, path);
      } catch (err) {
        await unlink(tmp).catch(() => {});
        throw storageError('write', key, err);
      }
      return this.recordMeta(path, sha256, options.contentType);
    });
  }

  private async oneAtATime<T>(path: string, step: () => Promise<T>): Promise<T> {
    const run = (this.settling.get(path) ?? Promise.resolve()).catch(() => undefined).then(step);
    this.settling.set(path, run);
    try {
      return await run;
    } finally {
      if (this.settling.get(path) === run) this.settling.delete(path);
    }
  }

  /**
   * Writes the SHA-256 sidecar of a data file that is now in place. The blob itself is complete
   * either way: without its sidecar stat() falls back to a size+mtime ETag.
   */
  private async recordMeta(path: string, sha256: string | undefined, contentType: string | undefined): Promise<BlobStat> {
    const st = await stat(path);
    if (sha256 === undefined) return this.toStat(st, null);
    const meta: Meta = { v: 1, sha256, size: st.size, ino: st.ino, mtimeMs: st.mtimeMs };
    if (contentType) meta.contentType = contentType;
    const metaPath = FsBlobStore.metaPathOf(path);
    const metaTmp = `${metaPath}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(metaTmp, JSON.stringify(meta), { flag: 'wx', mode: 0o600 });
      await rename(metaTmp, metaPath);
    } catch {
      await unlink(metaTmp).catch(() => {});
    }
    return { ...this.toStat(st, meta), sha256 };
  }

  /**
   * A rename instead of a copy: publishing a 1 GiB upload otherwise wrote it to disk twice (the
   * staged temp file, then the blob), which on a disk-bound ingest was half the time (measured with
   * `npm run bench -- --only server`). The file is flushed to disk first, as put() flushes its own.
   */
  async adoptFile(key: string, file: string, options: Omit<PutOptions, 'signal'> = {}): Promise<BlobStat | null> {
    const path = this.pathOf(key);
    await this.assertRoot();
    let handle: FileHandle | undefined;
    try {
      handle = await open(file, 'r+');
      const { size } = await handle.stat();
      if (options.size !== undefined && size !== options.size) {
        throw new OtashipError('VALIDATION', `${basename(file)} holds ${size} bytes, not the ${options.size} expected for ${key}`);
      }
      await handle.sync();
    } catch (err) {
      throw storageError('write', key, err);
    } finally {
      await handle?.close();
    }
    return this.oneAtATime(path, async () => {
      try {
        await inOwnDirectory(path, () => rename(file, path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EXDEV') return null; // another file system: the caller copies
        throw storageError('write', key, err);
      }
      return this.recordMeta(path, options.sha256, options.contentType);
    });
  }

  /**
   * In place, so a resumable upload is written once: as separate part files, its bytes had to be
   * copied into one file again at publish (the resumable ingest ran at 0.2x `cp`).
   */
  async writeAt(key: string, offset: number, body: Readable, options: WriteAtOptions = {}): Promise<{ written: number; bodyError: unknown }> {
    const path = this.pathOf(key);
    await this.assertRoot();
    let handle: FileHandle;
    try {
      // Never truncated: other writes may already have filled other ranges. Created only when asked:
      // a finished upload's file has been renamed away, and a late write must not bring it back.
      handle = options.create
        ? await inOwnDirectory(path, () => open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o600))
        : await open(path, fsConstants.O_WRONLY);
    } catch (err) {
      body.destroy();
      if (isMissing(err)) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
      throw storageError('write', key, err);
    }
    const out = new PositionalWriter(handle, offset, options);
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    try {
      const bodyError = await writeKeepingPartial(body, out);
      await closed;
      return { written: out.written, bodyError };
    } catch (err) {
      out.destroy();
      await closed;
      if (isDiskFull(err)) {
        // Give the space back: what this write added is not recorded as durable by the caller any
        // more (it removes its progress records), and a full disk must not stay full.
        await truncate(path, offset).catch(() => undefined);
        throw new OtashipError('INSUFFICIENT_STORAGE', `the server's storage is full: ${key} could not take ${out.written} more bytes at ${offset}`, {
          cause: err,
        });
      }
      throw storageError('write', key, err);
    }
  }

  async rename(from: string, to: string): Promise<boolean> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    try {
      await inOwnDirectory(target, () => rename(source, target));
    } catch (err) {
      if (isMissing(err)) return false;
      throw storageError('write', to, err);
    }
    // A sidecar left by an earlier object at `to` describes other bytes (stat() would ignore it anyway).
    await unlink(FsBlobStore.metaPathOf(target)).catch(() => undefined);
    return true;
  }

  async linkFile(key: string, path: string): Promise<boolean> {
    try {
      await link(this.pathOf(key), path);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another file system, or one without hard links: the caller reads the bytes instead.
      if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return false;
      if (isMissing(err)) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
      throw storageError('read', key, err);
    }
  }

  private toStat(st: Stats, meta: Meta | null): BlobStat {
    const fresh = meta && meta.ino === st.ino && meta.size === st.size && meta.mtimeMs === st.mtimeMs;
    const out: BlobStat = {
      size: st.size,
      etag: fresh ? etagFromSha256(meta.sha256) : `"fs-${st.size.toString(16)}-${Math.round(st.mtimeMs * 1000).toString(16)}-${st.ino.toString(16)}"`,
      lastModified: new Date(Math.floor(st.mtimeMs)),
    };
    if (fresh) out.sha256 = meta.sha256;
    if (fresh && meta.contentType) out.contentType = meta.contentType;
    return out;
  }

  private async readMeta(path: string): Promise<Meta | null> {
    try {
      const parsed = JSON.parse(await readSmallFile(FsBlobStore.metaPathOf(path))) as Meta;
      return parsed && parsed.v === 1 && typeof parsed.sha256 === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const path = this.pathOf(key);
    // The sidecar is read while the file is stat'ed, not after: a download's first byte waits for
    // each of these round trips to the thread pool, and each costs a turn of a busy event loop.
    // toStat trusts the sidecar only when it matches the file's inode, size and mtime. (readMeta
    // never rejects, so it may be left unawaited when the file is missing.)
    const meta = this.readMeta(path);
    let st: Stats;
    try {
      st = await stat(path);
    } catch (err) {
      if (isMissing(err)) return this.assertRoot().then(() => null);
      throw storageError('stat', key, err);
    }
    if (!st.isFile()) return null;
    return this.toStat(st, await meta);
  }

  async get(key: string, range?: BlobRange, signal?: AbortSignal): Promise<Readable> {
    const path = this.pathOf(key);
    signal?.throwIfAborted();
    // Open first, then size the range on the open file: a concurrent replace or delete cannot make
    // the stream read a different object than the one measured.
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) await this.assertRoot();
      if (isMissing(err)) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
      throw storageError('read', key, err);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new OtashipError('NOT_FOUND', `blob ${key} does not exist`);
      const bounds = range ? checkRange(key, st.size, range) : undefined;
      const chunk = readChunkSize(this.openReads);
      const stream = handle.createReadStream({ autoClose: true, highWaterMark: chunk, ...(bounds ?? {}) });
      this.openReads++;
      stream.once('close', () => this.openReads--);
      return signal ? addAbortSignal(signal, stream) : stream;
    } catch (err) {
      await handle.close().catch(() => {});
      throw storageError('read', key, err);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    for (const p of [path, FsBlobStore.metaPathOf(path)]) {
      try {
        await unlink(p);
      } catch (err) {
        if (!isMissing(err) && (err as NodeJS.ErrnoException).code !== 'EPERM') throw storageError('delete', key, err);
      }
    }
    // Remove directories the delete left empty (releases/<id>/), up to the root. rmdir only
    // succeeds on an empty directory, so a sibling or a concurrent put's temp file keeps it.
    for (let dir = dirname(path); dir.startsWith(this.root + sep) && dir !== this.root; dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }

  async sweepTemporary(olderThan: Date, options: { dryRun?: boolean } = {}): Promise<number> {
    let removed = 0;
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !TEMP_NAME.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      // A live write touches its file with every chunk: only a file idle since the cutoff is stale.
      const st = await stat(path).catch(() => null);
      if (st && st.mtimeMs < olderThan.getTime() && (options.dryRun || (await unlink(path).then(() => true, () => false)))) removed++;
    }
    return removed;
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash + 1);
    yield* this.walk(base, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(join(this.root, ...dirKey.split('/').filter(Boolean)), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw storageError('list', dirKey || '/', err);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // temporary files and metadata sidecars
      const key = dirKey + entry.name;
      if (entry.isDirectory()) {
        // Descend only where keys can still match the prefix.
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) yield* this.walk(`${key}/`, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        yield key;
      }
    }
  }
}
