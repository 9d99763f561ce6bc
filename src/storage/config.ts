// What openBlobStore() needs, and a compact text form of it for the command line
// (`otaship storage migrate --from fs:./data/blobs --to s3://bucket/prefix?region=…`).
// This module reads no environment variables: src/config maps OTASHIP_* settings to a StorageConfig.
import { OtashipError } from '../core/errors.js';

export type S3ChecksumMode = 'when_required' | 'when_supported';

export interface FsStorageConfig {
  kind: 'fs';
  /** Directory holding the blobs (created when missing). */
  root: string;
}

export interface MemoryStorageConfig {
  kind: 'memory';
}

export interface S3StorageConfig {
  kind: 's3';
  bucket: string;
  region?: string;
  /** Custom endpoint for S3-compatible services (MinIO, R2, s3rver…). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Omit both to use the AWS SDK's default credential chain. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Prepended to every key, e.g. 'otaship/'. */
  prefix?: string;
  /**
   * 'when_required' (default) sends no flexible checksums on streamed uploads: several
   * S3-compatible servers store the aws-chunked framing inside the object otherwise.
   */
  checksum?: S3ChecksumMode;
  /** Multipart part size in bytes (default and minimum 8 MiB). */
  partSize?: number;
  /** Parts uploaded in parallel (default 2); memory ≈ partSize × queueSize. */
  queueSize?: number;
  /** Connecting to the endpoint may take this long (ms, default 10 s). */
  connectionTimeoutMs?: number;
  /** A request's socket may idle this long (ms, default 150 s) before the request fails (503). */
  socketTimeoutMs?: number;
}

export type StorageConfig = FsStorageConfig | MemoryStorageConfig | S3StorageConfig;

function hideCredentials(text: string): string {
  return text.replace(/\/\/[^@/]*@/, '//***@');
}

function bool(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new OtashipError('USAGE', `storage option ${name}=${value} is not true or false`);
}

/**
 * Parses `fs:<dir>` (or a plain directory), `memory:`, or
 * `s3://[<accessKeyId>:<secretAccessKey>@]<bucket>[/<prefix>]?region=…&endpoint=…&forcePathStyle=true&checksum=when_required`.
 */
export function parseStorageSpec(spec: string): StorageConfig {
  const text = spec.trim();
  if (text === '') throw new OtashipError('USAGE', 'storage location is empty: give fs:<dir> or s3://<bucket>[/<prefix>]');
  if (text === 'memory:') return { kind: 'memory' };
  if (/^s3:\/\//i.test(text)) return parseS3(text);
  if (/^fs:/i.test(text)) {
    const root = text.slice(3).replace(/^\/\/(?=\/)/, '');
    if (root === '') throw new OtashipError('USAGE', `storage location ${spec} names no directory`);
    return { kind: 'fs', root };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new OtashipError('USAGE', `storage location ${hideCredentials(text)} has an unknown scheme: use fs:<dir> or s3://<bucket>`);
  }
  return { kind: 'fs', root: text };
}

function parseS3(text: string): S3StorageConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OtashipError('USAGE', `storage location ${hideCredentials(text)} is not a valid s3:// URL`);
  }
  const bucket = decodeURIComponent(url.hostname);
  if (!bucket) throw new OtashipError('USAGE', 'storage location s3:// names no bucket');
  const config: S3StorageConfig = { kind: 's3', bucket };
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (prefix) config.prefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  if (url.username) config.accessKeyId = decodeURIComponent(url.username);
  if (url.password) config.secretAccessKey = decodeURIComponent(url.password);
  for (const [name, value] of url.searchParams) {
    switch (name) {
      case 'region':
        config.region = value;
        break;
      case 'endpoint':
        config.endpoint = value;
        break;
      case 'forcePathStyle':
        config.forcePathStyle = bool(name, value);
        break;
      case 'checksum':
        if (value !== 'when_required' && value !== 'when_supported') {
          throw new OtashipError('USAGE', `storage option checksum=${value} must be when_required or when_supported`);
        }
        config.checksum = value;
        break;
      case 'partSize':
      case 'queueSize': {
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n <= 0) throw new OtashipError('USAGE', `storage option ${name}=${value} is not a positive whole number`);
        config[name] = n;
        break;
      }
      default:
        throw new OtashipError('USAGE', `unknown s3 storage option "${name}" (known: region, endpoint, forcePathStyle, checksum, partSize, queueSize)`);
    }
  }
  return config;
}

/** A description safe to print: no secrets. */
export function describeStorage(config: StorageConfig): string {
  switch (config.kind) {
    case 'fs':
      return `fs:${config.root}`;
    case 'memory':
      return 'memory:';
    case 's3':
      return `s3://${config.bucket}/${config.prefix ?? ''}${config.endpoint ? ` (endpoint ${config.endpoint})` : ''}`;
  }
}
