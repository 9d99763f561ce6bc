// Scale-out benchmark (issue #4), everything measured in the same run:
//  1. publish and install throughput on PostgreSQL + S3 (s3rver) next to SQLite + disk: `otaship
//     publish` MiB/s, package download MiB/s (curl, proxy mode), install-page and manifest requests/s;
//  2. install-page and manifest rate of two instances (sharing PostgreSQL + S3, round-robin from the
//     load generator) vs one, at the same 64 concurrent requests.
// s3rver is a test double that keeps objects as files, not a production S3: the PostgreSQL + S3 column
// shows otaship's overhead for a networked database and object store, not what AWS would do.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { postgresSkipReason, startPostgres } from '../../test/helpers/postgres.js';
import { buildIpa } from '../../test/helpers/synthetic-ipa.js';
import { runLoad, type LoadResult } from '../lib/load.js';
import { runLoadInChild } from '../lib/load-child.js';
import { fmtMs, median, runMeasured, table } from '../lib/stats.js';
import { onCleanup } from '../server/cleanup.js';
import { curlDownload } from '../server/curl.js';
import { publishCommand, ROOT, startOtaship, type OtashipProcess, type Published } from '../server/otaship.js';

const MiB = 1024 ** 2;

export interface ScaleBenchOptions {
  quick: boolean;
}

interface BackendFigures {
  publishMs: number;
  downloadMs: number;
  page: LoadResult;
  manifest: LoadResult;
}

