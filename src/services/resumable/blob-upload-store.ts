// A tus DataStore kept in the BlobStore, so resumable uploads live where every instance can reach
// them (the shared data dir with fs storage, the bucket with S3) and an upload started on one
// instance continues on another. Layout under `uploads/<id>/`:
//   info.json                                 size, metadata, owner, creation date, layout (written at creation)
//   part-<offset 16 digits>-<size 16 digits>-<rnd>   one PATCH's bytes, starting at that offset
//   data                                      with the "file" layout: every PATCH's bytes, in place
//
// The "file" layout is used where the store can write in place (fs storage, BlobStore.writeAt):
// each PATCH writes its bytes into `data` at their offset and its part is then an empty marker
// (offset and size are in its name). The finished upload is one file that publishing links and
// renames into the release, so the package is written once instead of twice (parts, then a copy of
// them all). Every PATCH of an upload carries the same bytes at the same offsets (those of one
// file), so writes that overlap (the races below) write identical bytes; only the chain of markers
// says how far `data` is valid. Other stores (S3, memory) keep the bytes in the parts.
//
// No shared state is ever read, changed and written back: a part is one atomic put, and the offset
// is derived from the listing — the chain of parts from byte 0. Two instances can hold PATCHes for
// one upload when a client gives up on a stalled one and resumes on another; the stalled body may
// still arrive later. So before storing, a part is checked to continue the chain (else 409, nothing
// stored), and after storing, to be in it. Where parts share an offset, every instance picks the one
// whose chain reaches furthest (then the smallest key), so adding a part never shortens the chain.
// A part that lost removes itself and answers 409, and the client asks for the offset again.
//
// What is left (no lock makes check-then-put atomic): if two parts pass the check before either
// lands, both are stored and the rule above keeps one. When the other instance has already answered
// 204, its offset is never taken back, but it may move forward (the later part was longer, holding
// the same bytes of the file): the client's next PATCH gets 409 and resumes from the new offset.
// An acknowledged offset can only go back when a third request races in the same window: one
// instance drops its part after its check while another, having listed before the drop, has just
// stored the next part on top of it. The chain then ends before that part, and the client's next
// PATCH gets 409 and sends those bytes again (slower, never corrupt).
//
// Why not @tus/file-store / @tus/s3-store: the S3 store needs ListParts and ListMultipartUploads
// (s3rver and several S3-compatible servers lack them, so it could not be tested here), has no key
// prefix, and keeps upload metadata in a per-process cache; the file store only works on one disk.
// Going through our BlobStore port gives one implementation for fs, S3 and memory, reuses the
// adapters' key checks, atomic puts and prefixes, and is covered by the same tests.
//
// Each PATCH body is first written to a local temp file (per request, removed afterwards) and then
// stored as one part. Bytes that arrived before a connection was cut are kept, so the client resumes
// from where the cut happened rather than from the previous PATCH. Memory stays constant.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import { writeKeepingPartial } from '../../core/fs/keep-partial.js';

export const UPLOADS_PREFIX = 'uploads/';
/** Ids come from the tus server's naming function (32 hex digits); anything else is not ours. */
export const UPLOAD_ID = /^[a-f0-9]{32}$/;
/** The metadata key through which the server (never the client) names the upload's owner. */
export const OWNER_METADATA = 'otaship-owner';

export interface UploadPart {
  key: string;
  offset: number;
  size: number;
}

/** What info.json holds: fixed at creation (only a deferred length is set later). */
interface StoredInfo {
  id: string;
  /** Total length; null while the client has deferred it. */
  size: number | null;
  metadata: Record<string, string | null>;
  /** Token id of the principal that created the upload. */
  owner: string;
  creationDate: string;
  /** Where the bytes are (see the module comment); absent in uploads created before it existed. */
  layout?: 'file' | 'parts';
}

