// Server benchmark (issue #3). Each figure is compared with a reference measured in the same run:
//  1. ingest: `otaship publish` of a large package to a running server vs `cp` of the same file
//  2. download: the same package through otaship vs nginx serving the file from disk
//  3. manifest requests/s and p99 latency at 64 connections vs nginx serving a static plist
//  4. peak server RSS while 100 downloads run at once
// The server runs as a child process (`otaship serve`, as users run it) on loopback, with an https
// public URL as behind a TLS-terminating proxy. nginx runs with one worker (Node serves from one
// thread) from a temp config. Both targets are loaded by the same Node client.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildIpa } from '../test/helpers/synthetic-ipa.js';
import { fmtMs, median, percentile, runMeasured, table } from './lib/stats.js';

const NODE = process.execPath;
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const PUBLIC = 'https://ota.bench.invalid';

interface Options {
  quick: boolean;
}

export async function runServerBench(opts: Options = { quick: false }): Promise<string[]> {
  const fillerBytes = opts.quick ? 128 * 1024 ** 2 : 1024 ** 3;
  const runs = opts.quick ? 1 : 3;
  const loadSeconds = opts.quick ? 3 : 10;
  const dir = await mkdtemp(join(tmpdir(), 'otaship-bench-server-'));
  const out: string[] = [`## server (package ~${(fillerBytes / 1024 ** 2).toFixed(0)} MiB, ${runs} run(s) each, median)`];
  let server: Server | undefined;
  let nginx: Nginx | undefined;
  try {
    const ipa = await buildIpa({
      bundleId: 'com.example.bench',
      fillerBytes,
      icons: [{ file: 'AppIcon60x60@3x.png', width: 180, height: 180 }],
      out: join(dir, 'Bench.ipa'),
    });
    const size = (await stat(ipa)).size;
    server = await startServerProcess(join(dir, 'data'));

    // 1. ingest
    const publishMs: number[] = [];
    const cpMs: number[] = [];
    let published: { releaseId: string; downloadUrl: string; manifestUrl: string } | undefined;
    for (let i = 0; i < runs; i++) {
      const p = await runMeasured(NODE, ['bin/otaship', 'publish', ipa, '--server', server.url, '--token', server.token, '--json']);
      if (p.code !== 0) throw new Error(`otaship publish failed: ${p.stderr}`);
      publishMs.push(p.ms);
      published = JSON.parse(p.stdout) as typeof published;
      const c = await runMeasured('cp', [ipa, join(dir, `copy-${i}.ipa`)]);
      if (c.code !== 0) throw new Error(`cp failed: ${c.stderr}`);
      cpMs.push(c.ms);
      await rm(join(dir, `copy-${i}.ipa`), { force: true });
    }
    const pub = published!;
    const local = (url: string) => url.replace(PUBLIC, server!.url);
    const rows: string[][] = [['measure', 'otaship', 'reference', 'ratio (otaship/ref)']];
    const pm = median(publishMs);
    const cm = median(cpMs);
    rows.push(['ingest (publish vs cp)', fmtMs(pm), `${fmtMs(cm)} (cp)`, `${(pm / cm).toFixed(2)}x time`]);

    // 2. download
    nginx = NGINX ? await startNginx(dir, ipa, await fetchText(local(pub.manifestUrl))) : undefined;
    const oursDl: number[] = [];
    const nginxDl: number[] = [];
    for (let i = 0; i < runs; i++) {
      oursDl.push(await download(local(pub.downloadUrl), size));
      if (nginx) nginxDl.push(await download(`${nginx.url}/Bench.ipa`, size));
    }
    const rate = (ms: number) => `${((size / 1024 ** 2) / (ms / 1000)).toFixed(0)} MiB/s`;
    const od = median(oursDl);
    if (nginx) {
      const nd = median(nginxDl);
      rows.push(['download', `${fmtMs(od)} (${rate(od)})`, `${fmtMs(nd)} (${rate(nd)}, nginx)`, `${(od / nd).toFixed(2)}x time`]);
    } else {
      rows.push(['download', `${fmtMs(od)} (${rate(od)})`, 'nginx not installed', '-']);
    }

    // 3. manifest load
    const ours = await load(local(pub.manifestUrl), 64, loadSeconds);
    if (nginx) {
      const theirs = await load(`${nginx.url}/manifest.plist`, 64, loadSeconds);
      rows.push(['manifest req/s @64', ours.rps.toFixed(0), `${theirs.rps.toFixed(0)} (nginx static)`, `${(ours.rps / theirs.rps).toFixed(2)}x throughput`]);
      rows.push(['manifest p99 @64', fmtMs(ours.p99), `${fmtMs(theirs.p99)} (nginx static)`, `${(ours.p99 / theirs.p99).toFixed(2)}x latency`]);
    } else {
      rows.push(['manifest req/s @64', ours.rps.toFixed(0), '-', '-']);
      rows.push(['manifest p99 @64', fmtMs(ours.p99), '-', '-']);
    }
    if (ours.errors > 0) out.push(`note: ${ours.errors} manifest requests failed`);

    // 4. memory under 100 concurrent downloads
    const perDownload = opts.quick ? size : 256 * 1024 ** 2;
    const rss = await rssDuring(server.child.pid!, () =>
      Promise.all(Array.from({ length: 100 }, () => download(local(pub.downloadUrl), perDownload, perDownload < size ? `bytes=0-${perDownload - 1}` : undefined))),
    );
    rows.push([
      'server RSS, 100 concurrent downloads',
      `${rss.peakMiB.toFixed(0)} MiB peak`,
      `${rss.baselineMiB.toFixed(0)} MiB idle`,
      `+${(rss.peakMiB - rss.baselineMiB).toFixed(0)} MiB for ${((100 * perDownload) / 1024 ** 3).toFixed(1)} GiB served`,
    ]);
    out.push(table(rows));
    out.push('load generator: Node http client, keep-alive, same for both targets; nginx: 1 worker, sendfile on');
    return out;
  } finally {
    await nginx?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Server {
  url: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServerProcess(dataDir: string): Promise<Server> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = spawn(NODE, ['bin/otaship', 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      OTASHIP_HOST: '127.0.0.1',
      OTASHIP_PORT: String(port),
      OTASHIP_PUBLIC_URL: PUBLIC,
      OTASHIP_DATA_DIR: dataDir,
      OTASHIP_ADMIN_TOKEN: token,
      OTASHIP_MAX_UPLOAD_BYTES: '16GiB',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`otaship serve exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      await sleep(100);
    }
  }
  return {
    url,
    token,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

interface Nginx {
  url: string;
  stop(): Promise<void>;
}

async function startNginx(dir: string, ipa: string, manifest: string): Promise<Nginx> {
  const root = join(dir, 'nginx');
  const www = join(root, 'www');
  await mkdir(www, { recursive: true });
  await copyFile(ipa, join(www, 'Bench.ipa'));
  await writeFile(join(www, 'manifest.plist'), manifest);
  // nginx workers drop privileges: let them read the files.
  for (const d of [dir, root, www]) await chmod(d, 0o755);
  const port = await freePort();
  const conf = join(root, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${root}/nginx.pid;
error_log ${root}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi;
  uwsgi_temp_path ${root}/uwsgi;
  scgi_temp_path ${root}/scgi;
  types { text/xml plist; application/octet-stream ipa; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`,
  );
  const test = spawnSync(NGINX!, ['-t', '-c', conf, '-p', root], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx config test failed: ${test.stderr}`);
  const child = spawn(NGINX!, ['-c', conf, '-p', root], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/manifest.plist`)).ok) break;
    } catch {
      await sleep(50);
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return res.text();
}

/** Downloads and discards a body; returns ms. Fails if the byte count is wrong. */
function download(url: string, expected: number, range?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = request(url, { agent: false, headers: range ? { range } : {} }, (res) => {
      if (res.statusCode !== 200 && res.statusCode !== 206) return reject(new Error(`GET ${url} → ${res.statusCode}`));
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => {
        if (n !== expected) return reject(new Error(`GET ${url}: ${n} bytes, expected ${expected}`));
        resolve(Number(process.hrtime.bigint() - start) / 1e6);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `connections` keep-alive loops issuing GETs for `seconds`; latency of every request. */
async function load(url: string, connections: number, seconds: number): Promise<{ rps: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const start = process.hrtime.bigint();
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const began = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const elapsed = (Date.now() - began) / 1000;
  agent.destroy();
  return { rps: latencies.length / elapsed, p99: latencies.length ? percentile(latencies, 99) : NaN, errors };
}

/** Samples the process's resident memory (VmRSS) while fn runs. */
async function rssDuring(pid: number, fn: () => Promise<unknown>): Promise<{ baselineMiB: number; peakMiB: number }> {
  const read = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const baselineMiB = read();
  let peakMiB = baselineMiB;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peakMiB = Math.max(peakMiB, read());
      await sleep(25);
    }
  })();
  try {
    await fn();
  } finally {
    running = false;
    await sampler;
  }
  return { baselineMiB, peakMiB };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

// Run directly: `node --import tsx bench/server.ts [--quick]` (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = await runServerBench({ quick: process.argv.includes('--quick') });
  console.log(lines.join('\n'));
}
