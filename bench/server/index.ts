// Server benchmark. Every figure is measured against a reference in the same run:
//  1. ingest: `otaship publish` of a package (resumable, as by default, and one raw request), on disk
//     storage and on S3 (s3rver), vs `sha256sum` of the same file, the one-pass limit of a verifying
//     ingest — target ≥ 80 % of its throughput (ingest.ts; `cp` printed for context);
//  2. download: the package from otaship vs nginx serving the same file (curl as the client for both)
//     — target ≥ 60 % of nginx;
//  3. manifest requests/s and p99 at 64 keep-alive connections vs nginx serving the same plist
//     statically — target ≥ 30 % of nginx's rate and p99 < 20 ms;
//  4. peak RSS (VmHWM) of the server process during 100 concurrent downloads — target < 250 MiB;
//  5. mixed load: 20 publishes in flight while install pages are viewed and the package downloaded —
//     page p99 < 300 ms, download time-to-first-byte p99 < 500 ms, vs the same loads without
//     publishes (mixed.ts).
// SQLite (+ disk or S3). PostgreSQL + S3 and instance counts: bench/scale.
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtashipClient } from '../../src/client/index.js';
import { buildIpa } from '../../test/helpers/synthetic-ipa.js';
import { download, type LoadResult } from '../lib/load.js';
import { runLoadInChild } from '../lib/load-child.js';
import { fmtMs, median, table } from '../lib/stats.js';
import { onCleanup } from './cleanup.js';
import { curlDownload } from './curl.js';
import { measureIngest } from './ingest.js';
import { measureMixed } from './mixed.js';
import { ensureNginx, startNginx } from './nginx.js';
import { startOtaship, type OtashipProcess } from './otaship.js';

const MiB = 1024 ** 2;

export const SERVER_PARTS = ['ingest', 's3', 'download', 'manifest', 'rss', 'mixed'] as const;
export type ServerPart = (typeof SERVER_PARTS)[number];

export interface ServerBenchOptions {
  quick: boolean;
  /** Package size in MiB (default 1024, 128 with quick). */
  sizeMiB?: number;
  /** Which parts to run (default all); a package is always published first. */
  parts?: ReadonlySet<ServerPart>;
}

export const TARGETS = {
  downloadVsNginx: 0.6,
  manifestRateVsNginx: 0.3,
  manifestP99Ms: 20,
  rssMiB: 250,
};

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const mibps = (bytes: number, ms: number) => bytes / MiB / (ms / 1000);

