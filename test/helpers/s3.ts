// A local S3 endpoint for tests: s3rver on 127.0.0.1 at a random free port, storing into a temp
// directory that is deleted on stop, with atomic PUTs (./s3rver-atomic.ts). The adapter talks to it
// with real AWS SDK calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3StorageConfig } from '../../src/storage/config.js';
import { makeS3rverPutsAtomic } from './s3rver-atomic.js';
import { addAbortMultipartUpload, patchS3rverMultipart, type S3rverApp } from './s3rver-multipart.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps its files (tests of the double itself look inside). */
  directory: string;
  /** A StorageConfig for this server; prefix optional. */
  config(prefix?: string): S3StorageConfig;
  /** Server settings (startTestServer's `settings`) for storage on this server; prefix optional. */
  serverSettings(prefix?: string): Record<string, string>;
  /** Fault tests: stops answering (its objects stay) and starts again on the same port. */
  outage: { stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

export async function startS3(bucket = 'otaship-test'): Promise<LocalS3> {
  // s3rver ships no type declarations; the constructor shape we use is declared above.
  const moduleName = 's3rver';
  const { default: S3rver } = (await import(moduleName)) as { default: S3rverCtor };
  // Like S3, and unlike s3rver as shipped: a PUT replaces the object atomically.
  await makeS3rverPutsAtomic();
  // Like S3, and unlike s3rver as shipped: multipart uploads can be aborted, and a gone one is NoSuchUpload.
  await patchS3rverMultipart();
  const directory = mkdtempSync(join(tmpdir(), 'otaship-s3rver-'));
  const make = (port: number) => {
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    addAbortMultipartUpload(s as unknown as S3rverApp, (s as unknown as { store: unknown }).store);
    return s;
  };
  let server = make(0);
  const { port } = await server.run();
  let running = true;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    serverSettings: (prefix) => ({
      storage: 's3',
      s3Bucket: bucket,
      s3Endpoint: endpoint,
      s3Region: 'us-east-1',
      s3ForcePathStyle: 'true',
      s3AccessKeyId: 'S3RVER',
      s3SecretAccessKey: 'S3RVER',
      ...(prefix ? { s3Prefix: prefix } : {}),
    }),
    config: (prefix) => ({
      kind: 's3',
      bucket,
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      ...(prefix ? { prefix } : {}),
    }),
    outage: {
      async stop() {
        await server.close();
        running = false;
      },
      async start() {
        server = make(port);
        await server.run();
        running = true;
      },
    },
    async stop() {
      try {
        if (running) await server.close();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