export async function runScaleBench(opts: ScaleBenchOptions = { quick: false }): Promise<string[]> {
  const size = opts.quick ? 64 * MiB : 512 * MiB;
  const runs = opts.quick ? 1 : 2;
  const loadSeconds = opts.quick ? 3 : 8;
  const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
  const dir = await mkdtemp(join(tmpdir(), 'otaship-bench-scale-'));
  const stops: Array<() => Promise<void>> = [onCleanup(() => rm(dir, { recursive: true, force: true }))];
  const stopLater = (fn: () => Promise<unknown>) => {
    const once = onCleanup(fn);
    stops.push(once);
    return once;
  };
  try {
    const ipa = await buildIpa({
      bundleId: 'com.example.scale',
      fillerBytes: size,
      icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }],
      out: join(dir, 'Scale.ipa'),
    });
    const ipaBytes = (await stat(ipa)).size;
    const token = randomBytes(24).toString('hex');
    const common = { OTASHIP_ADMIN_TOKEN: token, OTASHIP_SECRET: randomBytes(32).toString('hex') };
    const clientEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
    const load = (urls: string[]) => runLoadInChild({ urls, connections: 64, seconds: loadSeconds, maxRequests: 1_000_000 });
    const notes: string[] = [];
    const noteErrors = (what: string, r: LoadResult) => {
      if (r.errors) notes.push(`note: ${what}: ${r.errors} requests failed (first: ${r.firstError})`);
    };

    // Ingest through one instance with a loopback public URL (the resumable client follows the upload
    // URL it is given), then serve through instances with an https public URL (iOS install surface on).
    // SQLite + disk keeps its database and blobs in the data dir, so its instances share one; with
    // PostgreSQL + S3 each instance has its own (only staged uploads live there), as deployed.
    const dataDir = (label: string, instance: string) => join(dir, label === 'sqlite' ? 'sqlite' : `${label}-${instance}`);
    const measureBackend = async (label: string, env: Record<string, string>): Promise<{ figures: BackendFigures; pub: Published; server: OtashipProcess }> => {
      const ingest = await startOtaship({ ...env, OTASHIP_DATA_DIR: dataDir(label, 'ingest') }, 'loopback');
      const stopIngest = stopLater(() => ingest.stop());
      const publishMs: number[] = [];
      let pub: Published | undefined;
      for (let i = 0; i < runs; i++) {
        const p = await runMeasured(...publishCommand(ipa, ingest, token), clientEnv);
        if (p.code !== 0) throw new Error(`otaship publish (${label}) failed: ${p.stderr.trim()}`);
        publishMs.push(p.ms);
        pub = JSON.parse(p.stdout) as Published;
      }
      await stopIngest();
      const server = await startOtaship({ ...env, OTASHIP_DATA_DIR: dataDir(label, 'a') });
      stopLater(() => server.stop());
      const downloadMs: number[] = [];
      for (let i = 0; i < runs; i++) downloadMs.push(await curlDownload(server.local(pub!.downloadUrl), ipaBytes));
      const page = await load([server.local(pub!.installPageUrl)]);
      const manifest = await load([server.local(pub!.manifestUrl)]);
      noteErrors(`${label} install page`, page);
      noteErrors(`${label} manifest`, manifest);
      return { figures: { publishMs: median(publishMs), downloadMs: median(downloadMs), page, manifest }, pub: pub!, server };
    };

    const sqliteRun = await measureBackend('sqlite', { ...common, OTASHIP_STORAGE: 'fs' });
    await sqliteRun.server.stop();
    const sqlite = sqliteRun.figures;

    const rows: string[][] = [['measure', 'SQLite + disk', 'PostgreSQL + S3 (s3rver)', 'ratio (pg+s3 / sqlite)']];
    const add = (name: string, a: number, b: number | undefined, fmt: (v: number) => string) =>
      rows.push([name, fmt(a), b === undefined ? '-' : fmt(b), b === undefined ? '-' : `${(b / a).toFixed(2)}x`]);
    const rate = (ms: number) => ipaBytes / MiB / (ms / 1000);

    const pgReason = postgresSkipReason();
    let pgFigures: BackendFigures | undefined;
    const scaleRows: string[][] = [['measure (PostgreSQL + S3)', '1 instance', '2 instances (round-robin)', 'ratio (2 / 1)']];
    if (pgReason) {
      notes.push(`PostgreSQL + S3 skipped: ${pgReason}`);
    } else {
      const pg = await startPostgres();
      stopLater(() => pg.stop());
      const s3 = await startS3Child();
      stopLater(() => s3.stop());
      const pgEnv = {
        ...common,
        OTASHIP_DATABASE_URL: await pg.createDatabase(),
        ...s3Env(s3),
      };
      const measured = await measureBackend('pg', pgEnv);
      const { pub } = measured;
      pgFigures = measured.figures;

      // Two instances vs one, same shared state, measured back to back. The second instance gets the
      // same warm-up as the first had (its own short load) before anything is compared.
      const { server: first } = measured;
      const second = await startOtaship({ ...pgEnv, OTASHIP_DATA_DIR: dataDir('pg', 'b') });
      stopLater(() => second.stop());
      await runLoad({ urls: [second.local(pub.installPageUrl), second.local(pub.manifestUrl)], connections: 64, seconds: 2 });
      const servers = [first, second];
      // Server CPU per request (all instances summed) tells a per-request cost increase apart from a
      // machine that simply has no spare core for a second instance.
      const measure = async (group: OtashipProcess[], link: string) => {
        const before = group.map((g) => g.cpuMs());
        const r = await load(group.map((g) => g.local(link)));
        const cpu = group.reduce((sum, g, i) => sum + g.cpuMs() - before[i]!, 0);
        return { ...r, cpuPerReq: cpu / Math.max(1, r.requests + r.errors) };
      };
      for (const [what, link] of [
        ['install page', pub.installPageUrl],
        ['manifest', pub.manifestUrl],
      ] as const) {
        const one = await measure([first], link);
        const two = await measure(servers, link);
        noteErrors(`${what}, 1 instance`, one);
        noteErrors(`${what}, 2 instances`, two);
        scaleRows.push([`${what} req/s @64`, one.rps.toFixed(0), two.rps.toFixed(0), `${(two.rps / one.rps).toFixed(2)}x`]);
        scaleRows.push([`${what} p99 @64`, fmtMs(one.p99), fmtMs(two.p99), `${(two.p99 / one.p99).toFixed(2)}x`]);
        scaleRows.push([`${what} server CPU/req`, fmtMs(one.cpuPerReq), fmtMs(two.cpuPerReq), `${(two.cpuPerReq / one.cpuPerReq).toFixed(2)}x`]);
      }
    }

    add('publish MiB/s', rate(sqlite.publishMs), pgFigures && rate(pgFigures.publishMs), (v) => v.toFixed(0));
    add('download MiB/s (curl)', rate(sqlite.downloadMs), pgFigures && rate(pgFigures.downloadMs), (v) => v.toFixed(0));
    add('install page req/s @64', sqlite.page.rps, pgFigures?.page.rps, (v) => v.toFixed(0));
    add('manifest req/s @64', sqlite.manifest.rps, pgFigures?.manifest.rps, (v) => v.toFixed(0));
    add('install page p99 @64 (ms)', sqlite.page.p99, pgFigures?.page.p99, (v) => v.toFixed(1));
    add('manifest p99 @64 (ms)', sqlite.manifest.p99, pgFigures?.manifest.p99, (v) => v.toFixed(1));

    return [
      `## scale: package ${(ipaBytes / MiB).toFixed(0)} MiB, median of ${runs} run(s), load ${loadSeconds} s per figure, 64 concurrent requests; load average at start ${loadAtStart}`,
      table(rows),
      '',
      table(scaleRows),
      ...notes,
      'publish: `otaship publish` (resumable upload) end to end; download: proxy mode through the server; s3rver is a local S3 double, not AWS',
      `two instances share PostgreSQL + S3 and the signing secret; the load generator alternates requests between them; ${availableParallelism()} CPU cores shared by servers, client and s3rver`,
    ];
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

export interface S3Child {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** The settings that point an otaship instance at the S3 test server (s3rver's fixed credentials). */
export function s3Env(s3: S3Child): Record<string, string> {
  return {
    OTASHIP_STORAGE: 's3',
    OTASHIP_S3_BUCKET: s3.bucket,
    OTASHIP_S3_ENDPOINT: s3.endpoint,
    OTASHIP_S3_FORCE_PATH_STYLE: 'true',
    OTASHIP_S3_ACCESS_KEY_ID: 'S3RVER',
    OTASHIP_S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
}

/** s3rver in a child process (s3rver-child.ts), for the sections that measure S3 storage. */
export async function startS3Child(): Promise<S3Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'scale', 's3rver-child.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-5000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${stderr.trim()}`)));
  });
  const { endpoint, bucket } = JSON.parse(line) as { endpoint: string; bucket: string };
  return { endpoint, bucket, stop };
}
