// A PostgreSQL server for tests. OTASHIP_TEST_DATABASE_URL, when set, names an existing server
// (each suite gets a fresh database on it, dropped afterwards). Otherwise a throwaway cluster is
// started from Debian's binaries (/usr/lib/postgresql/<v>/bin) in a temp directory, listening on
// 127.0.0.1 at a free port with its socket in the same directory, and deleted afterwards. When
// neither is possible the suites skip with the reason — except under CI, where that is a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PostgresServer {
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases created here and stops the throwaway cluster, if any. */
  stop(): Promise<void>;
  /**
   * Fault tests: stops the throwaway cluster's server (its data stays) and starts it again on the
   * same port. Absent for an external server (OTASHIP_TEST_DATABASE_URL), which tests cannot stop.
   */
  outage?: {
    stop(): Promise<void>;
    start(): Promise<void>;
    /**
     * Freezes the server and its backends (SIGSTOP): connections stay open and nothing answers, as
     * with a paused VM or a host swapping to death. resume() sends SIGCONT.
     */
    pause(): void;
    resume(): void;
  };
  /** Ends every connection to the database at `url` (pg_terminate_backend), as a failover would. */
  terminateConnections(url: string): Promise<number>;
}

function findBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runAsPostgres(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${res.stderr || res.stdout || res.error?.message}`);
}

/** Why PostgreSQL tests cannot run here, or false when they can. Throws under CI. */
export function postgresSkipReason(): string | false {
  if (process.env.OTASHIP_TEST_DATABASE_URL) return false;
  let reason: string | false = false;
  if (!findBinDir()) reason = 'PostgreSQL binaries not found under /usr/lib/postgresql/*/bin and OTASHIP_TEST_DATABASE_URL is not set';
  else if (isRoot && spawnSync('id', ['postgres']).status !== 0) reason = 'running as root but there is no postgres user to run the server';
  if (reason && process.env.CI) throw new Error(`CI run cannot test PostgreSQL: ${reason}`);
  return reason;
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env.OTASHIP_TEST_DATABASE_URL;
  let adminUrl: string;
  let stopCluster = async () => {};
  let outage: PostgresServer['outage'];
  if (external) {
    adminUrl = external;
  } else {
    const bin = findBinDir();
    if (!bin) throw new Error('PostgreSQL binaries not found');
    const dir = mkdtempSync(join(tmpdir(), 'otaship-pg-'));
    if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const data = join(dir, 'data');
    const port = await freePort();
    runAsPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    const startServer = () =>
      runAsPostgres(join(bin, 'pg_ctl'), [
        '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
        '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100`,
        'start',
      ]);
    startServer();
    /** The postmaster (first line of postmaster.pid) and every process it started. */
    const serverPids = (): number[] => {
      const main = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === main;
          } catch {
            return false; // the process ended meanwhile
          }
        })
        .map(Number);
      return [main, ...children];
    };
    outage = {
      stop: async () => runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
      start: async () => startServer(),
      pause: () => {
        for (const pid of serverPids()) process.kill(pid, 'SIGSTOP');
      },
      resume: () => {
        for (const pid of serverPids()) process.kill(pid, 'SIGCONT');
      },
    };
    adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    stopCluster = async () => {
      try {
        runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const created: string[] = [];
  return {
    ...(outage ? { outage } : {}),
    async terminateConnections(url: string) {
      const name = new URL(url).pathname.slice(1);
      const res = await withAdmin(adminUrl, (c) =>
        c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]),
      );
      return res.rowCount ?? 0;
    },
    async createDatabase() {
      const name = `otaship_test_${randomBytes(6).toString('hex')}`;
      await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    async stop() {
      try {
        if (external) {
          await withAdmin(adminUrl, async (c) => {
            for (const name of created) await c.query(`drop database if exists ${name} with (force)`);
          });
        }
      } finally {
        await stopCluster();
      }
    },
  };
}
