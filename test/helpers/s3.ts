// A local S3 endpoint for tests: s3rver on 127.0.0.1 at a random free port, storing into a temp
// directory that is deleted on stop, with atomic PUTs (./s3rver-atomic.ts). The adapter talks to it
// with real AWS SDK calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3StorageConfig } from '../../src/storage/config.js';
import { makeS3rverPutsAtomic } from './s3rver-atomic.js';

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
  const directory = mkdtempSync(join(tmpdir(), 'otaship-s3rver-'));
  const make = (port: number) =>
    new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
  let server = make(0);
  const { port } = await server.run();
  let running = true;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
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
