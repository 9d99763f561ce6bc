// Makes s3rver (our local S3 double) replace objects atomically, as S3 does. s3rver's
// FilesystemStore.putObject streams the body straight into the object's file, so a second PUT to
// the same key, or a reader, meets a half-written or interleaved object: code that is right on S3
// (the conformance suite's concurrent-puts test, tus parts) would look broken against the double.
//
// Patched here, once per process, for every s3rver started through test/helpers/s3.ts (tests, the
// multi-instance test, the scale benchmark's s3rver child):
// - putObject writes the body to a temp file in the object's own directory (same filesystem, so
//   rename() is atomic) and renames it over the object; the temp name does not end in s3rver's
//   object suffix, so listings never show it. The file is complete before the PUT is answered
//   (s3rver answered once the body was read, not written). The rename and the ETag (md5) and
//   metadata files are swapped under a per-object lock, so two PUTs cannot leave one's bytes with
//   the other's ETag.
// - listObjects walks the directories with readdir then stat: a temp file renamed away (or an
//   object deleted) in between made the listing fail with ENOENT, which S3 never does; the walk is
//   simply started again.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** s3rver's object suffix: `<name>._S3rver_object` is the object, anything else is not listed. */
const OBJECT_SUFFIX = '._S3rver_object';
const LIST_ATTEMPTS = 20;

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  listObjects(...args: unknown[]): Promise<unknown>;
}

let patched: Promise<void> | null = null;

export function makeS3rverPutsAtomic(): Promise<void> {
  return (patched ??= patch());
}

async function patch(): Promise<void> {
  // s3rver ships no type declarations; the shape used is declared above.
  const moduleName = 's3rver/lib/stores/filesystem.js';
  const { default: Store } = (await import(moduleName)) as { default: { prototype: FilesystemStore } };
  const locks = new Map<string, Promise<unknown>>();

  Store.prototype.putObject = async function putObject(this: FilesystemStore, object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    if (!objectPath.endsWith(OBJECT_SUFFIX)) throw new Error(`s3rver's object file layout changed (${objectPath}): update ${import.meta.url}`);
    await mkdir(dirname(objectPath), { recursive: true });
    const tmp = `${objectPath}.${randomBytes(8).toString('hex')}.incoming`;
    try {
      const hash = createHash('md5');
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      await pipeline(body, measure, createWriteStream(tmp));
      const md5 = hash.digest('hex');
      await serialized(locks, objectPath, async () => {
        await rename(tmp, objectPath);
        await this.putMetadata(object.bucket, object.key, object.metadata, md5);
      });
      return { size, md5 };
    } finally {
      await rm(tmp, { force: true });
    }
  };

  const listObjects = Store.prototype.listObjects;
  Store.prototype.listObjects = async function (this: FilesystemStore, ...args: unknown[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await listObjects.apply(this, args);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= LIST_ATTEMPTS) throw err;
      }
    }
  };
}

/** Runs fn after every earlier fn for the same name has finished (an in-process lock). */
function serialized<T>(locks: Map<string, Promise<unknown>>, name: string, fn: () => Promise<T>): Promise<T> {
  const run = (locks.get(name) ?? Promise.resolve()).then(fn);
  const settled = run.catch(() => undefined);
  locks.set(name, settled);
  void settled.then(() => {
    if (locks.get(name) === settled) locks.delete(name);
  });
  return run;
}
