// The benchmark's load generator and download helper against real local HTTP servers: requests are
// counted, bounded, spread round-robin, and failures are reported rather than counted as successes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { download, runLoad } from '../../bench/lib/load.js';

interface Target {
  url: string;
  hits: () => number;
  server: Server;
}

async function serve(handler: (path: string) => { status: number; body: Buffer }): Promise<Target> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    const { status, body } = handler(req.url ?? '/');
    res.writeHead(status, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, server };
}

const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

async function target(handler: Parameters<typeof serve>[0]): Promise<Target> {
  const t = await serve(handler);
  servers.push(t.server);
  return t;
}

describe('runLoad', () => {
  test('stops at maxRequests and reports every measured request', async () => {
    const t = await target(() => ({ status: 200, body: Buffer.from('ok') }));
    const r = await runLoad({ urls: [`${t.url}/m`], connections: 8, seconds: 60, maxRequests: 200, warmupRequests: 16 });
    assert.equal(r.requests, 200);
    assert.equal(r.errors, 0);
    assert.equal(t.hits(), 216);
    assert.ok(r.p99 >= r.p50 && r.p50 > 0);
    assert.ok(r.rps > 0);
  });

  test('alternates between URLs (round-robin over instances)', async () => {
    const a = await target(() => ({ status: 200, body: Buffer.from('a') }));
    const b = await target(() => ({ status: 200, body: Buffer.from('b') }));
    const r = await runLoad({ urls: [a.url, b.url], connections: 4, seconds: 60, maxRequests: 100, warmupRequests: 0 });
    assert.equal(r.requests, 100);
    assert.equal(a.hits(), 50);
    assert.equal(b.hits(), 50);
  });

  test('counts non-200 answers as errors, not as measured requests', async () => {
    let n = 0;
    const t = await target(() => ({ status: n++ % 2 ? 403 : 200, body: Buffer.from('x') }));
    const r = await runLoad({ urls: [t.url], connections: 1, seconds: 60, maxRequests: 10, warmupRequests: 0 });
    assert.equal(r.requests, 5);
    assert.equal(r.errors, 5);
    assert.match(r.firstError ?? '', /403/);
  });

  test('counts connection failures as errors', async () => {
    const t = await serve(() => ({ status: 200, body: Buffer.alloc(0) }));
    await new Promise((done) => t.server.close(done));
    const r = await runLoad({ urls: [t.url], connections: 2, seconds: 60, maxRequests: 4, warmupRequests: 0 });
    assert.equal(r.requests, 0);
    assert.equal(r.errors, 4);
    assert.ok(Number.isNaN(r.p99));
  });
});

describe('download', () => {
  test('reads the whole body and reports its size', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const t = await target(() => ({ status: 200, body }));
    const r = await download(`${t.url}/pkg`);
    assert.equal(r.bytes, body.length);
    assert.equal(r.complete, true);
  });

  test('rejects an error status', async () => {
    const t = await target(() => ({ status: 404, body: Buffer.from('no') }));
    await assert.rejects(download(`${t.url}/pkg`), /404/);
  });

  test('a time limit cuts a slow reader and reports what arrived', async () => {
    const body = Buffer.alloc(64 * 1024 * 1024, 1);
    const t = await target(() => ({ status: 200, body }));
    const r = await download(`${t.url}/pkg`, { timeLimitMs: 200, pauseMs: 50 });
    assert.equal(r.complete, false);
    assert.ok(r.bytes > 0 && r.bytes < body.length, `${r.bytes} bytes`);
  });
});
