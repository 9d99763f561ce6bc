// A tus DataStore kept in the BlobStore, so resumable uploads live where every instance can reach
// them (the shared data dir with fs storage, the bucket with S3) and an upload started on one
// instance continues on another. Layout under `uploads/<id>/`:
//   info.json                                 size, metadata, owner, creation date, layout (written at creation)
//   part-<offset 16 digits>-<size 16 digits>-<rnd>   bytes of a PATCH (up to SYNC_EVERY), starting at that offset
//   data                                      with the "file" layout: every PATCH's bytes, in place
//   final                                     the same file, renamed with the upload's last byte
//
// The "file" layout is used where the store can write in place (fs storage, BlobStore.writeAt):
// `data` is made at creation, each PATCH writes its bytes into it at their offset and its part is an
// empty marker (offset and size are in its name). A long PATCH flushes and records its progress
// every SYNC_EVERY bytes (its record replaced each time), so a crash keeps what reached the disk. With
// the last byte `data` is renamed to `final` (#seal): writes only open an existing `data`, so nothing
// reaches a finished upload's bytes again, and publishing links `final` and renames the link into
// the release — the package is written once, and only the release can change it. Other stores (S3,
// memory) keep the bytes in the parts.
//
// One request at a time writes an upload, across instances: each holds the upload's lease in the
// database (upload-lock.ts; `leaseOf` gives the writer its guard, checked before every chunk and
// record). The offset is still derived from the listing — the chain of parts from byte 0 — and a part
// is still checked to continue the chain before and after it is stored (else 409, nothing kept), so
// a request whose lease lapsed (a paused process) cannot take an acknowledged offset back either.
// Where parts share an offset, the one whose chain reaches furthest wins (then the smallest key), so
// adding a part never shortens the chain.
//
// Why not @tus/file-store / @tus/s3-store: the S3 store needs ListParts and ListMultipartUploads
// (s3rver and several S3-compatible servers lack them, so it could not be tested here), has no key
// prefix, and keeps upload metadata in a per-process cache; the file store only works on one disk.
// Going through our BlobStore port gives one implementation for fs, S3 and memory, reuses the
// adapters' key checks, atomic puts and prefixes, and is covered by the same tests.
//
// In the "parts" layout a PATCH body goes through local temp files (per request, removed afterwards)
// of SYNC_EVERY bytes, each stored as the next part as soon as it is full (segment-writer.ts), so a
// crash mid-PATCH keeps the parts stored and one PATCH may leave several consecutive parts. Bytes
// that arrived before a connection was cut are kept too, so the client resumes from where the cut
// happened rather than from the previous PATCH. Memory stays constant.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { OtashipError } from '../../core/errors.js';
import { SYNC_EVERY, type BlobStore, type MultipartWrites, type StoredPart } from '../../ports/blob-store.js';
import type { UploadLockRepository } from '../../ports/repositories.js';
import { writeKeepingPartial } from '../../core/fs/keep-partial.js';
import { RunningDigests, hashedBody } from './running-digest.js';
import { SegmentWriter } from './segment-writer.js';
import { PieceWriter } from './piece-writer.js';
import { OrderedSends } from './ordered-sends.js';

export const UPLOADS_PREFIX = 'uploads/';
/** Ids come from the tus server's naming function (32 hex digits); anything else is not ours. */
export const UPLOAD_ID = /^[a-f0-9]{32}$/;
/** The metadata key through which the server (never the client) names the upload's owner. */
export const OWNER_METADATA = 'otaship-owner';

export interface UploadPart {
  key: string;
  offset: number;
  size: number;
  /** Multipart layout: the piece was sent as part offset/partSize + 1, which the store tagged so. */
  etag?: string;
}

/** Where a multipart-layout upload is being assembled (fixed at creation). */
export interface MultipartTarget {
  /** The object the finished upload becomes (the release's package, as planned at creation). */
  key: string;
  contentType: string;
  /** The store's id of the multipart write. */
  writeId: string;
  /** Every part but the last has this size; pieces start at multiples of it. */
  partSize: number;
  /** What the planner attached (the release id the package key was made for). */
  releaseId: string | null;
}

/** Where the package of a multipart-layout upload will live, chosen when the upload is created. */
export interface PackagePlan {
  key: string;
  contentType: string;
  releaseId: string | null;
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
  layout?: 'file' | 'parts' | 'multipart';
  multipart?: MultipartTarget;
  /** Multipart layout: the parts were assembled into `multipart.key` (publishing began). */
  assembled?: boolean;
}

export interface UploadInfo extends StoredInfo {
  /** Bytes stored so far: the end of the chain of parts. */
  offset: number;
  /** The chain of parts from byte 0, in order. */
  parts: UploadPart[];
}

const PART = /\/part-(\d{16})-(\d{16})-([a-f0-9]+)(?:-e([a-f0-9]+))?$/;