export async function runServerBench(opts: ServerBenchOptions = { quick: false }): Promise<string[]> {
  const size = (opts.sizeMiB ?? (opts.quick ? 128 : 1024)) * MiB;
  const want = (part: ServerPart) => !opts.parts || opts.parts.has(part);
  const runs = opts.quick ? 1 : 3;
  const loadSeconds = opts.quick ? 3 : 10;
  const rssSeconds = opts.quick ? 5 : 15;
  const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
  const dir = await mkdtemp(join(tmpdir(), 'otaship-bench-server-'));
  const cleanDir = onCleanup(() => rm(dir, { recursive: true, force: true }));
  const stops: Array<() => Promise<void>> = [];
  try {
    const ipa = await buildIpa({
      bundleId: 'com.example.bench',
      fillerBytes: size,
      icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }],
      out: join(dir, 'Bench.ipa'),
    });
    const ipaBytes = (await stat(ipa)).size;
    const token = randomBytes(24).toString('hex');
    // The mixed load keeps 20 resumable publishes of one token in flight: above the default per-token
    // quota of unfinished uploads (10), which would refuse half of them.
    const env = { OTASHIP_DATA_DIR: join(dir, 'data'), OTASHIP_ADMIN_TOKEN: token, OTASHIP_UPLOAD_QUOTA_COUNT: '64' };
    const rows: string[][] = [['measure', 'otaship', 'reference', 'ratio', 'target']];
    const notes: string[] = [];

    // 1. ingest (one run when only the later parts are wanted: they need a published release).
    const ingest = await measureIngest({
      ipa,
      ipaBytes,
      runs: { disk: want('ingest') ? runs : 1, s3: want('s3') ? runs : 0 },
      reportDisk: want('ingest'),
      dir,
      token,
      dataDir: env.OTASHIP_DATA_DIR,
    });
    if (want('ingest') || want('s3')) {
      rows.push(...ingest.rows);
      notes.push(...ingest.notes);
    }
    const pub = ingest.published;
    const server = await startOtaship(env, 'https');
    stops.push(onCleanup(() => server.stop()));

    // 2. download: nginx serves the very same bytes (a hard link of the package) and the manifest body.
    const www = join(dir, 'www');
    await mkdir(www);
    await link(ipa, join(www, 'Bench.ipa')).catch(() => copyFile(ipa, join(www, 'Bench.ipa')));
    const manifestUrl = server.local(pub.manifestUrl);
    const manifestRes = await fetch(manifestUrl);
    if (!manifestRes.ok) throw new Error(`GET manifest → ${manifestRes.status}`);
    await writeFile(join(www, 'manifest.plist'), await manifestRes.text());
    // The mixed section's packages: one viewed and downloaded (served by nginx too, its reference
    // under the same load), and one the publishers send, of another app, so that the viewed page
    // lists the same releases with and without publishes.
    const mixedIpa = (bundleId: string, out: string) =>
      buildIpa({ bundleId, fillerBytes: opts.quick ? 8 * MiB : 32 * MiB, icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }], out });
    const mixedPackages = want('mixed')
      ? { viewed: await mixedIpa('com.example.bench.viewed', join(www, 'Mixed.ipa')), sent: await mixedIpa('com.example.bench.sent', join(dir, 'Sent.ipa')) }
      : undefined;
    const nginx = ensureNginx() ? await startNginx(join(dir, 'nginx'), www) : undefined;
    if (nginx) stops.push(onCleanup(() => nginx.stop()));
    const dl = { ours: [] as number[], nginx: [] as number[] };
    for (let i = 0; i < (want('download') ? runs : 0); i++) {
      dl.ours.push(await curlDownload(server.local(pub.downloadUrl), ipaBytes));
      if (nginx) dl.nginx.push(await curlDownload(`${nginx.url}/Bench.ipa`, ipaBytes));
    }
    const ourDl = mibps(ipaBytes, median(dl.ours));
    if (!want('download')) {
      // not asked for
    } else if (nginx) {
      const theirDl = mibps(ipaBytes, median(dl.nginx));
      rows.push([
        'download (curl)',
        `${fmtMs(median(dl.ours))} (${ourDl.toFixed(0)} MiB/s)`,
        `${fmtMs(median(dl.nginx))} (${theirDl.toFixed(0)} MiB/s, nginx)`,
        `${(ourDl / theirDl).toFixed(2)}x throughput`,
        `≥ ${TARGETS.downloadVsNginx.toFixed(2)}x: ${verdict(ourDl / theirDl >= TARGETS.downloadVsNginx)}`,
      ]);
    } else {
      rows.push(['download (curl)', `${ourDl.toFixed(0)} MiB/s`, 'nginx not installed', '-', '-']);
    }

    // 3. manifest load, 64 connections, bounded by time and count. Several rounds, the two servers
    // alternating, and the median of each figure: one 10 s window on a small VM can land on a burst
    // of outside load and move a p99 by 2x for either side.
    const load = (url: string) => runLoadInChild({ urls: [url], connections: 64, seconds: loadSeconds, maxRequests: 2_000_000 });
    const ourRuns: LoadResult[] = [];
    const theirRuns: LoadResult[] = [];
    let cpuMs = 0;
    for (let i = 0; i < (want('manifest') ? runs : 0); i++) {
      const cpuBefore = server.cpuMs();
      ourRuns.push(await load(manifestUrl));
      cpuMs += server.cpuMs() - cpuBefore;
      if (nginx) theirRuns.push(await load(`${nginx.url}/manifest.plist`));
    }
    const ours = medianLoad(ourRuns);
    const served = ourRuns.reduce((n, r) => n + r.requests + r.errors, 0);
    if (want('manifest')) notes.push(`manifest: otaship used ${(cpuMs / Math.max(1, served)).toFixed(2)} ms of server CPU per request`);
    if (want('manifest')) notes.push(
      `manifest rounds (otaship / nginx): ${ourRuns.map((r, i) => `${r.rps.toFixed(0)} req/s p99 ${fmtMs(r.p99)}${theirRuns[i] ? ` / ${theirRuns[i].rps.toFixed(0)} req/s p99 ${fmtMs(theirRuns[i].p99)}` : ''}`).join('; ')}`,
    );
    if (ours.errors) notes.push(`note: ${ours.errors} otaship manifest requests failed (first: ${ours.firstError})`);
    if (!want('manifest')) {
      // not asked for
    } else if (nginx) {
      const theirs = medianLoad(theirRuns);
      if (theirs.errors) notes.push(`note: ${theirs.errors} nginx requests failed (first: ${theirs.firstError})`);
      const r = ours.rps / theirs.rps;
      rows.push([
        'manifest req/s @64 conn',
        ours.rps.toFixed(0),
        `${theirs.rps.toFixed(0)} (nginx static plist)`,
        `${r.toFixed(2)}x rate`,
        `≥ ${TARGETS.manifestRateVsNginx.toFixed(2)}x: ${verdict(r >= TARGETS.manifestRateVsNginx)}`,
      ]);
      rows.push([
        'manifest p99 @64 conn',
        `${fmtMs(ours.p99)} (p50 ${fmtMs(ours.p50)})`,
        `${fmtMs(theirs.p99)} (p50 ${fmtMs(theirs.p50)}, nginx)`,
        `${(ours.p99 / theirs.p99).toFixed(2)}x latency`,
        `< ${TARGETS.manifestP99Ms} ms: ${verdict(ours.p99 < TARGETS.manifestP99Ms)}`,
      ]);
    } else {
      rows.push(['manifest req/s @64 conn', ours.rps.toFixed(0), '-', '-', '-']);
      rows.push(['manifest p99 @64 conn', fmtMs(ours.p99), '-', `-`, `< ${TARGETS.manifestP99Ms} ms: ${verdict(ours.p99 < TARGETS.manifestP99Ms)}`]);
    }

    // 4. memory under 100 concurrent downloads.
    if (want('rss')) {
      const rss = await rssUnderDownloads(server, server.local(pub.downloadUrl), rssSeconds);
      rows.push([
        'server peak RSS, 100 downloads',
        `${rss.peakMiB.toFixed(0)} MiB (VmHWM)`,
        `${rss.idleMiB.toFixed(0)} MiB idle before`,
        `${(rss.bytes / 1024 ** 3).toFixed(1)} GiB sent, ${rss.complete} complete`,
        `< ${TARGETS.rssMiB} MiB: ${verdict(rss.peakMiB < TARGETS.rssMiB)}`,
      ]);
      notes.push(`RSS: ${rss.method}; 50 fast readers + 50 slow readers (pause 20 ms per chunk), each cut after ${rssSeconds} s`);
    }

    // 5. mixed load: publishes, page views and downloads at once on one instance.
    if (mixedPackages) {
      const mixedPub = await new OtashipClient({ server: server.url, token }).publishResumable(mixedPackages.viewed);
      const mixed = await measureMixed({
        server,
        token,
        ipa: mixedPackages.sent,
        ipaBytes: (await stat(mixedPackages.sent)).size,
        release: mixedPub,
        ...(nginx ? { nginxUrl: `${nginx.url}/Mixed.ipa` } : {}),
        seconds: loadSeconds,
        pageConnections: 8,
        downloadConnections: 4,
      });
      rows.push(...mixed.rows);
      notes.push(...mixed.notes);
    }

    return [
      `## server: SQLite + disk (ingest also on S3), package ${(ipaBytes / MiB).toFixed(0)} MiB, median of ${runs} run(s), load ${loadSeconds} s per target; load average at start ${loadAtStart}`,
      table(rows),
      ...notes,
      'clients: curl for single downloads; bench/lib/load.ts (node:http keep-alive) for request rates, the same for both targets; nginx: 1 worker, sendfile',
    ];
  } finally {
    for (const stop of stops.reverse()) await stop();
    await cleanDir();
  }
}

