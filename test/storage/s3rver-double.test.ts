// The local S3 double (s3rver, patched by test/helpers/s3rver-atomic.ts) replaces objects
// atomically, as S3 does: while a PUT's body is still arriving, GET and listings show the previous
// version whole and no temp file; once it completes, the new version whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startS3, type LocalS3 } from '../helpers/s3.js';

let s3: LocalS3;
before(async () => {
  s3 = await startS3('double');
});
after(async () => {
  await s3?.stop();
});

async function listKeys(prefix: string): Promise<string[]> {
  const xml = await (await fetch(`${s3.endpoint}/${s3.bucket}?list-type=2&prefix=${prefix}`)).text();
  return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
}

/** Waits (bounded) until some file in dir holds exactly `size` bytes: the stalled PUT's first half. */
async function untilAFileHolds(dir: string, size: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    for (const name of await readdir(dir)) {
      if ((await stat(join(dir, name)).catch(() => null))?.size === size) return;
    }
    await sleep(10);
  }
  assert.fail(`s3rver never wrote the first ${size} bytes of the PUT`);
}

test('a PUT whose body is still arriving is invisible; then the new version appears whole', async () => {
  const url = `${s3.endpoint}/${s3.bucket}/r/a.bin`;
  assert.equal((await fetch(url, { method: 'PUT', body: 'old version' })).status, 200);

  const first = 'NEW-FIRST-HALF-OF-IT';
  const second = '+AND-THE-SECOND-HALF';
  const put = request(url, { method: 'PUT', headers: { 'content-length': String(first.length + second.length) } });
  const answered = new Promise<number>((resolve, reject) => {
    put.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    put.once('error', reject);
  });
  put.write(first);
  await untilAFileHolds(join(s3.directory, s3.bucket, 'r'), first.length);

  assert.equal(await (await fetch(url)).text(), 'old version');
  assert.deepEqual(await listKeys('r/'), ['r/a.bin']);

  put.end(second);
  assert.equal(await answered, 200);
  assert.equal(await (await fetch(url)).text(), first + second);
  assert.deepEqual(await listKeys('r/'), ['r/a.bin']);
  const files = (await readdir(join(s3.directory, s3.bucket, 'r'))).sort();
  assert.deepEqual(files, ['a.bin._S3rver_metadata.json', 'a.bin._S3rver_object', 'a.bin._S3rver_object.md5'], 'no temp file is left');
});
