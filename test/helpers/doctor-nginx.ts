// Debian's nginx serving a static OTA deployment for the doctor's gallery: one https server and one
// plain http server on loopback high ports, with `locations` (nginx directives) breaking one thing
// per folder. Started as a child process in its own prefix, like test/helpers/reverse-proxy.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, watch } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NGINX_BIN } from './reverse-proxy.js';
export { freePort } from './free-port.js';

export { NGINX_BIN };

export interface NginxSite {
  httpsPort: number;
  httpPort: number;
  stop(): Promise<void>;
}

const TYPES = 'types { text/xml plist; application/octet-stream ipa; image/png png; text/html html; }';

export async function startStaticNginx(o: { work: string; root: string; certFile: string; keyFile: string; httpsPort: number; httpPort: number; locations: string }): Promise<NginxSite> {
  if (!NGINX_BIN) throw new Error('nginx is not installed');
  await chmod(o.work, 0o700);
  const conf = join(o.work, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${o.work}/nginx.pid;
error_log ${o.work}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${o.work}/body;
  proxy_temp_path ${o.work}/proxy;
  fastcgi_temp_path ${o.work}/fastcgi;
  uwsgi_temp_path ${o.work}/uwsgi;
  scgi_temp_path ${o.work}/scgi;
  ${TYPES}
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${o.httpsPort} ssl;
    ssl_certificate ${o.certFile};
    ssl_certificate_key ${o.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${o.root};
    ${o.locations}
  }
  server {
    listen 127.0.0.1:${o.httpPort};
    root ${o.root};
  }
}
`,
  );
  const check = spawnSync(NGINX_BIN, ['-t', '-q', '-c', conf, '-p', o.work], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr.trim()}`);
  const child = spawn(NGINX_BIN, ['-c', conf, '-p', o.work], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')));
  await pidFile(o.work, child, () => log + (existsSync(join(o.work, 'error.log')) ? readFileSync(join(o.work, 'error.log'), 'utf8') : ''));
  return { httpsPort: o.httpsPort, httpPort: o.httpPort, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGQUIT');
  await exited;
}

/** nginx writes its pid file once its sockets are bound. */
function pidFile(dir: string, child: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const file = join(dir, 'nginx.pid');
    const watcher = watch(dir, () => {
      if (existsSync(file)) done();
    });
    const onExit = (code: number | null) => {
      watcher.close();
      reject(new Error(`nginx exited (${code}) before it was ready:\n${log()}`));
    };
    const done = () => {
      watcher.close();
      child.off('exit', onExit);
      resolve();
    };
    child.once('exit', onExit);
    if (existsSync(file)) done();
  });
}
