// A real HTTPS server with the generated certificate, reached by a Node TLS client that trusts ONLY
// the local CA — by IP address and by host name — and refused by a client that does not trust it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSelfSignedTls, type SelfSignedTls } from '../../src/tls/index.js';

let dataDir: string;
let tls: SelfSignedTls;
let server: Server;
let port: number;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-https-'));
  tls = await ensureSelfSignedTls({ dataDir, hostname: 'otaship-test-host', names: ['ota.lan.example'] });
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    res.end(`hello ${req.headers.host ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

/** GET over TLS to 127.0.0.1:port, verifying the certificate for `name` against `ca` (or the system store). */
function get(name: string, ca: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        servername: name === '127.0.0.1' ? undefined : name,
        headers: { host: `${name}:${port}` },
        ca,
        rejectUnauthorized: true,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS with the self-signed CA', () => {
  test('reachable by IP address when the client trusts the CA', async () => {
    assert.equal(await get('127.0.0.1', tls.caCertPem), `hello 127.0.0.1:${port}`);
  });

  test('reachable as localhost, the machine name and its .local name', async () => {
    for (const name of ['localhost', 'otaship-test-host', 'otaship-test-host.local', 'ota.lan.example']) {
      assert.equal(await get(name, tls.caCertPem), `hello ${name}:${port}`);
    }
  });

  test('a name the certificate does not cover is refused', async () => {
    await assert.rejects(get('other.example', tls.caCertPem), (err: NodeJS.ErrnoException) => err.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  });

  test('a client that does not trust the CA is refused', async () => {
    await assert.rejects(get('localhost', undefined), (err: NodeJS.ErrnoException) =>
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].includes(err.code ?? ''),
    );
  });
});
