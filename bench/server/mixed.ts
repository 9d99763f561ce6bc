// Mixed load: 20 publishes in flight at all times (resumable, as `otaship publish` sends them) while
// install pages are viewed and the package is downloaded, all on one instance. Reported: install page
// latency and download time to first byte (p50, p99), against the same loads on the same instance
// with no publishes (measured just before, in the same run), and nginx's time to first byte for the
// same file under the same publishes where nginx is present.
import { OtashipClient } from '../../src/client/index.js';
import { runLoadInChild } from '../lib/load-child.js';
import type { LoadResult } from '../lib/load.js';
import { fmtMs } from '../lib/stats.js';
import type { OtashipProcess } from './otaship.js';

export const MIXED_TARGETS = { pageP99Ms: 300, ttfbP99Ms: 500 };
export const PUBLISHERS = 20;

export interface MixedInput {
  server: OtashipProcess;
  token: string;
  /** The package every publisher sends, again and again (another app than `release`'s). */
  ipa: string;
  ipaBytes: number;
  /** The release whose install page is viewed and whose package is downloaded. */
  release: { installPageUrl: string; downloadUrl: string };
  /** The same package served by nginx, when nginx runs. */
  nginxUrl?: string;
  seconds: number;
  pageConnections: number;
  downloadConnections: number;
}

interface Phase {
  page: LoadResult;
  ttfb: LoadResult;
  nginx?: LoadResult;
}

export async function measureMixed(input: MixedInput): Promise<{ rows: string[][]; notes: string[] }> {
  const { server, release } = input;
  const loads = (withNginx: boolean): Promise<Phase> => {
    const common = { seconds: input.seconds, maxRequests: 1_000_000, warmupRequests: 2 };
    return Promise.all([
      runLoadInChild({ ...common, urls: [server.local(release.installPageUrl)], connections: input.pageConnections }),
      runLoadInChild({ ...common, urls: [server.local(release.downloadUrl)], connections: input.downloadConnections, timeToFirstByte: true }),
      withNginx && input.nginxUrl
        ? runLoadInChild({ ...common, urls: [input.nginxUrl], connections: input.downloadConnections, timeToFirstByte: true })
        : Promise.resolve(undefined),
    ]).then(([page, ttfb, nginx]) => ({ page, ttfb, ...(nginx ? { nginx } : {}) }));
  };

  const quiet = await loads(false);

  // Publishers in this process: each keeps one publish in flight until the loads are over.
  const client = new OtashipClient({ server: server.url, token: input.token });
  let stop = false;
  let published = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let started = 0;
  let allStarted!: () => void;
  const running = new Promise<void>((resolve) => (allStarted = resolve));
  const publisher = async () => {
    if (++started === PUBLISHERS) allStarted();
    while (!stop) {
      try {
        await client.publishResumable(input.ipa, { checkToken: false });
        published++;
      } catch (err) {
        failed++;
        firstFailure ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  const began = Date.now();
  const publishers = Array.from({ length: PUBLISHERS }, publisher);
  await running;
  const cpuBefore = server.cpuMs();
  const loadBegan = Date.now();
  const mixed = await loads(true).finally(() => {
    stop = true;
  });
  const serverCpu = (server.cpuMs() - cpuBefore) / (Date.now() - loadBegan);
  await Promise.all(publishers);
  const publishSeconds = (Date.now() - began) / 1000;

  const row = (label: string, ours: LoadResult, ref: LoadResult, target: number, refName: string) => [
    label,
    `p50 ${fmtMs(ours.p50)}, p99 ${fmtMs(ours.p99)} (${ours.requests} req)`,
    `p50 ${fmtMs(ref.p50)}, p99 ${fmtMs(ref.p99)} (${ref.requests} req, ${refName})`,
    `${(ours.p99 / ref.p99).toFixed(2)}x p99`,
    `p99 < ${target} ms: ${ours.p99 < target ? 'met' : 'MISSED'}`,
  ];
  const rows = [
    row(`mixed: install page, ${input.pageConnections} conn`, mixed.page, quiet.page, MIXED_TARGETS.pageP99Ms, 'no publishes'),
    row(`mixed: download TTFB, ${input.downloadConnections} conn`, mixed.ttfb, quiet.ttfb, MIXED_TARGETS.ttfbP99Ms, 'no publishes'),
  ];
  if (mixed.nginx) {
    rows.push([
      '(context: nginx download TTFB, same load)',
      `p50 ${fmtMs(mixed.nginx.p50)}, p99 ${fmtMs(mixed.nginx.p99)}`,
      'otaship',
      `${(mixed.ttfb.p99 / mixed.nginx.p99).toFixed(2)}x p99 (otaship / nginx)`,
      '-',
    ]);
  }
  const notes = [
    `mixed: ${PUBLISHERS} publishes in flight (resumable, ${(input.ipaBytes / 1024 ** 2).toFixed(0)} MiB package, one client process): ` +
      `${published} completed in ${publishSeconds.toFixed(1)} s (${((published * input.ipaBytes) / 1024 ** 2 / publishSeconds).toFixed(0)} MiB/s in total)` +
      (failed ? `, ${failed} failed (first: ${firstFailure})` : '') +
      `; the server process used ${(serverCpu * 100).toFixed(0)} % of one core meanwhile (its event loop is one thread)`,
  ];
  for (const [name, r] of [
    ['page (mixed)', mixed.page],
    ['download (mixed)', mixed.ttfb],
    ['page (quiet)', quiet.page],
    ['download (quiet)', quiet.ttfb],
  ] as const) {
    if (r.errors) notes.push(`note: ${r.errors} ${name} requests failed (first: ${r.firstError})`);
  }
  return { rows, notes };
}
