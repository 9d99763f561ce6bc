// A static OTA deployment on disk (manifest, package, icons, install page) and a small Node TLS server
// for it, with the TLS settings a test asks for. The handler serves files the way a correct server
// does (types, Content-Length, ETag, Range and If-Range); the gallery breaks one thing at a time.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { buildManifest } from '../../src/core/manifest/index.js';
import { buildInstallLink } from '../../src/core/link/index.js';
import { buildIpa, cgbiPng, standardPng, type SyntheticIpaOptions } from './synthetic-ipa.js';

export interface SiteOptions {
  /** Bundle id written in the manifest (default: the package's). */
  manifestBundleId?: string;
  cgbiIcon?: boolean;
  ipa?: SyntheticIpaOptions;
  /** Package URL in the manifest instead of <origin>/<dir>/app.ipa. */
  packageUrl?: string;
}

export const TYPES: Record<string, string> = { '.plist': 'text/xml', '.ipa': 'application/octet-stream', '.png': 'image/png', '.html': 'text/html; charset=utf-8' };

/** Writes a deployment into root/dir for `origin` (e.g. https://127.0.0.1:1234) and returns its page URL path. */
export async function writeSite(root: string, dir: string, origin: string, o: SiteOptions = {}): Promise<void> {
  const at = join(root, dir);
  await mkdir(at, { recursive: true });
  const base = `${origin}/${dir}`;
  await buildIpa({ bundleId: 'com.example.gallery', out: join(at, 'app.ipa'), ...o.ipa });
  await writeFile(join(at, 'icon57.png'), o.cgbiIcon ? cgbiPng(57, 57) : standardPng(57, 57));
  await writeFile(join(at, 'icon512.png'), standardPng(512, 512));
  const manifest = buildManifest({
    package: { bundleId: o.manifestBundleId ?? o.ipa?.bundleId ?? 'com.example.gallery', version: '1.2.3', build: '45', name: 'Gallery' },
    urls: { softwarePackage: o.packageUrl ?? `${base}/app.ipa`, displayImage: `${base}/icon57.png`, fullSizeImage: `${base}/icon512.png` },
  });
  await writeFile(join(at, 'manifest.plist'), manifest);
  const link = buildInstallLink(`${base}/manifest.plist`);
  await writeFile(join(at, 'index.html'), `<!doctype html><title>Gallery</title><a href="${link.replace(/&/g, '&amp;')}">Install</a>\n`);
}

/** Serves root like a correct static server: types, length, ETag, Range, If-Range; `redirects` maps paths to Locations. */
export function staticHandler(root: string, redirects: Record<string, string> = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (redirects[path]) {
      res.writeHead(302, { location: redirects[path] }).end();
      return;
    }
    const file = join(root, normalize(path.endsWith('/') ? `${path}index.html` : path));
    let size: number;
    let mtime: Date;
    try {
      ({ size, mtime } = await stat(file));
    } catch {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${size.toString(16)}-${mtime.getTime().toString(16)}"`;
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      const from = Number(range[1]);
      const to = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      res.writeHead(206, { 'content-type': type, 'content-length': to - from + 1, 'content-range': `bytes ${from}-${to}/${size}`, 'accept-ranges': 'bytes', etag });
      createReadStream(file, { start: from, end: to }).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': size, 'accept-ranges': 'bytes', etag });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

export interface TlsSiteOptions {
  certPem: string;
  keyPem: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
  redirects?: Record<string, string>;
}

export interface RunningSite {
  origin: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

/** Listens first (the origin goes into the manifests), then serves root. */
export async function startTlsSite(root: string, o: TlsSiteOptions): Promise<RunningSite> {
  const redirects = o.redirects ?? {};
  const handler = staticHandler(root, redirects);
  const server = createServer(
    { cert: o.certPem, key: o.keyPem, ...(o.minVersion ? { minVersion: o.minVersion } : {}), ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}), ciphers: o.ciphers ?? 'DEFAULT:@SECLEVEL=0' },
    (req, res) => void handler(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    server,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
