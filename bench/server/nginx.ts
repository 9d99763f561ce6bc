// nginx as the reference static server: a child process (`daemon off;`) from a temp config on a
// loopback port, serving a directory. One worker process, because an otaship instance serves from one
// thread too (the scale section compares instance counts separately); sendfile on, access log off —
// nginx's usual fast path for static files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './otaship.js';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];
const findNginx = () => CANDIDATES.find((p) => existsSync(p));

/**
 * The nginx binary, installed from Debian's package when it is missing and we may (root with
 * apt-get): the reference must be there for the ratios to mean anything. undefined when it cannot
 * be had; the caller then prints otaship's figures alone and says why.
 */
export function ensureNginx(log: (line: string) => void = console.error): string | undefined {
  const found = findNginx();
  if (found || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return found;
  log('bench: nginx is missing; installing Debian\'s nginx package (apt-get install -y nginx)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: 'ignore', env } as const;
  let install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx'], quiet);
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], quiet);
    install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx'], quiet);
  }
  if (install.status !== 0) log(`bench: apt-get install nginx failed (exit ${install.status}); nginx rows will be empty`);
  return findNginx();
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** Serves `www` (files already in place) until stop(). `work` holds the config, pid and temp paths. */
export async function startNginx(work: string, www: string): Promise<Nginx> {
  const NGINX_BIN = ensureNginx();
  if (!NGINX_BIN) throw new Error('nginx is not installed (apt-get install -y nginx)');
  await mkdir(work, { recursive: true });
  // Workers drop privileges when started as root; `user root` keeps them able to read the temp files.
  await chmod(www, 0o755);
  const port = await freePort();
  const conf = join(work, 'nginx.conf');
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
master_process on;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  types { application/xml plist; application/octet-stream ipa; }
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`,
  );
  const check = spawnSync(NGINX_BIN, ['-t', '-q', '-c', conf, '-p', work], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx config test failed: ${check.stderr.trim()}`);
  const child = spawn(NGINX_BIN, ['-c', conf, '-p', work], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (i > 100) {
        await stop();
        throw new Error('nginx did not start listening within 5 s');
      }
      await sleep(50);
    }
  }
  return { url, stop };
}
