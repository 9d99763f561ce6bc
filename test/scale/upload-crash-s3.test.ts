// As upload-crash.test.ts, with S3 storage (the local s3rver): a server process killed (SIGKILL) in
// the middle of a resumable upload's PATCH keeps the parts it had sent to the release's multipart
// upload (one every SYNC_EVERY bytes, each recorded by a piece naming its ETag), and the upload
// resumes from exactly there (the scenario: crash-mid-patch.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { SYNC_EVERY } from '../../src/ports/blob-store.js';
import { openBlobStore } from '../../src/storage/open.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';
import { crashMidPatch, type Served } from './crash-mid-patch.js';
import { cliCommand } from './instances.js';

const PREFIX = 'crash/';
let dataDir: string;
let s3: LocalS3;
let bucket: BlobStore;
let running: Served | undefined;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-crash-s3-'));
  s3 = await startS3('otaship-crash');
  bucket = await openBlobStore(s3.config(PREFIX));
});
after(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  await s3?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The upload's pieces in the bucket (offset, size, key and a sent part's ETag from their names), seen as the server sees them. */
async function partsIn(id: string): Promise<Array<{ key: string; offset: number; size: number; etag: string | null }>> {
  const parts = [];
  for await (const key of bucket.list(`uploads/${id}/part-`)) {
    const m = /\/part-(\d{16})-(\d{16})-[a-f0-9]+(?:-e([a-f0-9]+))?$/.exec(key);
    if (m) parts.push({ key, offset: Number(m[1]), size: Number(m[2]), etag: m[3] ? Buffer.from(m[3], 'hex').toString('utf8') : null });
  }
  return parts.sort((a, b) => a.offset - b.offset);
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('a server on S3 storage killed in the middle of a PATCH', () => {
  test(`keeps the parts it had stored; the upload resumes from there (${cliCommand().fromSource ? 'from source' : 'bin/otaship'})`, { timeout: 180_000 }, async () => {
    await crashMidPatch(
      {
        dataDir,
        env: {
          OTASHIP_STORAGE: 's3',
          OTASHIP_S3_BUCKET: s3.bucket,
          OTASHIP_S3_ENDPOINT: s3.endpoint,
          OTASHIP_S3_REGION: 'us-east-1',
          OTASHIP_S3_FORCE_PATH_STYLE: 'true',
          OTASHIP_S3_ACCESS_KEY_ID: 'S3RVER',
          OTASHIP_S3_SECRET_ACCESS_KEY: 'S3RVER',
          OTASHIP_S3_PREFIX: PREFIX,
        },
        stored: async (id) => Math.max(0, ...(await partsIn(id)).map((p) => p.offset + p.size)),
        // One part of SYNC_EVERY bytes; the 4 MiB after it never fill another.
        expectStored: (seen, sent) => assert.equal(seen, SYNC_EVERY, `stored ${seen} of the ${sent} bytes sent`),
        checkStoredBytes: async (id, offset, file) => {
          // A sent part is readable only once assembled; S3 (and s3rver) tag it with the MD5 of its bytes.
          const pieces = await partsIn(id);
          assert.equal(pieces.reduce((n, p) => n + p.size, 0), offset);
          for (const piece of pieces) {
            const expected = file.subarray(piece.offset, piece.offset + piece.size);
            if (piece.etag) assert.equal(piece.etag, `"${createHash('md5').update(expected).digest('hex')}"`, "the part sent holds the file's bytes");
            else assert.ok((await collect(await bucket.get(piece.key))).equals(expected), "the piece holds the file's bytes");
          }
        },
      },
      (served) => (running = served),
    );
  });
});