/** What a writer asks before each write and commit: is the upload's write lease still surely ours? */
export interface LeaseGuard {
  /** Throws (a tus 409) once the lease is lost or may have lapsed. */
  check(): void;
}

export interface BlobUploadStoreOptions {
  /** Local folder for per-request temp files. */
  tmpDir: string;
  /**
   * The records shared by every instance (upload_locks): created with the upload, forgotten with it.
   * Absent in tests of the store alone.
   */
  records?: UploadLockRepository;
  /** The write lease held by the request writing `id` in this process, if any (see upload-lock.ts). */
  leaseOf?: (id: string) => LeaseGuard | undefined;
  /** Bytes between two progress records (file layout) or parts (parts layout) inside one PATCH (default: SYNC_EVERY). */
  syncEvery?: number;
  /** Uploads older than this are expired (tus expiration extension) and swept. */
  expirationMs: number;
  /** Current time in ms (tests move it). */
  now?: () => number;
  /**
   * Multipart layout: where a new upload's package goes (the key of the release it will become), from
   * its metadata. Default: under the upload's own prefix (tests of the store alone).
   */
  planPackage?: (metadata: Record<string, string | null>) => PackagePlan;
  /** The largest upload (sizes the parts of an upload whose length is deferred). */
  maxUploadBytes?: number;
}


/** Upload owners an instance remembers (the oldest is forgotten first). */
const OWNERS_REMEMBERED = 10_000;
/** Deletes in flight while an upload's records are removed. */
const REMOVE_CONCURRENCY = 8;

