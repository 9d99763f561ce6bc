// HTTP load generator for the benchmarks: N concurrent keep-alive loops over node:http (Node ships
// undici only as the global fetch, and fetch's per-request overhead would make the client, not the
// server, the bottleneck). Every run is bounded both in time and in request count. The same client
// loads otaship and the reference (nginx), so client overhead weighs on both sides alike.
import { Agent, request } from 'node:http';
import { percentile } from './stats.js';

export interface LoadOptions {
  /** URLs to request; with several, each loop takes the next one in turn (round-robin). */
  urls: string[];
  connections: number;
  /** Stop issuing requests after this many seconds... */
  seconds: number;
  /** ...or after this many requests in total, whichever comes first. */
  maxRequests?: number;
  /** Requests before measuring (warms sockets, JIT, caches on both sides). */
  warmupRequests?: number;
  /**
   * Record the time to the response's first byte (status line and headers) instead of to its end;
   * the body is still read to the end (a download that is really going on).
   */
  timeToFirstByte?: boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** The first non-200 status or socket error, for the report. */
  firstError?: string;
  rps: number;
  p50: number;
  p99: number;
  seconds: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.urls.length === 0) throw new Error('runLoad: no URLs');
  const parsed = opts.urls.map((u) => new URL(u));
  // One agent per origin, so round-robin over two instances keeps `connections` sockets to each side in total.
  const agents = new Map<string, Agent>();
  const agentFor = (u: URL) => {
    let a = agents.get(u.origin);
    if (!a) agents.set(u.origin, (a = new Agent({ keepAlive: true, maxSockets: opts.connections })));
    return a;
  };
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (msg: string) => {
    errors++;
    firstError ??= msg;
  };
  const one = (latencies: number[] | null) =>
    new Promise<void>((resolve) => {
      const u = parsed[next++ % parsed.length]!;
      const start = process.hrtime.bigint();
      const req = request(u, { agent: agentFor(u) }, (res) => {
        const firstByte = Number(process.hrtime.bigint() - start) / 1e6;
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies?.push(opts.timeToFirstByte ? firstByte : Number(process.hrtime.bigint() - start) / 1e6);
          else fail(`GET ${u.pathname} → ${res.statusCode}`);
          resolve();
        });
        res.on('error', (e) => {
          fail(e.message);
          resolve();
        });
      });
      req.on('error', (e) => {
        fail(e.message);
        resolve();
      });
      req.end();
    });

  try {
    const warm = opts.warmupRequests ?? opts.connections * 4;
    for (let i = 0; i < warm; i += opts.connections) {
      await Promise.all(Array.from({ length: Math.min(opts.connections, warm - i) }, () => one(null)));
    }
    errors = 0;
    firstError = undefined;

    const latencies: number[] = [];
    const max = opts.maxRequests ?? Number.POSITIVE_INFINITY;
    let issued = 0;
    const began = process.hrtime.bigint();
    const deadline = Date.now() + opts.seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        while (Date.now() < deadline && issued < max) {
          issued++;
          await one(latencies);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return {
      requests: latencies.length,
      errors,
      ...(firstError ? { firstError } : {}),
      rps: latencies.length / seconds,
      p50: latencies.length ? percentile(latencies, 50) : Number.NaN,
      p99: latencies.length ? percentile(latencies, 99) : Number.NaN,
      seconds,
    };
  } finally {
    for (const a of agents.values()) a.destroy();
  }
}

export interface DownloadOptions {
  range?: string;
  /** Give up (and count what arrived) after this many ms; default: no limit. */
  timeLimitMs?: number;
  /** Read slowly: pause the response this many ms after every chunk (a phone on a poor link). */
  pauseMs?: number;
}

export interface DownloadResult {
  ms: number;
  bytes: number;
  /** True when the whole body arrived (false when cut by timeLimitMs). */
  complete: boolean;
}

/** GETs a URL on a fresh connection and discards the body; fails on a non-2xx status or a short body. */
export function download(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    let bytes = 0;
    let timer: NodeJS.Timeout | undefined;
    const req = request(url, { agent: false, headers: opts.range ? { range: opts.range } : {} }, (res) => {
      if (res.statusCode !== 200 && res.statusCode !== 206) {
        res.resume();
        reject(new Error(`GET ${new URL(url).pathname} → ${res.statusCode}`));
        return;
      }
      const expected = Number(res.headers['content-length'] ?? Number.NaN);
      if (opts.timeLimitMs !== undefined) {
        timer = setTimeout(() => {
          res.destroy();
          resolve({ ms: elapsed(), bytes, complete: false });
        }, opts.timeLimitMs);
      }
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (opts.pauseMs) {
          res.pause();
          setTimeout(() => res.resume(), opts.pauseMs).unref();
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        if (Number.isFinite(expected) && bytes !== expected) reject(new Error(`GET ${new URL(url).pathname}: ${bytes} of ${expected} bytes`));
        else resolve({ ms: elapsed(), bytes, complete: true });
      });
      // After a time-limit cut the promise has already resolved, so this reject is a no-op.
      res.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
