// Ingest: `otaship publish` of one package, resumable (the default) and as one raw request, on disk
// storage and (when s3rver is available) on S3, against the one-pass limit measured in the same run:
// `sha256sum` of the same file. Every verifying ingest must read each byte once and hash it, so a
// server that hashes while the bytes arrive and never reads them back can approach that figure; `cp`
// (no hashing, no network, no sync) is printed for context.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3Env, startS3Child } from '../scale/index.js';
import { fmtMs, median, runMeasured } from '../lib/stats.js';
import { onCleanup } from './cleanup.js';
import { publishCommand, startOtaship, type Published } from './otaship.js';

const MiB = 1024 ** 2;
const S3_PUT = fileURLToPath(new URL('./s3-put.mjs', import.meta.url));
export const INGEST_TARGET = 0.8;

export interface IngestInput {
  ipa: string;
  ipaBytes: number;
  /** Runs on disk storage (at least one: the later sections serve its release) and on S3 (0: skip). */
  runs: { disk: number; s3: number };
  /** Print the disk rows (else disk ingest only publishes the release for the later sections). */
  reportDisk: boolean;
  dir: string;
  token: string;
  /** The data dir shared with the instances that serve the published release afterwards. */
  dataDir: string;
}

export interface IngestOutput {
  rows: string[][];
  notes: string[];
  /** A release published on disk storage (served by the later sections). */
  published: Published;
}

const mibps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

/**
 * Another S3-compatible service to measure S3 ingest against instead of s3rver (BENCH_S3: JSON with
 * endpoint, bucket, accessKeyId, secretAccessKey, and optionally region and a name for the rows),
 * e.g. a local Ceph RADOS Gateway or MinIO. Path-style addressing.
 */
interface ExternalS3 {
  name: string;
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

function externalS3(): ExternalS3 | null {
  const raw = process.env.BENCH_S3;
  if (!raw) return null;
  const v = JSON.parse(raw) as Partial<ExternalS3>;
  for (const field of ['endpoint', 'bucket', 'accessKeyId', 'secretAccessKey'] as const) {
    if (typeof v[field] !== 'string' || !v[field]) throw new Error(`BENCH_S3 needs "${field}" (JSON: endpoint, bucket, accessKeyId, secretAccessKey, region?, name?)`);
  }
  return { ...(v as ExternalS3), name: v.name ?? new URL(v.endpoint!).host };
}

async function ensureBucket(s3: ExternalS3): Promise<void> {
  const { S3Client, CreateBucketCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket })).catch(() => client.send(new CreateBucketCommand({ Bucket: s3.bucket })));
  } finally {
    client.destroy();
  }
}

/** Writes back every dirty page of the machine (untimed), so the next timed command starts clean. */
async function settleDisk(): Promise<void> {
  const r = await runMeasured('sync', []);
  if (r.code !== 0) throw new Error(`sync failed: ${r.stderr.trim()}`);
}