export class BlobUploadStore extends DataStore {
  readonly #digests = new RunningDigests();
  /**
   * The state a request read under its write lease (tus reads it, then writes): the PATCH that
   * follows uses it instead of reading it again, as nothing else writes the upload while the lease
   * holds (each request has a lease of its own, so nothing carries over to another request).
   */
  readonly #readUnderLease = new WeakMap<LeaseGuard, UploadInfo>();
  /** Owners of uploads seen lately (see owner()). */
  readonly #owners = new Map<string, string>();

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
      layout: this.blobs.writeAt ? 'file' : this.blobs.multipart ? 'multipart' : 'parts',
    };
    if (info.layout === 'multipart') info.multipart = await this.#beginMultipart(info, this.blobs.multipart!);
    // The file layout's data file exists from the start: writes never create it (writeAt), so once a
    // finished upload's file is renamed away (#seal) no late write can bring it back.
    if (info.layout === 'file') await this.blobs.writeAt!(dataKey(info.id), 0, Readable.from([]), { create: true });
    try {
      await this.options.records?.register({ uploadId: info.id, ownerTokenId: owner, size: info.size, createdAt: new Date(info.creationDate) });
      await this.#saveInfo(info);
    } catch (err) {
      if (info.multipart) await this.blobs.multipart!.abort(info.multipart.key, info.multipart.writeId).catch(() => undefined);
      throw err;
    }
    upload.metadata = metadata;
    upload.creation_date = info.creationDate;
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const info = await this.info(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    const lease = this.options.leaseOf?.(id);
    if (lease) this.#readUnderLease.set(lease, info);
    return toUpload(info);
  }

  override async write(body: Readable, id: string, offset: number): Promise<number> {
    const lease = this.options.leaseOf?.(id);
    const read = lease ? this.#readUnderLease.get(lease) : undefined;
    if (lease) this.#readUnderLease.delete(lease);
    const info = read ?? (await this.info(id));
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    if (info.offset !== offset) throw ERRORS.INVALID_OFFSET;

    if (info.layout === 'file' && this.blobs.writeAt) return this.#writeInPlace(info, body, offset);
    if (info.layout === 'multipart') return this.#writeMultipart(info, body, offset);
    return this.#writeParts(id, body, offset);
  }

  /** The multipart write a new upload's pieces go to, under the planned key. */
  async #beginMultipart(info: StoredInfo, multipart: MultipartWrites): Promise<MultipartTarget> {
    const plan = this.options.planPackage?.(info.metadata) ?? {
      key: `${UPLOADS_PREFIX}${info.id}/package`,
      contentType: 'application/octet-stream',
      releaseId: null,
    };
    // Parts of SYNC_EVERY (8 MiB: above S3's 5 MiB minimum), larger where the upload could
    // otherwise need more parts than the store takes.
    const most = info.size ?? this.options.maxUploadBytes ?? 0;
    const partSize = Math.max(this.options.syncEvery ?? SYNC_EVERY, Math.ceil(most / (multipart.maxParts - 1)));
    const writeId = await multipart.begin(plan.key, { contentType: plan.contentType });
    return { key: plan.key, contentType: plan.contentType, writeId, partSize, releaseId: plan.releaseId };
  }

  /**
   * One PATCH in the multipart layout. Its bytes go into this instance's shadow file of the upload
   * (at their offsets) and, one part size at a time, to the store as parts of the package's
   * multipart write, each recorded as a piece of the chain once sent. Bytes after the last full part
   * are stored as a piece of their own (only the bytes this PATCH brought: a client sending small
   * PATCHes costs each byte two trips, not one per PATCH); the PATCH that completes the part sends
   * it whole (the earlier bytes come from the shadow when this instance wrote them, else from the
   * store) and its part piece supersedes them. The last piece of an upload of known length is sent
   * as the last part. A crash keeps every piece recorded.
   */
  async #writeMultipart(info: UploadInfo, body: Readable, offset: number): Promise<number> {
    const id = info.id;
    const target = info.multipart!;
    const multipart = this.blobs.multipart;
    if (!multipart) throw new OtashipError('CONFIG', `upload ${id} was begun as a multipart upload, which this storage cannot continue: start a new upload`);
    if (info.assembled) throw finishedOrGone(id);
    const lease = this.options.leaseOf?.(id);
    lease?.check();
    // Nothing can follow the last byte (an empty PATCH at the end, as some clients send).
    if (info.size !== null && offset === info.size) return offset;
    const P = target.partSize;
    const pieceStart = offset - (offset % P);
    // The pieces of bytes after the last full part: the part this PATCH fills begins with them.
    const carry = info.parts.filter((p) => p.offset >= pieceStart && p.etag === undefined);
    if (carry.reduce((n, p) => n + p.size, pieceStart) !== offset) {
      throw new OtashipError('STORAGE', `upload ${id} has no pieces of bytes from byte ${pieceStart} to ${offset}`);
    }
    await mkdir(this.options.tmpDir, { recursive: true });
    const shadow = this.#shadowPath(id);
    const handle = await openShadow(shadow);
    const version = shadowVersion(await handle.stat());
    const ticket = this.#digests.begin(id, offset, version);
    const committed: UploadPart[] = [];
    // Set once a part of this PATCH covers the pieces of bytes it began with (the carry): they are
    // removed after the confirmation, and the digest's run drops them.
    let carryCovered = false;
    const end = () => {
      const last = committed[committed.length - 1];
      return last ? last.offset + last.size : offset;
    };
    const sends = new OrderedSends(multipart.concurrency);
    /**
     * The chain holds every piece this PATCH recorded (another request may have taken the upload
     * over meanwhile); else the ones it does not hold go and the PATCH gets 409. Then the carry goes,
     * if a part covered it.
     */
    const confirm = async () => {
      if (!committed.some((p) => p.etag !== undefined)) return;
      const chain = new Set((await this.#chain(id)).map((p) => p.key));
      const lost = committed.filter((p) => !chain.has(p.key));
      if (lost.length > 0) {
        for (const piece of lost) await this.blobs.delete(piece.key).catch(() => undefined);
        committed.splice(0, committed.length, ...committed.filter((p) => chain.has(p.key)));
        throw ERRORS.INVALID_OFFSET;
      }
      if (carryCovered) for (const piece of carry) await this.blobs.delete(piece.key).catch(() => undefined);
    };
    /** Sends [start, start + size) of the shadow as a part; resolves once it is recorded. */
    const sendPart = (start: number, size: number): Promise<void> => {
      lease?.check();
      return sends.add(
        () => multipart.uploadPart(target.key, target.writeId, start / P + 1, createReadStream(shadow, { start, end: start + size - 1, highWaterMark: 1024 * 1024 }), size),
        async (part) => {
          lease?.check();
          // Recorded without a listing (each costs a request, slow on some services): the PATCH
          // checks its records against the chain once, before it answers (confirm).
          committed.push(await this.#commitPart(id, start, size, { etag: part.etag }, null, end(), false));
          carryCovered = true;
        },
      );
    };
    /** A full part from the writer: sent, holding the body back while too many are being sent. */
    const fullPart = async (start: number, size: number) => {
      void sendPart(start, size);
      await sends.throttle();
    };
    /** Keeps [end(), start + size) of the shadow as a piece of bytes. */
    const keepBytes = async (start: number, size: number) => {
      lease?.check();
      const chainEnd = end();
      committed.push(await this.#commitPart(id, chainEnd, start + size - chainEnd, { path: shadow, start: chainEnd }, null, chainEnd));
    };
    /** A full temp folder as a 507; other errors as they are. */
    const diskFull = async (err: unknown): Promise<unknown> => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOSPC' && code !== 'EDQUOT') return err;
      // The local copy goes (its bytes are in the store): a failed PATCH does not keep the disk
      // full. A copy made again by a later PATCH is another file, which no digest vouches for.
      await sends.settle();
      await rm(shadow, { force: true });
      return new OtashipError('INSUFFICIENT_STORAGE', `the server's temp folder is full: a PATCH of upload ${id} could not be kept`, { cause: err });
    };
    let bodyError: unknown;
    let hashed: ReturnType<typeof hashedBody> | undefined;
    try {
      if (carry.length > 0 && !(ticket.hash && (await handle.stat()).size >= offset)) {
        // Not this instance's bytes (or its shadow is gone): they come back from the store.
        try {
          for (const piece of carry) {
            let at = piece.offset;
            for await (const chunk of await this.blobs.get(piece.key)) at += await writeAll(handle, chunk as Buffer, at);
            if (at !== piece.offset + piece.size) throw new OtashipError('STORAGE', `a piece of upload ${id} holds ${at - piece.offset} bytes, not ${piece.size}`);
          }
        } catch (err) {
          throw await diskFull(err);
        }
      }
      hashed = ticket.hash ? hashedBody(body, ticket.hash, lease ? () => lease.check() : undefined) : undefined;
      const source = hashed?.stream ?? (lease ? checkingLease(body, lease) : body);
      const writer = new PieceWriter(handle, { pieceStart, filled: offset - pieceStart }, P, fullPart, lease ? () => lease.check() : undefined);
      try {
        bodyError = await writeKeepingPartial(source, writer);
      } catch (err) {
        const sendError = await sends.settle();
        if (writer.handOverError) throw writer.handOverError;
        if (sendError) throw sendError;
        throw await diskFull(err);
      }
      const sendError = await sends.settle();
      if (sendError) throw sendError;
      const reached = writer.pieceStart + writer.filled;
      if (reached > end()) {
        // The upload's last bytes are its last part; bytes before the end wait for the next PATCH.
        if (info.size !== null && reached === info.size) await sendPart(writer.pieceStart, writer.filled);
        else await keepBytes(writer.pieceStart, writer.filled);
      }
      await confirm();
    } finally {
      await sends.settle(); // nothing may still read the shadow once it is closed
      await handle.close();
    }
    // The digest moves on only when it saw exactly the bytes this PATCH's pieces added.
    const stored = end() - offset;
    if (ticket.hash && hashed && committed.length > 0 && hashed.hashed() === stored) {
      this.#digests.committed(ticket, committed.map((p) => p.key), stored, version, carryCovered ? carry.map((p) => p.key) : []);
    }
    const failure = bodyError ?? hashed?.bodyError();
    if (failure) throw failure;
    return offset + stored;
  }

  /** This instance's local copy of a multipart-layout upload (see #writeMultipart). */
  #shadowPath(id: string): string {
    // `upload-…`: the start-up sweep of stale temp files knows the prefix.
    return join(this.options.tmpDir, `upload-${id}.shadow`);
  }

  /**
   * One PATCH in the parts layout: its body goes through local temp files of SYNC_EVERY bytes, each
   * stored as the next part of the chain as soon as it is full, so a crash keeps every part stored
   * (a PATCH may leave several consecutive parts). What arrived after the last full one is stored
   * at the end, also when the body was cut. A full temp folder is a 507; the parts already stored
   * are kept, as they are not on that disk.
   */
  async #writeParts(id: string, body: Readable, offset: number): Promise<number> {
    const lease = this.options.leaseOf?.(id);
    lease?.check();
    await mkdir(this.options.tmpDir, { recursive: true });
    const tmpName = `upload-tus-${id}-${randomBytes(6).toString('hex')}`;
    let segments = 0;
    let stored = 0;
    const store = async (path: string, size: number) => {
      try {
        lease?.check();
        await this.#commitPart(id, offset + stored, size, path);
        stored += size;
      } finally {
        await rm(path, { force: true });
      }
    };
    const writer = new SegmentWriter(() => join(this.options.tmpDir, `${tmpName}-${segments++}.part`), this.options.syncEvery ?? SYNC_EVERY, store);
    let bodyError: unknown;
    try {
      try {
        bodyError = await writeKeepingPartial(body, writer);
      } catch (err) {
        if (writer.handOverError) throw writer.handOverError;
        // The temp file goes (finally below): a full disk is not left full by a failed PATCH.
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT') {
          throw new OtashipError('INSUFFICIENT_STORAGE', `the server's temp folder is full: a PATCH of upload ${id} could not be kept`, { cause: err });
        }
        throw err;
      }
      if (writer.path && writer.size > 0) {
        const path = writer.path;
        writer.path = null;
        await store(path, writer.size);
      }
    } finally {
      if (writer.path) await rm(writer.path, { force: true });
    }
    if (bodyError) throw bodyError;
    return offset + stored;
  }

  override async declareUploadLength(id: string, length: number): Promise<void> {
    const lease = this.options.leaseOf?.(id);
    if (lease) this.#readUnderLease.delete(lease);
    const stored = await this.#stored(id);
    if (!stored) throw ERRORS.FILE_NOT_FOUND;
    await this.#saveInfo({ ...stored, size: length });
    await this.options.records?.setSize(id, length);
  }

  override async remove(id: string): Promise<void> {
    checkId(id);
    const info = await this.info(id);
    if (!info) throw ERRORS.FILE_NOT_FOUND;
    this.#digests.forget(id);
    await this.#removeAll(id);
  }

  override getExpiration(): number {
    return this.options.expirationMs;
  }

  /** Removes uploads created longer ago than the expiration, and stray parts of vanished uploads. */
  override async deleteExpired(): Promise<number> {
    const cutoff = (this.options.now ?? Date.now)() - this.options.expirationMs;
    // Local copies are listed before the uploads: one made meanwhile belongs to an upload listed below.
    const copies = await readdir(this.options.tmpDir).catch(() => [] as string[]);
    const ids = new Set<string>();
    for await (const key of this.blobs.list(UPLOADS_PREFIX)) {
      const id = key.slice(UPLOADS_PREFIX.length).split('/')[0];
      if (id && UPLOAD_ID.test(id)) ids.add(id);
    }
    this.#digests.keepOnly(ids);
    // Shadows of uploads that another instance finished or removed.
    for (const name of copies) {
      const id = /^upload-([a-f0-9]{32})\.shadow$/.exec(name)?.[1];
      if (id && !ids.has(id)) await rm(join(this.options.tmpDir, name), { force: true });
    }
    let deleted = 0;
    // One upload that cannot be removed (its abort refused, say) does not keep the others.
    const failures: unknown[] = [];
    for (const id of ids) {
      try {
        const info = await this.#stored(id).catch(() => null);
        const created = info ? Date.parse(info.creationDate) : await this.#newestPartTime(id);
        if (Number.isFinite(created) && created < cutoff) {
          this.#digests.forget(id);
          await this.#removeAll(id);
          deleted += 1;
        }
      } catch (err) {
        failures.push(err);
      }
    }
    // Records of uploads created before the cut-off: their uploads are expired (or long gone).
    await this.options.records?.prune(new Date(cutoff));
    if (failures.length > 0) {
      throw new OtashipError('STORAGE', `${failures.length} expired upload(s) could not be removed (${deleted} were); the next sweep tries again`, { cause: failures[0] });
    }
    return deleted;
  }

  /**
   * Who created the upload (without its chain of parts), or null when there is none. Remembered: an
   * upload's owner never changes, and a request on an upload removed since finds it gone under its
   * lease (getUpload), so only the read is saved, not a check.
   */
  async owner(id: string): Promise<string | null> {
    const known = this.#owners.get(id);
    if (known !== undefined) return known;
    const owner = (await this.#stored(id))?.owner ?? null;
    if (owner !== null) {
      if (this.#owners.size >= OWNERS_REMEMBERED) this.#owners.delete(this.#owners.keys().next().value!);
      this.#owners.set(id, owner);
    }
    return owner;
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
    // Read at once (a missing upload is NOT_FOUND): no stat before, one request fewer per read.
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await this.blobs.get(key)) chunks.push(chunk as Buffer);
    } catch (err) {
      if (err instanceof OtashipError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    const { id: storedId, size, metadata, owner, creationDate, layout, multipart, assembled } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredInfo;
    return { id: storedId, size, metadata, owner, creationDate, ...(layout ? { layout } : {}), ...(multipart ? { multipart } : {}), ...(assembled ? { assembled } : {}) };
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
      const part: UploadPart = { key, offset: Number(m[1]), size: Number(m[2]), ...(m[4] ? { etag: Buffer.from(m[4], 'hex').toString('utf8') } : {}) };
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
    await this.#seal(info.id);
    await mkdir(this.options.tmpDir, { recursive: true });
    // `upload-…`: the start-up sweep of stale temp files knows the prefix.
    const path = join(this.options.tmpDir, `upload-${info.id}-${randomBytes(6).toString('hex')}.linked`);
    // The sealed file: no write opens it (writeAt never creates `data` again), so the release that
    // this link becomes shares its bytes with nothing an upload can still change.
    if (!(await this.blobs.linkFile(finalKey(info.id), path))) return null;
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

  /**
   * The finished upload's SHA-256 as computed while its PATCHes arrived on this instance, or null
   * when it was not (written by several instances, out of order, before a restart: see
   * running-digest.ts) and the bytes must be read back to hash them.
   */
  async finishedDigest(info: UploadInfo): Promise<string | null> {
    if (info.size === null || info.offset !== info.size) return null;
    if (info.layout === 'multipart') {
      const shadow = await stat(this.#shadowPath(info.id)).catch(() => null);
      return shadow ? this.#digests.digest(info.id, info.parts.map((p) => p.key), shadowVersion(shadow)) : null;
    }
    if (info.layout !== 'file') return null;
    return this.#digests.digest(info.id, info.parts.map((p) => p.key), await this.#fileVersion(info.id));
  }

  /**
   * A finished multipart-layout upload becomes its package: the last piece, if it was stored as a
   * tail, is sent as the last part, and the store assembles the parts (no byte crosses the network
   * again). Idempotent: an upload assembled already (a publish that failed after, or an instance that
   * died between the assembly and its record) is found assembled. The caller holds the write lease.
   */
  async assemble(info: UploadInfo): Promise<MultipartTarget> {
    const target = info.multipart;
    const multipart = this.blobs.multipart;
    if (info.layout !== 'multipart' || !target || !multipart || info.size === null || info.offset !== info.size) {
      throw new OtashipError('INTERNAL', `upload ${info.id} is not a finished multipart upload`);
    }
    // Assembled before, by a request that did not live to record it: the object is there, whole
    // (its key was made for this upload alone). Checked first: the parts are gone by then.
    const there = await this.blobs.stat(target.key);
    if (info.assembled && there?.size !== info.size) {
      throw new OtashipError('NOT_FOUND', `the package of upload ${info.id} is no longer stored (an earlier publish of it was refused, and no retry came for a day): upload it again`);
    }
    if (!info.assembled && there?.size !== info.size) {
      const P = target.partSize;
      const parts: StoredPart[] = [];
      // Full parts first (sent by the PATCHes), then the pieces of bytes after them, if any: sent now
      // as the last part.
      const sent = info.parts.filter((p) => p.etag !== undefined);
      const rest = info.parts.slice(sent.length);
      for (const [i, piece] of info.parts.entries()) {
        const aligned = i < sent.length ? piece.offset === i * P && (piece.size === P || i === info.parts.length - 1) : piece.etag === undefined;
        if (!aligned) throw new OtashipError('STORAGE', `upload ${info.id} has a piece of ${piece.size} bytes at byte ${piece.offset} that is not on its ${P}-byte parts`);
      }
      for (const piece of sent) parts.push({ partNumber: parts.length + 1, etag: piece.etag! });
      if (rest.length > 0) {
        const blobs = this.blobs;
        const size = rest.reduce((n, p) => n + p.size, 0);
        const body = Readable.from(
          (async function* () {
            for (const piece of rest) yield* await blobs.get(piece.key);
          })(),
        );
        parts.push(await multipart.uploadPart(target.key, target.writeId, parts.length + 1, body, size));
      }
      await multipart.complete(target.key, target.writeId, parts);
    }
    if (!info.assembled) await this.#saveInfo({ ...(await this.#stored(info.id))!, assembled: true });
    return target;
  }

  /**
   * The finished multipart-layout upload as a local file of exactly its bytes, without reading it
   * back: this instance's shadow, when this instance wrote every piece (its running digest covers
   * the chain), with that digest. The caller owns the file from then on. Null when the bytes must
   * come from the store.
   */
  async takeShadow(info: UploadInfo): Promise<{ path: string; sha256: string } | null> {
    if (info.layout !== 'multipart' || info.size === null) return null;
    const sha256 = await this.finishedDigest(info);
    if (sha256 === null) return null;
    const path = this.#shadowPath(info.id);
    const size = (await stat(path).catch(() => null))?.size ?? -1;
    if (size < info.size) return null;
    // Bytes past the chain's end (a piece that was not recorded) are not the upload's.
    if (size > info.size) await truncate(path, info.size);
    // Once taken the shadow is no longer the upload's: forget the run that vouched for it.
    this.#digests.forget(info.id);
    return { path, sha256 };
  }

  /** The upload file's ETag (size, mtime, inode on fs) under its final name or, before, `data`. */
  async #fileVersion(id: string): Promise<string | null> {
    return ((await this.blobs.stat(finalKey(id))) ?? (await this.blobs.stat(dataKey(id))))?.etag ?? null;
  }

  /**
   * A finished upload of the file layout: its data file gets its final name, in one atomic rename
   * under the upload's write lease. From then on no write reaches its bytes (writeAt opens only an
   * existing `data`). Idempotent: an upload sealed already (or an instance that crashed between the
   * last record and the rename) ends in the same state.
   */
  async #seal(id: string): Promise<void> {
    if (!this.blobs.rename) return;
    await this.blobs.rename(dataKey(id), finalKey(id));
  }

  /**
   * One PATCH in the file layout: its bytes go into `data` in place. Every SYNC_EVERY bytes they are
   * flushed and recorded (a marker part), so a crash keeps what was on disk; the last record replaces
   * the previous one. A full disk gives back this PATCH's bytes and records (507).
   */
  async #writeInPlace(info: UploadInfo, body: Readable, offset: number): Promise<number> {
    const id = info.id;
    const lease = this.options.leaseOf?.(id);
    lease?.check();
    let recorded: UploadPart | null = null;
    const record = async (written: number) => {
      lease?.check();
      const part = await this.#commitPart(id, offset, written, null, recorded);
      if (recorded) await this.blobs.delete(recorded.key).catch(() => undefined);
      recorded = part;
    };
    // Hashed as the bytes go into the data file (running-digest.ts); the lease makes this request
    // the upload's only writer, so a digest continued PATCH after PATCH covers exactly the file.
    // The lease is checked for every chunk: a request that lost it (a stalled process whose lease
    // lapsed) stops writing instead of writing over bytes that another request now owns. When the
    // bytes are hashed, the hashing stage checks it too (one stage fewer per chunk).
    const ticket = this.#digests.begin(id, offset);
    const hashed = ticket.hash ? hashedBody(body, ticket.hash, lease ? () => lease.check() : undefined) : null;
    const guarded = hashed?.stream ?? (lease ? checkingLease(body, lease) : body);
    let result: { written: number; bodyError: unknown };
    try {
      result = await this.blobs.writeAt!(dataKey(id), offset, guarded, {
        // An upload from before data files were made at creation has none until its first write.
        create: offset === 0 && info.parts.length === 0,
        onDurable: record,
        ...(this.options.syncEvery ? { syncEvery: this.options.syncEvery } : {}),
      });
    } catch (err) {
      const stale = recorded as UploadPart | null;
      if (stale && err instanceof OtashipError && err.code === 'INSUFFICIENT_STORAGE') {
        // The bytes were given back (writeAt): their record goes too.
        await this.blobs.delete(stale.key).catch(() => undefined);
      }
      if (err instanceof OtashipError && err.code === 'NOT_FOUND') throw finishedOrGone(id);
      throw err;
    }
    const { written, bodyError } = result;
    const before = recorded as UploadPart | null;
    if (written > (before?.size ?? 0)) {
      lease?.check();
      const part = await this.#commitPart(id, offset, written, null, before);
      if (before) await this.blobs.delete(before.key).catch(() => undefined);
      recorded = part;
    }
    if (info.size !== null && offset + written === info.size) await this.#seal(id);
    // The digest moves on only when it saw exactly the bytes this PATCH's record covers.
    const last = recorded as UploadPart | null;
    if (ticket.hash && hashed && last && last.offset === offset && last.size === written && hashed.hashed() === written) {
      this.#digests.committed(ticket, last.key, written, await this.#fileVersion(id));
    }
    // A body that failed while hashed ended the hashed stream cleanly: its failure is kept there.
    const failure = bodyError ?? hashed?.bodyError();
    if (failure) throw failure;
    return offset + written;
  }

  /** The uploaded bytes in order, streamed (constant memory). */
  read(info: UploadInfo): Readable {
    const parts = [...info.parts].sort((a, b) => a.offset - b.offset);
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    const blobs = this.blobs;
    void (async () => {
      try {
        if (info.layout === 'multipart') {
          // The pieces sent as parts are readable only once assembled.
          if (!info.assembled || !info.multipart) throw new OtashipError('STORAGE', `upload ${info.id} is read once it is assembled`);
          await pipeline(await blobs.get(info.multipart.key), out);
          return;
        }
        if (info.layout === 'file') {
          const key = (await blobs.stat(finalKey(info.id))) ? finalKey(info.id) : dataKey(info.id);
          if (info.offset > 0) await pipeline(await blobs.get(key, { start: 0, end: info.offset - 1 }), out);
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

  /**
   * Stores a part: `tmp` holds its bytes (a file, or a range of the shadow from `start`), or with
   * null they are already in `data` (a marker), or with `etag` they were sent as a part of the
   * multipart write (a marker naming the store's tag). `replacing`: this request's earlier, shorter
   * record of the same offset (a progress record), which the chain may end with instead of `offset`.
   */
  async #commitPart(
    id: string,
    offset: number,
    size: number,
    tmp: string | { path: string; start: number } | { etag: string } | null,
    replacing: UploadPart | null = null,
    /** Where the chain must end for this piece to continue it (default: `offset`, or `replacing`'s end). */
    expectedEnd?: number,
    /** Check the chain after the put; false: the caller confirms a run of records at once. */
    verify = true,
  ): Promise<UploadPart> {
    const etag = tmp !== null && typeof tmp === 'object' && 'etag' in tmp ? tmp.etag : undefined;
    // The body may have taken minutes to arrive (a stalled connection), and the client may have
    // resumed on another instance meanwhile: a part that no longer continues the chain is not stored.
    // A sent part's record holds no bytes, so for it the check after the put (below) is enough, and
    // a listing fewer per part counts on services whose listings are slow.
    if (etag === undefined) {
      const end = chainEnd(await this.#chain(id));
      const continues = expectedEnd !== undefined ? end === expectedEnd : end === offset || (replacing !== null && end === replacing.offset + replacing.size);
      if (!continues) throw ERRORS.INVALID_OFFSET;
    }
    const digits = (n: number) => String(n).padStart(16, '0');
    const tag = etag === undefined ? '' : `-e${Buffer.from(etag, 'utf8').toString('hex')}`;
    const key = `${UPLOADS_PREFIX}${id}/part-${digits(offset)}-${digits(size)}-${randomBytes(8).toString('hex')}${tag}`;
    if (tmp === null || typeof tmp === 'object') {
      const options = { size, contentType: 'application/octet-stream' };
      if (tmp !== null && 'path' in tmp) await this.blobs.put(key, createReadStream(tmp.path, { start: tmp.start, end: tmp.start + size - 1 }), options);
      else await this.blobs.put(key, Readable.from([]), { size: 0, contentType: 'application/octet-stream' });
    } else {
      // fs storage takes the PATCH's temp file as it is (a rename); others get its bytes copied.
      const options = { size, contentType: 'application/octet-stream' };
      if (!(await this.blobs.adoptFile?.(key, tmp, options))) await this.blobs.put(key, createReadStream(tmp), options);
    }
    // Another instance may have stored a part at this offset between our check and our put: only
    // the chain decides.
    if (verify && !(await this.#chain(id)).some((p) => p.key === key)) {
      await this.blobs.delete(key).catch(() => undefined);
      throw ERRORS.INVALID_OFFSET;
    }
    return { key, offset, size, ...(etag === undefined ? {} : { etag }) };
  }

  async #saveInfo(info: StoredInfo): Promise<void> {
    const body = Buffer.from(JSON.stringify(info));
    await this.blobs.put(infoKey(info.id), Readable.from([body]), { size: body.length, contentType: 'application/json' });
  }

  async #removeAll(id: string): Promise<void> {
    const stored = await this.#stored(id).catch(() => null);
    // Parts sent but not assembled are dropped; an assembled package is left to the release that
    // holds it or, if none does, to the blob sweeper (its prefix was recorded before the assembly).
    if (stored?.multipart && !stored.assembled) await this.blobs.multipart?.abort(stored.multipart.key, stored.multipart.writeId);
    await rm(this.#shadowPath(id), { force: true });
    const keys: string[] = [];
    for await (const key of this.blobs.list(`${UPLOADS_PREFIX}${id}/`)) keys.push(key);
    // Parts first, info last: a half-finished removal still shows up (and is finished) in the next
    // sweep. A few at a time: an upload of a few GiB has hundreds of part records.
    const parts = keys.filter((k) => k !== infoKey(id));
    const removing = async () => {
      for (let key = parts.pop(); key !== undefined; key = parts.pop()) await this.blobs.delete(key);
    };
    await Promise.all(Array.from({ length: REMOVE_CONCURRENCY }, removing));
    await this.blobs.delete(infoKey(id));
    await this.options.records?.remove(id);
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

/**
 * Which local copy a digest vouches for: a copy removed (a full disk, the stale-file sweep) and made
 * again by a later PATCH is another file, with holes where the earlier PATCHes wrote.
 */
function shadowVersion(st: { ino: number; birthtimeMs: number; ctimeMs: number }): string {
  return `shadow-${st.ino}-${st.birthtimeMs || st.ctimeMs}`;
}

/** Opens (or makes) a shadow file for writing at offsets; 'a' would append whatever the offset. */
async function openShadow(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return open(path, 'wx', 0o600).catch(() => open(path, 'r+'));
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer, position: number): Promise<number> {
  for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done, position + done)).bytesWritten;
  return chunk.length;
}

function chainEnd(parts: readonly UploadPart[]): number {
  const last = parts[parts.length - 1];
  return last ? last.offset + last.size : 0;
}

function dataKey(id: string): string {
  return `${UPLOADS_PREFIX}${id}/data`;
}

/** A finished upload's file (see #seal): read and linked, never opened for writing. */
function finalKey(id: string): string {
  return `${UPLOADS_PREFIX}${id}/final`;
}

/** A tus answer (status and text) for a write to an upload whose file is sealed or gone. */
function finishedOrGone(id: string): { status_code: number; body: string } {
  return {
    status_code: 410,
    body: `upload ${id} is finished or was removed and takes no more bytes: publish it (POST /api/v1/uploads/${id}/publish) or start a new upload\n`,
  };
}

/** The body, passed on while the lease is surely held; its failure or early end is passed on too. */
function checkingLease(body: Readable, lease: LeaseGuard): Readable {
  const out = new LeaseCheck(lease);
  body.once('error', (err) => out.destroy(err));
  body.once('close', () => {
    if (!body.readableEnded) out.destroy(new Error('the request body ended early'));
  });
  out.once('error', () => body.unpipe(out));
  body.pipe(out);
  return out;
}

/** Passes chunks on while the write lease is surely held; fails the stream once it is not. */
class LeaseCheck extends Transform {
  constructor(private readonly lease: LeaseGuard) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.lease.check();
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb(null, chunk);
  }
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
