// Unfinished multipart uploads on S3: sweepTemporary lists them (ListMultipartUploads) and aborts
// those older than the cutoff. s3rver does not implement that listing, so against it the sweep must
// say so in words an operator can act on (a bucket lifecycle rule), not fail obscurely; servers on
// such a service still start (test/server/s3-outage.test.ts starts one on s3rver).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOtashipError } from '../../src/core/errors.js';
import { S3BlobStore } from '../../src/storage/s3.js';
import { startS3, type LocalS3 } from '../helpers/s3.js';

let s3: LocalS3;
before(async () => {
  s3 = await startS3('otaship-sweep-test');
});
after(async () => {
  await s3?.stop();
});

test('an S3 service without ListMultipartUploads: a STORAGE error naming the lifecycle rule', async () => {
  const store = new S3BlobStore(s3.config('sweep/'));
  try {
    await assert.rejects(store.sweepTemporary(new Date(), { dryRun: true }), (err: unknown) => {
      assert.ok(isOtashipError(err), String(err));
      assert.equal(err.code, 'STORAGE');
      assert.match(err.message, /ListMultipartUploads.*lifecycle rule/);
      return true;
    });
  } finally {
    await store.close();
  }
});
