// Runs the reverse-proxy configurations shipped in deploy/ as child processes for tests: Debian's nginx
// (`daemon off`, its own prefix and config in a temp folder) and Caddy (`caddy run`, admin API off), on
// loopback high ports, with a certificate from otaship's own local CA (src/tls). The shipped files are
// used as written; only the public name, listen port, upstream and certificate paths are substituted,
// and each substitution must find its text, so the files and this helper cannot drift apart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, watch } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureSelfSignedTls } from '../../src/tls/index.js';

export const NGINX_BIN = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;
export const CADDY_BIN = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p)) ?? null;

export interface ProxyCertificate {
  caPem: string;
  certFile: string;
  keyFile: string;
}

/** A server certificate for 127.0.0.1 signed by a fresh local CA (otaship's TLS module), as files. */
export async function proxyCertificate(work: string): Promise<ProxyCertificate> {
  const tls = await ensureSelfSignedTls({ dataDir: join(work, 'ca'), names: ['127.0.0.1'], hostname: 'localhost', interfaces: {} });
  const certFile = join(work, 'fullchain.pem');
  const keyFile = join(work, 'privkey.pem');
  await writeFile(certFile, tls.certPem);
  await writeFile(keyFile, tls.keyPem, { mode: 0o600 });
  return { caPem: tls.caCertPem, certFile, keyFile };
}

export interface RunningProxy {
  /** The public origin, e.g. https://127.0.0.1:41234 */
  origin: string;
  stop(): Promise<void>;
}

export interface ProxyTarget {
  work: string;
  port: number;
  upstreamPort: number;
  cert: ProxyCertificate;
}

function substitute(text: string, file: string, pairs: [string | RegExp, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    const found = typeof from === 'string' ? out.includes(from) : from.test(out);
    if (!found) throw new Error(`${file} no longer contains ${String(from)}: update test/helpers/reverse-proxy.ts`);
    out = typeof from === 'string' ? out.replaceAll(from, to) : out.replace(from, to);
  }
  return out;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** Resolves when `file` appears in `dir` (or already exists); rejects if the child exits first. */
function whenFileAppears(dir: string, name: string, child: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir, () => {
      if (existsSync(join(dir, name))) done();
    });
    const onExit = (code: number | null) => {
      watcher.close();
      reject(new Error(`the proxy exited (${code}) before it was ready:\n${log()}`));
    };
    const done = () => {
      watcher.close();
      child.off('exit', onExit);
      resolve();
    };
    child.once('exit', onExit);
    if (existsSync(join(dir, name))) done();
  });
}

/**
 * deploy/nginx/otaship.conf inside a minimal http{} block. That block turns gzip on for every type,
 * proxied responses included (many distribution configs compress), so the site file's own `gzip off`
 * for /i/ is what keeps install traffic untransformed.
 */
export async function startNginx(t: ProxyTarget, siteFile = 'deploy/nginx/otaship.conf', options: { bodyLimit?: string } = {}): Promise<RunningProxy> {
  if (!NGINX_BIN) throw new Error('nginx is not installed');
  const site = substitute(readFileSync(siteFile, 'utf8'), siteFile, [
    // A proxy whose owner limited request bodies, as many do (the shipped file does not).
    ...(options.bodyLimit ? ([['client_max_body_size 0;', `client_max_body_size ${options.bodyLimit};`]] as [string, string][]) : []),
    ['server 127.0.0.1:8080;', `server 127.0.0.1:${t.upstreamPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${t.port} ssl http2;`],
    ['server_name ota.example.com;', 'server_name 127.0.0.1;'],
    ['/etc/ssl/otaship/fullchain.pem', t.cert.certFile],
    ['/etc/ssl/otaship/privkey.pem', t.cert.keyFile],
  ]);
  await writeFile(join(t.work, 'otaship.conf'), site);
  const stop = await runNginx(
    t.work,
    `gzip on;
  gzip_proxied any;
  gzip_types *;
  gzip_min_length 0;
  include ${t.work}/otaship.conf;`,
  );
  return { origin: `https://127.0.0.1:${t.port}`, stop };
}

/**
 * Debian's nginx in its own prefix `work`: a minimal nginx.conf whose http{} block holds its temp paths
 * and then `http` (the caller's directives and servers). Resolves once nginx is listening, with a stop.
 */
export async function runNginx(work: string, http: string): Promise<() => Promise<void>> {
  if (!NGINX_BIN) throw new Error('nginx is not installed');
  // Workers drop privileges when started as root; `user root` keeps them able to use the temp folder.
  await chmod(work, 0o700);
  const conf = join(work, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  ${http}
}
`,
  );
  const check = spawnSync(NGINX_BIN, ['-t', '-q', '-c', conf, '-p', work], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr.trim()}`);
  let log = '';
  const child = spawn(NGINX_BIN, ['-c', conf, '-p', work], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const errorLog = join(work, 'error.log');
  // nginx writes its pid file after it has bound its listening sockets.
  await whenFileAppears(work, 'nginx.pid', child, () => log + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''));
  return () => stopChild(child, 'SIGQUIT');
}

/** deploy/caddy/Caddyfile with global options for a test: no admin API, no port-80 redirect server, data in the temp folder. */
export async function startCaddy(t: ProxyTarget, siteFile = 'deploy/caddy/Caddyfile'): Promise<RunningProxy> {
  if (!CADDY_BIN) throw new Error('caddy is not installed');
  const site = substitute(readFileSync(siteFile, 'utf8'), siteFile, [
    [/^ota\.example\.com \{$/m, `https://127.0.0.1:${t.port} {`],
    ['reverse_proxy 127.0.0.1:8080', `reverse_proxy 127.0.0.1:${t.upstreamPort}`],
    ['/etc/ssl/otaship/fullchain.pem', t.cert.certFile],
    ['/etc/ssl/otaship/privkey.pem', t.cert.keyFile],
  ]);
  const conf = join(t.work, 'Caddyfile');
  await writeFile(conf, `{\n\tadmin off\n\tauto_https disable_redirects\n\tstorage file_system ${t.work}/caddy-data\n}\n\n${site}`);
  const env = { ...process.env, HOME: t.work, XDG_DATA_HOME: join(t.work, 'xdg-data'), XDG_CONFIG_HOME: join(t.work, 'xdg-config') };
  const child = spawn(CADDY_BIN, ['run', '--config', conf, '--adapter', 'caddyfile'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`caddy exited (${code}) before it was ready:\n${log}`));
    child.once('exit', onExit);
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString('utf8');
      // Logged once the configuration (and so the listener) is running.
      if (/serving initial configuration/.test(log)) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return { origin: `https://127.0.0.1:${t.port}`, stop: () => stopChild(child, 'SIGTERM') };
}