export interface UploadInfo extends StoredInfo {
  /** Bytes stored so far: the end of the chain of parts. */
  offset: number;
  /** The chain of parts from byte 0, in order. */
  parts: UploadPart[];
}

const PART = /\/part-(\d{16})-(\d{16})-([a-f0-9]+)$/;

export interface BlobUploadStoreOptions {
  /** Local folder for per-request temp files. */
  tmpDir: string;
  /** Uploads older than this are expired (tus expiration extension) and swept. */
  expirationMs: number;
  /** Current time in ms (tests move it). */
  now?: () => number;
}

export class BlobUploadStore extends DataStore {
  constructor(
    private readonly blobs: BlobStore,
    private readonly options: BlobUploadStoreOptions,
  ) {
    super();
    this.extensions = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration'];
  }

  override async create(upload: Upload): Promise<Upload> {
    const metadata = { ...(upload.metadata ?? {}) };
    const owner = metadata[OWNER_METADATA];
    delete metadata[OWNER_METADATA];
    if (!owner) throw new OtashipError('INTERNAL', 'an upload was created without an owner');
    const info: StoredInfo = {
      id: checkId(upload.id),
      size: upload.size ?? null,
      metadata,
      owner,
      // Our clock, not the Upload's: expiry and the sweep then agree on every instance.
      creationDate: new Date((this.options.now ?? Date.now)()).toISOString(),
      layout: this.blobs.writeAt ? 'file' : 'parts',
    };
    await this.#saveInfo(info);
    upload.metadata = metadata;
    upload.creation_date = info.creationDate;
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const info = await this.info(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    return toUpload(info);
  }

  override async write(body: Readable, id: string, offset: number): Promise<number> {
    const info = await this.info(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    if (info.offset !== offset) throw ERRORS.INVALID_OFFSET;

    if (info.layout === 'file' && this.blobs.writeAt) {
      const { written, bodyError } = await this.blobs.writeAt(dataKey(id), offset, body);
      if (written > 0) await this.#commitPart(id, offset, written, null);
      if (bodyError) throw bodyError;
      return offset + written;
    }
    await mkdir(this.options.tmpDir, { recursive: true });
    const tmp = join(this.options.tmpDir, `upload-tus-${id}-${randomBytes(6).toString('hex')}.part`);
    let bodyError: unknown;
    let size: number;
    try {
      bodyError = await saveKeepingPartial(body, tmp);
      size = (await stat(tmp).catch(() => null))?.size ?? 0;
      if (size > 0) await this.#commitPart(id, offset, size, tmp);
    } finally {
      await rm(tmp, { force: true });
    }
    if (bodyError) throw bodyError;
    return offset + size;
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const stored = await this.#stored(id);
    if (!stored) throw ERRORS.FILE_NOT_FOUND;
    await this.#saveInfo({ ...stored, size: length });
  }

  override async remove(id: string): Promise<void> {
    checkId(id);
    const info = await this.info(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    await this.#removeAll(id);
  }

  override getExpiration(): number {
    return this.options.expirationMs;
  }

  /** Removes uploads created longer ago than the expiration, and stray parts of vanished uploads. */
  override async deleteExpired(): Promise<number> {
    const cutoff = (this.options.now ?? Date.now)() - this.options.expirationMs;
    const ids = new Set<string>();
    for await (const key of this.blobs.list(UPLOADS_PREFIX)) {
      const id = key.slice(UPLOADS_PREFIX.length).split('/')[0];
      if (id && UPLOAD_ID.test(id)) ids.add(id);
    }
    let deleted = 0;
    for (const id of ids) {
      const info = await this.#stored(id).catch(() => null);
      const created = info ? Date.parse(info.creationDate) : await this.#newestPartTime(id);
      if (Number.isFinite(created) && created < cutoff) {
        await this.#removeAll(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** The state of an upload (its info and its chain of parts), or null when there is none. */
  async info(id: string): Promise<UploadInfo | null> {
    const stored = await this.#stored(id);
    if (!stored) return null;
    const parts = await this.#chain(id);
    return { ...stored, parts, offset: chainEnd(parts) };
  }

  async #stored(id: string): Promise<StoredInfo | null> {
    if (!UPLOAD_ID.test(id)) return null;
    const key = infoKey(id);
    if (!(await this.blobs.stat(key))) return null;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.blobs.get(key)) chunks.push(chunk as Buffer);
    } catch (err) {
      if (err instanceof OtashipError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    const { id: storedId, size, metadata, owner, creationDate, layout } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredInfo;
    return { id: storedId, size, metadata, owner, creationDate, ...(layout ? { layout } : {}) };
  }

  /**
   * The parts from byte 0 onwards. Where several parts start at one offset, the one whose chain
   * reaches furthest wins (then the smallest key): adding a part can then never shorten the chain,
   * so a late part cannot take back an offset already acknowledged.
   */
  async #chain(id: string): Promise<UploadPart[]> {
    const byOffset = new Map<number, UploadPart[]>();
    for await (const key of this.blobs.list(`${UPLOADS_PREFIX}${id}/part-`)) {
      const m = PART.exec(key);
      if (!m) continue;
      const part = { key, offset: Number(m[1]), size: Number(m[2]) };
      if (part.size > 0) byOffset.set(part.offset, [...(byOffset.get(part.offset) ?? []), part]);
    }
    // How far the best chain from each offset reaches; parts end after they start, so filling the
    // table from the highest offset down needs each end's value only once it is known.
    const reach = new Map<number, number>();
    const reachOf = (offset: number) => reach.get(offset) ?? offset;
    for (const offset of [...byOffset.keys()].sort((a, b) => b - a)) {
      reach.set(offset, Math.max(...byOffset.get(offset)!.map((p) => reachOf(p.offset + p.size))));
    }
    const best = (parts: UploadPart[]) =>
      parts.reduce((a, b) => {
        const ra = reachOf(a.offset + a.size);
        const rb = reachOf(b.offset + b.size);
        return rb > ra || (rb === ra && b.key < a.key) ? b : a;
      });
    const chain: UploadPart[] = [];
    for (let at = byOffset.get(0); at; ) {
      const next = best(at);
      chain.push(next);
      at = byOffset.get(next.offset + next.size);
    }
    return chain;
  }

  /**
   * A local file holding exactly the finished upload's bytes, without copying them (the "file"
   * layout on a store that can link, i.e. fs storage): a hard link in the temp folder, which the
   * caller owns and removes. Null when that cannot be had; read() still can.
   */
  async linkFinished(info: UploadInfo): Promise<string | null> {
    if (info.layout !== 'file' || !this.blobs.linkFile || info.size === null || info.offset !== info.size) return null;
    await mkdir(this.options.tmpDir, { recursive: true });
    // `upload-…`: the start-up sweep of stale temp files knows the prefix.
    const path = join(this.options.tmpDir, `upload-${info.id}-${randomBytes(6).toString('hex')}.linked`);
    if (!(await this.blobs.linkFile(dataKey(info.id), path))) return null;
    try {
      // Bytes past the chain's end (a PATCH cut off while a longer one won) are not the upload's.
      const { size } = await stat(path);
      if (size < info.size) throw new OtashipError('STORAGE', `upload ${info.id} holds ${size} of its ${info.size} bytes`);
      if (size > info.size) await truncate(path, info.size);
      return path;
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
  }

  /** The uploaded bytes in order, streamed (constant memory). */
  read(info: UploadInfo): Readable {
    const parts = [...info.parts].sort((a, b) => a.offset - b.offset);
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    const blobs = this.blobs;
    void (async () => {
      try {
        if (info.layout === 'file') {
          if (info.offset > 0) await pipeline(await blobs.get(dataKey(info.id), { start: 0, end: info.offset - 1 }), out);
          else out.end();
          return;
        }
        let expected = 0;
        for (const part of parts) {
          if (part.offset !== expected) {
            throw new OtashipError('STORAGE', `upload ${info.id} has a gap at byte ${expected}`);
          }
          await pipeline(await blobs.get(part.key), out, { end: false });
          expected += part.size;
        }
        out.end();
      } catch (err) {
        out.destroy(err as Error);
      }
    })();
    return out;
  }

  /** Stores a part: `tmp` holds its bytes, or with null they are already in `data` (a marker). */
  async #commitPart(id: string, offset: number, size: number, tmp: string | null): Promise<void> {
    // The body may have taken minutes to arrive (a stalled connection), and the client may have
    // resumed on another instance meanwhile: a part that no longer continues the chain is not stored.
    if (chainEnd(await this.#chain(id)) !== offset) throw ERRORS.INVALID_OFFSET;
    const digits = (n: number) => String(n).padStart(16, '0');
    const key = `${UPLOADS_PREFIX}${id}/part-${digits(offset)}-${digits(size)}-${randomBytes(8).toString('hex')}`;
    if (tmp === null) {
      await this.blobs.put(key, Readable.from([]), { size: 0, contentType: 'application/octet-stream' });
    } else {
      // fs storage takes the PATCH's temp file as it is (a rename); others get its bytes copied.
      const options = { size, contentType: 'application/octet-stream' };
      if (!(await this.blobs.adoptFile?.(key, tmp, options))) await this.blobs.put(key, createReadStream(tmp), options);
    }
    // Another instance may have stored a part at this offset between our check and our put: only
    // the chain decides.
    const chain = await this.#chain(id);
    if (!chain.some((p) => p.key === key)) {
      await this.blobs.delete(key).catch(() => undefined);
      throw ERRORS.INVALID_OFFSET;
    }
  }

  async #saveInfo(info: StoredInfo): Promise<void> {
    const body = Buffer.from(JSON.stringify(info));
    await this.blobs.put(infoKey(info.id), Readable.from([body]), { size: body.length, contentType: 'application/json' });
  }

  async #removeAll(id: string): Promise<void> {
    const keys: string[] = [];
    for await (const key of this.blobs.list(`${UPLOADS_PREFIX}${id}/`)) keys.push(key);
    // Parts first, info last: a half-finished removal still shows up (and is finished) in the next sweep.
    for (const key of keys.filter((k) => k !== infoKey(id))) await this.blobs.delete(key);
    await this.blobs.delete(infoKey(id));
  }

  async #newestPartTime(id: string): Promise<number> {
    let newest = Number.NaN;
    for await (const key of this.blobs.list(`${UPLOADS_PREFIX}${id}/`)) {
      const st = await this.blobs.stat(key);
      if (st && !(st.lastModified.getTime() <= newest)) newest = st.lastModified.getTime();
    }
    return newest;
  }
}

/** Writes the body to a new file, keeping what arrived when it is cut off (see keep-partial.ts). */
function saveKeepingPartial(body: Readable, path: string): Promise<unknown> {
  // A deep buffer, as in stage.ts: the socket keeps flowing while the thread pool writes.
  return writeKeepingPartial(body, createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 8 * 1024 * 1024 }));
}

function chainEnd(parts: readonly UploadPart[]): number {
  const last = parts[parts.length - 1];
  return last ? last.offset + last.size : 0;
}

function dataKey(id: string): string {
  return `${UPLOADS_PREFIX}${id}/data`;
}

function infoKey(id: string): string {
  return `${UPLOADS_PREFIX}${id}/info.json`;
}

function checkId(id: string): string {
  if (!UPLOAD_ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
  return id;
}

function toUpload(info: UploadInfo): Upload {
  return new Upload({
    id: info.id,
    offset: info.offset,
    metadata: info.metadata,
    creation_date: info.creationDate,
    ...(info.size === null ? {} : { size: info.size }),
  });
}
