// The S3 service's own ingest limit, for the ingest bench: one file put straight into the bucket
// with the AWS SDK's multipart Upload (what a client with credentials would do), no otaship in
// between. Usage: node s3-put.mjs <file> <endpoint> <bucket> <key> (credentials: S3_ACCESS_KEY_ID,
// S3_SECRET_ACCESS_KEY, S3_REGION; default: s3rver's)
import { createReadStream } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [file, endpoint, bucket, key] = process.argv.slice(2);
const client = new S3Client({
  endpoint,
  region: process.env.S3_REGION ?? 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'S3RVER', secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'S3RVER' },
  // As otaship's S3 store by default (OTASHIP_S3_CHECKSUM=when_required): the same work per byte.
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(file, { highWaterMark: 1024 * 1024 }) }, partSize: 8 * 1024 * 1024, queueSize: 4 }).done();
client.destroy();