async function rssUnderDownloads(
  server: OtashipProcess,
  url: string,
  seconds: number,
): Promise<{ peakMiB: number; idleMiB: number; bytes: number; complete: number; method: string }> {
  const idleMiB = server.rssMiB();
  // VmHWM is the peak since the process started, which includes the 1 GiB ingests above; reset it so
  // it covers only the downloads. Kernels that refuse clear_refs get the lifetime peak, said so below.
  const reset = server.resetPeakRss();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => download(url, { timeLimitMs: seconds * 1000, ...(i % 2 ? { pauseMs: 20 } : {}) })),
  );
  const peakMiB = server.peakRssMiB();
  return {
    peakMiB,
    idleMiB,
    bytes: results.reduce((n, r) => n + r.bytes, 0),
    complete: results.filter((r) => r.complete).length,
    method: reset ? 'VmHWM reset (clear_refs) before the downloads' : 'VmHWM since server start (clear_refs refused; includes the ingests)',
  };
}

/** Each figure's median over rounds (rate, p50 and p99 separately); errors are summed. */
function medianLoad(rounds: LoadResult[]): LoadResult {
  const first = rounds.find((r) => r.firstError)?.firstError;
  return {
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    ...(first ? { firstError: first } : {}),
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    seconds: rounds.reduce((n, r) => n + r.seconds, 0),
  };
}
