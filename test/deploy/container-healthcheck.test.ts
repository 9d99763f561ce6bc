// deploy/container/healthcheck.cjs, the image's HEALTHCHECK, run as the container runs it (node,
// the OTASHIP_* environment) against a stand-in for the server on this machine: healthy only on a
// 200 from /api/v1/ready, on the port OTASHIP_PORT names, over https when the server serves TLS.
// test/deploy/container.test.ts runs it inside the real image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyCertificate, type ProxyCertificate } from '../helpers/reverse-proxy.js';

const SCRIPT = 'deploy/container/healthcheck.cjs';

let work: string;
let cert: ProxyCertificate;
let status = 200;
const paths: string[] = [];
const answer = (req: IncomingMessage, res: ServerResponse) => {
  paths.push(req.url ?? '');
  res.writeHead(req.url === '/api/v1/ready' ? status : 404).end();
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function healthcheck(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

const servers: Server[] = [];
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'otaship-healthcheck-'));
  cert = await proxyCertificate(work);
});
after(async () => {
  for (const s of servers) s.close();
  await rm(work, { recursive: true, force: true });
});

test('healthy on a 200 from /api/v1/ready at OTASHIP_PORT, unhealthy on a 503', async () => {
  const server = createHttpServer(answer);
  servers.push(server);
  const port = await listen(server);
  status = 200;
  assert.equal((await healthcheck({ OTASHIP_PORT: String(port) })).code, 0);
  assert.equal(paths.at(-1), '/api/v1/ready');
  status = 503;
  const unready = await healthcheck({ OTASHIP_PORT: String(port) });
  assert.equal(unready.code, 1);
  assert.match(unready.stderr, /answered 503/);
});

test('talks https when the server serves TLS from OTASHIP_TLS_CERT or OTASHIP_TLS=self-signed', async () => {
  const server = createHttpsServer({ cert: await readFile(cert.certFile), key: await readFile(cert.keyFile) }, answer);
  servers.push(server);
  const port = String(await listen(server));
  status = 200;
  assert.equal((await healthcheck({ OTASHIP_PORT: port, OTASHIP_TLS_CERT: cert.certFile, OTASHIP_TLS_KEY: cert.keyFile })).code, 0);
  assert.equal((await healthcheck({ OTASHIP_PORT: port, OTASHIP_TLS: 'self-signed' })).code, 0);
  // Plain http to a TLS port gets no HTTP answer: unhealthy, never a false "healthy".
  assert.equal((await healthcheck({ OTASHIP_PORT: port })).code, 1);
});

test('unhealthy when nothing listens', async () => {
  const server = createHttpServer(answer);
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  const r = await healthcheck({ OTASHIP_PORT: String(port) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ECONNREFUSED/);
});
