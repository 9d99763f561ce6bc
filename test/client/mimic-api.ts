// A tiny stand-in for the otaship API (node:http, real sockets) with the status codes and JSON the
// real server uses, for testing the client's wire behaviour and error mapping in isolation. The
// end-to-end tests against the real server live in test/cli/publish.test.ts.
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export const GOOD_TOKEN = 'ota_tok1_s3cret';

export type Scenario = 'ok' | 'not-installable' | 'html-502' | 'redirect' | 'bad-json' | 'too-large-early';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  size: number;
  sha256: string;
  body: string;
}

export interface MimicApi {
  url: string;
  scenario: Scenario;
  requests: Received[];
  /** The requests other than the client's token check (GET /api/v1/apps). */
  calls(): Received[];
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startMimicApi(tls?: { cert: string; key: string }): Promise<MimicApi> {
  const api: MimicApi = {
    url: '',
    scenario: 'ok',
    requests: [],
    calls: () => api.requests.filter((r) => !(r.method === 'GET' && r.path === '/api/v1/apps')),
    close: async () => {},
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const record: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, size: 0, sha256: '', body: '' };
    api.requests.push(record);
    if (req.headers.authorization !== `Bearer ${GOOD_TOKEN}`) {
      // Refused from the headers alone, before the body is read — as an auth hook does.
      json(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'The API token is not valid', hint: 'x' } });
      return;
    }
    if (api.scenario === 'too-large-early' && req.method === 'POST') {
      // Refused from Content-Length alone; the body is drained politely, the connection kept open
      // (as the real server's lingering close does), so the client reads the answer, not a reset.
      res.shouldKeepAlive = true;
      req.resume();
      json(res, 413, { error: { code: 'PAYLOAD_TOO_LARGE', message: `The package is larger than the limit (${req.headers['content-length']} bytes)` } });
      return;
    }
    const hash = createHash('sha256');
    const text: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      record.size += chunk.length;
      hash.update(chunk);
      if (record.size < 64 * 1024) text.push(chunk);
    });
    req.on('end', () => {
      record.sha256 = hash.digest('hex');
      record.body = Buffer.concat(text).toString('utf8');
      if (req.method === 'PATCH' && url.pathname.startsWith('/api/v1/releases/')) {
        json(res, 200, { release: { id: url.pathname.split('/').pop(), notes: JSON.parse(record.body).notes } });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/v1/apps') {
        json(res, 200, { apps: [] });
        return;
      }
      if (req.method !== 'POST' || url.pathname !== '/api/v1/releases') {
        json(res, 404, { error: { code: 'NOT_FOUND', message: `No route ${req.method} ${url.pathname}` } });
        return;
      }
      switch (api.scenario) {
        case 'not-installable':
          json(res, 422, {
            error: {
              code: 'NOT_INSTALLABLE',
              message: 'This build cannot be installed over the air',
              hint: 'x',
              details: { reasons: [{ code: 'APP_STORE_PROFILE', message: 'Signed for App Store distribution', severity: 'error' }] },
            },
          });
          return;
        case 'html-502':
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
          return;
        case 'redirect':
          res.writeHead(308, { location: 'https://elsewhere.example/api/v1/releases' });
          res.end();
          return;
        case 'bad-json':
          json(res, 201, { release: { id: 'r1' } });
          return;
        default: {
          const origin = api.url.replace(/\/$/, '');
          json(res, 201, {
            release: { id: 'rel_1', size: record.size, sha256: record.sha256 },
            app: { id: 'app_1', name: 'Demo' },
            installPageUrl: `${origin}/i/rel_1?t=tok`,
            installLink: `itms-services://?action=download-manifest&url=${encodeURIComponent(`${origin}/i/rel_1/manifest.plist?t=tok`)}`,
            manifestUrl: `${origin}/i/rel_1/manifest.plist?t=tok`,
            downloadUrl: `${origin}/i/rel_1/package.ipa?t=tok`,
          });
        }
      }
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

/** A port nothing listens on: bind, note it, close. */
export async function closedPortUrl(): Promise<string> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
