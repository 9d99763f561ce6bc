// The SHA-256 of a resumable upload, computed while its PATCHes arrive, so that publishing never
// reads the finished upload back just to hash it (that re-read was a second full pass over the
// package). Node's Hash state cannot be saved or sent to another instance, so a digest lives in the
// memory of the instance that received the bytes, and it is only trusted when that instance wrote
// every part of the chain, in order:
//   - a PATCH continues the digest only if it starts where the digest ends; it hashes a copy
//     (Hash#copy), which replaces the digest once its part is in the chain, so a PATCH refused at
//     commit (409) leaves the digest as it was; a part committed without a digest ends the run;
//   - at publish the digest must cover exactly the chain's parts (a part another instance stored
//     breaks the run), and the data file must still be the version the last PATCH left
//     (BlobStore.stat's ETag: size, mtime and inode on fs);
//   - one request at a time writes an upload, across instances (the database lease, upload-lock.ts),
//     and the last byte seals the file (blob-upload-store.ts), so no bytes reach it that a digest
//     did not see.
// In every other case (several instances, a restart) the caller reads the file back. The common
// case, one client sending its PATCHes in order to one instance, takes the fast path.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

interface Run {
  hash: Hash;
  /** Bytes hashed: where the next PATCH must start to continue the run. */
  end: number;
  /** Keys of the chain's parts the hash covers, in order. */
  parts: string[];
  /** The data blob's ETag right after the last PATCH: any later write changes it. */
  version: string | null;
}

/** One PATCH's share: the hash it feeds (a copy until its part is committed). */
export interface DigestTicket {
  readonly id: string;
  readonly offset: number;
  /** Null when this PATCH does not continue a digest. */
  readonly hash: Hash | null;
  /** The run's part keys this PATCH continues. */
  readonly parts: readonly string[];
}

export class RunningDigests {
  readonly #runs = new Map<string, Run>();

  /**
   * Called before a PATCH at `offset` (the chain's end, as checked) writes a byte. With `version`,
   * the run continues only if it was left at that version (the local copy it vouches for is the
   * same file: one removed and made again has holes where earlier PATCHes wrote).
   */
  begin(id: string, offset: number, version?: string): DigestTicket {
    const run = this.#runs.get(id);
    if (offset === 0) return { id, offset, hash: createHash('sha256'), parts: [] };
    if (run && run.end === offset && (version === undefined || run.version === version)) return { id, offset, hash: run.hash.copy(), parts: run.parts };
    return { id, offset, hash: null, parts: [] };
  }

  /**
   * Called once the PATCH's part is in the chain (`committed`: its key, or its pieces' keys in order), with the bytes it wrote and
   * the data blob's ETag after them. A PATCH that stored no part changes nothing here (its bytes,
   * if any landed, are marked stray by the store).
   */
  committed(ticket: DigestTicket, committed: string | readonly string[], written: number, version: string | null, superseded: readonly string[] = []): void {
    // Without a hash the run stays as it was; it no longer covers the chain, so it is never used.
    if (!ticket.hash) return;
    // `superseded`: pieces the chain no longer holds, as a piece of this PATCH covers their bytes too.
    const parts = [...ticket.parts.filter((k) => !superseded.includes(k)), ...(typeof committed === 'string' ? [committed] : committed)];
    this.#runs.set(ticket.id, { hash: ticket.hash, end: ticket.offset + written, parts, version });
  }

  /**
   * The finished upload's SHA-256 when this instance computed it over exactly the chain `parts`
   * and the data blob is still at `version`; null when the caller must read the bytes back.
   */
  digest(id: string, parts: readonly string[], version: string | null): string | null {
    const run = this.#runs.get(id);
    // The chain's parts end at its offset, which the caller checked is the upload's size.
    if (!run || !sameKeys(run.parts, parts) || run.version === null || run.version !== version) return null;
    // digest() ends a Hash: take it from a copy, so asking twice gives the same answer.
    return run.hash.copy().digest('hex');
  }

  forget(id: string): void {
    this.#runs.delete(id);
  }

  /** Drops the digests of uploads that no longer exist (finished or removed on another instance). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.#runs.keys()) if (!ids.has(id)) this.#runs.delete(id);
  }
}

/**
 * The body as the data file will receive it, hashed on the way (same pass, no second read). A body
 * that fails or closes early ends this stream instead of destroying it, so every chunk that was
 * hashed also reaches the file (a destroyed stream would drop chunks it had already passed on); the
 * body's failure is kept for the caller, who reports it after storing what arrived. `check`, run
 * before each chunk, may refuse it (the write lease, in blob-upload-store.ts) by throwing: the stream
 * then fails with that error, and the refused chunk is neither hashed nor passed on. One stage does
 * both, as every stage costs the upload's bytes a hop on the main thread.
 */
export function hashedBody(body: Readable, hash: Hash, check?: () => void): { stream: Readable; hashed: () => number; bodyError: () => unknown } {
  let hashed = 0;
  let failure: unknown = null;
  const out = new Transform({
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        check?.();
      } catch (err) {
        cb(err as Error);
        return;
      }
      hash.update(chunk);
      hashed += chunk.length;
      cb(null, chunk);
    },
  });
  const stop = (err: unknown) => {
    failure ??= err;
    body.unpipe(out);
    if (!out.writableEnded) out.end();
  };
  body.once('error', stop);
  body.once('close', () => {
    if (!body.readableEnded) stop(new Error('the request body ended early'));
  });
  out.once('error', () => body.unpipe(out));
  body.pipe(out);
  return { stream: out, hashed: () => hashed, bodyError: () => failure };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
