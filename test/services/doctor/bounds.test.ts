// Every request the doctor makes is bounded in time and in bytes, and redirects are followed by
// hand up to a limit: a server that never answers, one that streams without end, and a redirect
// loop each end the run with a finding instead of hanging it or filling memory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRangeSource, DoctorHttp, runDoctor } from '../../../src/services/doctor/index.js';
import { OtashipError } from '../../../src/core/errors.js';

let server: Server;
let origin: string;
const held: ServerResponse[] = [];

/** Writes XML-looking bytes until the client goes away. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/xml' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.write('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><string>');
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/silent') held.push(res); // never answered
    else if (req.url === '/endless.plist') endless(res);
    else if (req.url?.startsWith('/loop')) res.writeHead(302, { location: `/loop${Number(req.url.slice(5) || 0) + 1}` }).end();
    else if (req.url === '/range') {
      res.writeHead(206, { 'content-range': 'bytes 0-99/1000', 'content-length': 100 }).end(Buffer.alloc(100));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a server that never answers: TIMEOUT, not a hang', async () => {
  const r = await runDoctor(`${origin}/silent`, { timeoutMs: 300 });
  assert.deepEqual(r.findings.map((f) => f.code), ['TIMEOUT']);
  assert.equal(r.installable, false);
});

test('a manifest URL that streams without end: read up to its cap, RESPONSE_TOO_LARGE', async () => {
  const r = await runDoctor(`${origin}/endless.plist`, { timeoutMs: 30_000 });
  assert.ok(r.findings.some((f) => f.code === 'RESPONSE_TOO_LARGE'), r.findings.map((f) => f.code).join());
});

test('a redirect loop: followed to the limit, TOO_MANY_REDIRECTS', async () => {
  const r = await runDoctor(`${origin}/loop`, { timeoutMs: 5000 });
  assert.ok(r.findings.some((f) => f.code === 'TOO_MANY_REDIRECTS'), r.findings.map((f) => f.code).join());
});

test('the remote package source refuses to read past its byte cap', async () => {
  const http = new DoctorHttp({ timeoutMs: 5000 });
  try {
    const source = new HttpRangeSource(http, `${origin}/range`, null, 150);
    const buf = Buffer.alloc(100);
    assert.equal((await source.read(buf, 0, 100, 0)).bytesRead, 100);
    await assert.rejects(source.read(buf, 0, 100, 0), (e: unknown) => e instanceof OtashipError && e.code === 'PARSE_BUDGET');
    assert.equal(source.bytesRead, 100);
  } finally {
    http.close();
  }
});