export async function measureIngest(input: IngestInput): Promise<IngestOutput> {
  const { ipa, ipaBytes, runs, dir, token } = input;
  const clientEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  const ms = { sha: [] as number[], cp: [] as number[], s3put: [] as number[] };
  // CPU time (ms): sha256sum's, and each publish's client + server. Wall times on a shared machine
  // swing with outside load; the work done does not, so these say whether a change saved work.
  const cpu = { sha: [] as number[] };
  const cpuOf = new Map<string, number[]>();
  const modes = ['resumable', 'raw'] as const;
  interface Backend {
    env: Record<string, string>;
    stop: () => Promise<void>;
    /** Puts the file straight into the storage without otaship (the storage's own limit), if it has one to measure. */
    direct?: () => Promise<number>;
  }
  const backends: Array<{ name: string; env: () => Promise<Backend> }> = [
    { name: 'disk', env: async () => ({ env: { OTASHIP_DATA_DIR: input.dataDir }, stop: async () => undefined }) },
  ];
  const notes: string[] = [];
  const external = externalS3();
  if (runs.s3 > 0 && external) {
    backends.push({
      name: `S3 (${external.name})`,
      env: async () => {
        await ensureBucket(external);
        // A fresh prefix per run: nothing of an earlier run is in the way (nor removed: it is their bucket).
        const prefix = `otaship-bench-${Date.now().toString(36)}/`;
        return {
          env: {
            OTASHIP_DATA_DIR: join(dir, 'data-s3'),
            OTASHIP_STORAGE: 's3',
            OTASHIP_S3_BUCKET: external.bucket,
            OTASHIP_S3_ENDPOINT: external.endpoint,
            OTASHIP_S3_REGION: external.region ?? 'us-east-1',
            OTASHIP_S3_FORCE_PATH_STYLE: 'true',
            OTASHIP_S3_ACCESS_KEY_ID: external.accessKeyId,
            OTASHIP_S3_SECRET_ACCESS_KEY: external.secretAccessKey,
            OTASHIP_S3_PREFIX: prefix,
          },
          stop: async () => undefined,
          direct: async () => {
            const put = await runMeasured(process.execPath, [S3_PUT, ipa, external.endpoint, external.bucket, `${prefix}direct/${ms.s3put.length}.ipa`], {
              ...process.env,
              S3_ACCESS_KEY_ID: external.accessKeyId,
              S3_SECRET_ACCESS_KEY: external.secretAccessKey,
              S3_REGION: external.region ?? 'us-east-1',
            });
            if (put.code !== 0) throw new Error(`the direct S3 put failed: ${put.stderr.trim()}`);
            return put.ms;
          },
        };
      },
    });
  } else if (runs.s3 > 0) {
    backends.push({
      name: 'S3 (s3rver)',
      env: async () => {
        const s3 = await startS3Child();
        const stop = onCleanup(() => s3.stop());
        return {
          env: {
            OTASHIP_DATA_DIR: join(dir, 'data-s3'),
            ...s3Env(s3),
          },
          stop,
          direct: async () => {
            const put = await runMeasured(process.execPath, [S3_PUT, ipa, s3.endpoint, s3.bucket, `direct/${ms.s3put.length}.ipa`]);
            if (put.code !== 0) throw new Error(`the direct S3 put failed: ${put.stderr.trim()}`);
            return put.ms;
          },
        };
      },
    });
  }
  const results = new Map<string, number[]>();
  let published: Published | undefined;
  for (const backend of backends) {
    let started;
    try {
      started = await backend.env();
    } catch (err) {
      notes.push(`ingest on ${backend.name}: not measured (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const server = await startOtaship({ ...started.env, OTASHIP_ADMIN_TOKEN: token }, 'loopback');
    const stop = onCleanup(() => server.stop());
    try {
      const count = backend.name === 'disk' ? Math.max(1, runs.disk) : runs.s3;
      for (let i = 0; i < count; i++) {
        // The references run inside the same loop, so a burst of outside load hits both sides alike.
        // Every timed command starts with nothing left to write back (`sync`, untimed): a publish
        // flushes its file before it answers, and must not also pay for what ran before it.
        await settleDisk();
        const h = await runMeasured('sha256sum', [ipa]);
        if (h.code !== 0) throw new Error(`sha256sum failed: ${h.stderr.trim()}`);
        ms.sha.push(h.ms);
        cpu.sha.push(h.cpuMs);
        const c = await runMeasured('cp', [ipa, join(dir, 'copy.ipa')]);
        if (c.code !== 0) throw new Error(`cp failed: ${c.stderr.trim()}`);
        ms.cp.push(c.ms);
        await rm(join(dir, 'copy.ipa'), { force: true });
        if (started.direct) ms.s3put.push(await started.direct());
        for (const mode of i % 2 ? [...modes].reverse() : modes) {
          await settleDisk();
          const serverCpu = server.cpuMs();
          const p = await runMeasured(...publishCommand(ipa, server, token, mode === 'resumable'), clientEnv);
          if (p.code !== 0) throw new Error(`otaship publish (${mode}, ${backend.name}) failed: ${p.stderr.trim()}`);
          const key = `${backend.name}/${mode}`;
          results.set(key, [...(results.get(key) ?? []), p.ms]);
          cpuOf.set(key, [...(cpuOf.get(key) ?? []), p.cpuMs + server.cpuMs() - serverCpu]);
          if (backend.name === 'disk') published = JSON.parse(p.stdout) as Published;
        }
      }
    } finally {
      await stop();
      await started.stop();
    }
  }
  const shaMs = median(ms.sha);
  const shaRate = mibps(ipaBytes, shaMs);
  const rows: string[][] = [];
  for (const [key, values] of results) {
    const [backend, mode] = key.split('/') as [string, string];
    if (backend === 'disk' && !input.reportDisk) continue;
    const rate = mibps(ipaBytes, median(values));
    rows.push([
      `ingest ${backend}: publish${mode === 'raw' ? ' --no-resume' : ''} vs sha256sum`,
      `${fmtMs(median(values))} (${rate.toFixed(0)} MiB/s)`,
      `${fmtMs(shaMs)} (${shaRate.toFixed(0)} MiB/s, sha256sum)`,
      `${(rate / shaRate).toFixed(2)}x throughput`,
      `≥ ${INGEST_TARGET.toFixed(2)}x: ${rate / shaRate >= INGEST_TARGET ? 'met' : 'MISSED'}`,
    ]);
  }
  const shaCpu = median(cpu.sha);
  for (const [key, values] of cpuOf) {
    const [backend, mode] = key.split('/') as [string, string];
    if (backend === 'disk' && !input.reportDisk) continue;
    rows.push([
      `(CPU ${backend}: publish${mode === 'raw' ? ' --no-resume' : ''}, client + server)`,
      fmtMs(median(values)),
      `${fmtMs(shaCpu)} (sha256sum)`,
      `${(median(values) / shaCpu).toFixed(2)}x CPU time`,
      '-',
    ]);
  }
  if (ms.s3put.length > 0) {
    // What the S3 service itself takes in, straight from the SDK: no client of it can ingest faster.
    const putRate = mibps(ipaBytes, median(ms.s3put));
    rows.push([
      '(context: S3 service alone, SDK multipart put)',
      `${fmtMs(median(ms.s3put))} (${putRate.toFixed(0)} MiB/s)`,
      'sha256sum',
      `${(putRate / shaRate).toFixed(2)}x throughput`,
      '-',
    ]);
    for (const [key, values] of results) {
      if (!key.startsWith('S3')) continue;
      const rate = mibps(ipaBytes, median(values));
      rows.push([`(context: ${key.replace('/', ' ')} vs the S3 service alone)`, `${rate.toFixed(0)} MiB/s`, `${putRate.toFixed(0)} MiB/s`, `${(rate / putRate).toFixed(2)}x throughput`, '-']);
    }
  }
  const cpRate = mibps(ipaBytes, median(ms.cp));
  rows.push(['(context: cp of the file)', `${fmtMs(median(ms.cp))} (${cpRate.toFixed(0)} MiB/s)`, 'sha256sum', `${(cpRate / shaRate).toFixed(2)}x throughput`, '-']);
  notes.push(
    `ingest runs (ms): sha256sum ${ms.sha.map((v) => v.toFixed(0)).join(' ')}; cp ${ms.cp.map((v) => v.toFixed(0)).join(' ')}; ` +
      (ms.s3put.length > 0 ? `S3 put ${ms.s3put.map((v) => v.toFixed(0)).join(' ')}; ` : '') +
      [...results].map(([k, v]) => `${k} ${v.map((x) => x.toFixed(0)).join(' ')}`).join('; '),
  );
  if (!published) throw new Error('no release was published on disk storage');
  return { rows, notes, published };
}
