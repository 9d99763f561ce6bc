// The Dockerfile, built for real with buildah on a base image made here (debootstrap + Node from the
// npm registry, see test/helpers/container-image.ts), then run with podman: a package published over
// the HTTP API, its install page and manifest fetched through the published port, the health check,
// the non-root user, and `podman stop` (SIGTERM) ending the server cleanly, whose data a new
// container on the same volume serves again (an upgrade). Where the engines are missing or refuse to
// run containers, the parts that cannot run skip with the reason; under CI (CI=true, .ci/run
// installs buildah, podman, runc and debootstrap) that is a failure instead.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { OtashipClient } from '../../src/client/index.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { postgresSkipReason, startPostgres } from '../helpers/postgres.js';
import { startS3 } from '../helpers/s3.js';
import { loadCompose, SAMPLE_DOT_ENV, serviceEnvironment } from '../helpers/compose.js';
import {
  buildah,
  buildahRun,
  buildImage,
  buildSkipReason,
  ensureBaseImage,
  podman,
  podmanRun,
  runSkipReason,
  ULIMITS,
  waitHealthy,
} from '../helpers/container-image.js';
import { freePort } from '../helpers/free-port.js';

const CI = Boolean(process.env.CI);
const IMAGE = 'localhost/otaship:container-test';
const PUBLIC_URL = 'https://ota.example.test';
const buildReason = buildSkipReason();
if (CI && buildReason) throw new Error(`CI run cannot build the container image: ${buildReason}`);

interface ImageConfig {
  User?: string;
  ExposedPorts?: Record<string, unknown>;
  Volumes?: Record<string, unknown>;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  StopSignal?: string;
  Healthcheck?: { Test?: string[] };
}

/** Runs a shell script in a throwaway working container of the image, as the image's user. */
async function inImage(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const container = (await buildah(['from', '--quiet', IMAGE])).trim();
  try {
    return await buildahRun(['run', '--isolation', 'chroot', container, '--', 'sh', '-c', script]);
  } finally {
    await buildah(['rm', container]);
  }
}

describe('the container image', { skip: buildReason ?? false }, () => {
  let config: ImageConfig;
  let runReason: string | null = null;
  const volume = `otaship-test-${randomBytes(4).toString('hex')}`;
  const containers: string[] = [];

  before(async () => {
    const base = await ensureBaseImage((m) => console.log(`# ${m}`));
    await buildImage(base, IMAGE);
    const inspected = JSON.parse(await buildah(['inspect', '--type', 'image', IMAGE])) as { Docker: { config: ImageConfig } };
    config = inspected.Docker.config;
    runReason = await runSkipReason(IMAGE);
    if (runReason && CI) throw new Error(`CI run cannot run the container image: ${runReason}`);
  });

  after(async () => {
    for (const c of containers) await podmanRun(['rm', '--force', '--volumes', c]);
    await podmanRun(['volume', 'rm', '--force', volume]);
    await podmanRun(['rmi', IMAGE]);
    await buildahRun(['rmi', '--prune']);
  });

  test('its configuration: non-root user, /data volume, port 8080, readiness health check, node as the entrypoint', () => {
    assert.ok(config.User && !/^(root|0)(:|$)/.test(config.User), `runs as ${config.User}, not root`);
    assert.deepEqual(Object.keys(config.Volumes ?? {}), ['/data']);
    assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), ['8080/tcp']);
    assert.ok(config.Env?.includes('OTASHIP_DATA_DIR=/data'), 'the server keeps its data in the volume');
    assert.deepEqual(config.Healthcheck?.Test, ['CMD', 'node', '/app/healthcheck.cjs']);
    // Exec form, node first: node is PID 1 and receives docker stop's SIGTERM itself.
    assert.deepEqual(config.Entrypoint, ['node', '/app/bin/otaship']);
    assert.deepEqual(config.Cmd, ['serve']);
    assert.equal(config.StopSignal, 'SIGTERM');
  });

  test('inside: the native addons load, the CLI runs, the app is read-only to its user, dev dependencies are pruned', async () => {
    const r = await inImage(
      [
        'set -e',
        'id -u',
        'otaship --version',
        `node -e "const D=require('better-sqlite3'); new D(':memory:').close(); require('sharp'); console.log('addons ok')"`,
        'test ! -e /app/node_modules/typescript && echo pruned',
        'test ! -w /app/dist && echo read-only',
        'test -w /data && echo data-writable',
      ].join('\n'),
    );
    assert.equal(r.status, 0, r.stderr);
    const [uid, version, ...rest] = r.stdout.trim().split('\n');
    assert.notEqual(uid, '0');
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    assert.match(version!, new RegExp(pkg.version.replace(/\./g, '\\.')));
    assert.deepEqual(rest, ['addons ok', 'pruned', 'read-only', 'data-writable']);
  });

  test('the health check fails when no server answers', async () => {
    const r = await inImage('node /app/healthcheck.cjs');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /otaship healthcheck: .*ECONNREFUSED/);
  });

  async function start(t: TestContext, port: number, token: string): Promise<string> {
    const name = `otaship-test-${randomBytes(4).toString('hex')}`;
    containers.push(name);
    await podman([
      'run', '--detach', '--name', name, ...ULIMITS,
      '--publish', `127.0.0.1:${port}:8080`,
      '--volume', `${volume}:/data`,
      // Behind a TLS proxy, as in production: links use the public https origin (iOS installs only
      // from https manifests) while the test talks to the published port directly.
      '--env', `OTASHIP_PUBLIC_URL=${PUBLIC_URL}`,
      '--env', `OTASHIP_ADMIN_TOKEN=${token}`,
      // The image's health check is run by hand below: podman schedules it with systemd timers.
      '--health-interval', 'disable',
      IMAGE,
    ]);
    // Healthy = /api/v1/ready answered 200 from inside the container.
    await waitHealthy(name);
    t.diagnostic(`${name} healthy on port ${port}`);
    return name;
  }

  test('runs: a package published over the API installs through the published port; stop drains; a new container serves the same data', async (t) => {
    if (runReason) return t.skip(runReason);
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    const first = await start(t, port, token);

    const top = await podman(['top', first, 'pid', 'user', 'args']);
    const pid1 = top.split('\n').find((l) => /^\s*1\s/.test(l));
    assert.match(pid1 ?? '', /^\s*1\s+otaship\s+node \/app\/bin\/otaship serve/, `PID 1 is node as the otaship user:\n${top}`);

    const ipa = await buildIpa({ bundleId: 'com.example.container', displayName: 'From the container' });
    const client = new OtashipClient({ server: `http://127.0.0.1:${port}`, token });
    const published = await client.publish(ipa);
    assert.ok(published.installPageUrl.startsWith(`${PUBLIC_URL}/i/`), 'links are built from OTASHIP_PUBLIC_URL');
    /** The same link, asked of the published port (where a proxy in front would send it). */
    const direct = (url: string) => fetch(url.replace(PUBLIC_URL, `http://127.0.0.1:${port}`));

    const page = await direct(published.installPageUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /From the container/);
    const manifest = await direct(published.manifestUrl!);
    const xml = await manifest.text();
    assert.equal(manifest.status, 200, xml);
    assert.match(xml, /<string>com\.example\.container<\/string>/);
    assert.match(xml, /<string>https:\/\/ota\.example\.test\/i\/[^<]+\/package\.ipa\?t=/);
    const download = await direct(published.downloadUrl);
    assert.equal(download.status, 200);
    const sha = createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex');
    assert.equal(sha, createHash('sha256').update(await readFile(ipa)).digest('hex'));

    // podman stop sends the image's STOPSIGNAL and kills only after 60 s: exit code 0 (not 137)
    // means the server itself handled SIGTERM and shut down.
    await podman(['stop', '--time', '60', first]);
    const exit = (await podman(['inspect', '--format', '{{.State.ExitCode}}', first])).trim();
    const logs = await podmanRun(['logs', first]);
    assert.equal(exit, '0', `exit code ${exit}; log:\n${logs.stdout}${logs.stderr}`);
    assert.match(logs.stdout + logs.stderr, /SIGTERM: closing/);

    // An upgrade: a new container on the same volume serves the release published before.
    await start(t, port, token);
    const again = await direct(published.installPageUrl);
    assert.equal(again.status, 200);
    assert.match(await again.text(), /From the container/);
  });

  test("runs with PostgreSQL and S3 storage, given compose.yaml's otaship environment in an --env-file", async (t) => {
    if (runReason) return t.skip(runReason);
    const pgReason = postgresSkipReason();
    if (pgReason) {
      if (CI) throw new Error(`CI run cannot start PostgreSQL: ${pgReason}`);
      return t.skip(pgReason);
    }
    // compose.yaml's otaship service as Compose would start it, but with the PostgreSQL and S3
    // services replaced by the ones tests run on this machine (reached over the host's network).
    const composed = serviceEnvironment(loadCompose().services.otaship!, SAMPLE_DOT_ENV);
    const database = await startPostgres();
    const s3 = await startS3(composed.OTASHIP_S3_BUCKET);
    const work = await mkdtemp(join(tmpdir(), 'otaship-container-'));
    const name = `otaship-test-${randomBytes(4).toString('hex')}`;
    containers.push(name);
    try {
      const port = await freePort();
      const token = randomBytes(24).toString('hex');
      const databaseUrl = await database.createDatabase();
      const settings: Record<string, string> = {
        ...composed,
        OTASHIP_DATABASE_URL: databaseUrl,
        OTASHIP_S3_ENDPOINT: s3.endpoint,
        OTASHIP_S3_ACCESS_KEY_ID: 'S3RVER',
        OTASHIP_S3_SECRET_ACCESS_KEY: 'S3RVER',
        OTASHIP_PORT: String(port),
        OTASHIP_ADMIN_TOKEN: token,
      };
      const envFile = join(work, 'otaship.env');
      await writeFile(envFile, Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
      await podman(['run', '--detach', '--name', name, ...ULIMITS, '--network', 'host', '--env-file', envFile, '--health-interval', 'disable', IMAGE]);
      // The health check follows OTASHIP_PORT; ready means PostgreSQL and the bucket both answered.
      await waitHealthy(name);

      const client = new OtashipClient({ server: `http://127.0.0.1:${port}`, token });
      const ipa = await buildIpa({ bundleId: 'com.example.composed', displayName: 'Composed' });
      const published = await client.publish(ipa);
      assert.ok(published.installPageUrl.startsWith(`${SAMPLE_DOT_ENV.OTASHIP_PUBLIC_URL}/i/`));
      const download = await fetch(published.downloadUrl.replace(SAMPLE_DOT_ENV.OTASHIP_PUBLIC_URL!, `http://127.0.0.1:${port}`));
      assert.equal(download.status, 200);
      const sha = createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex');
      assert.equal(sha, createHash('sha256').update(await readFile(ipa)).digest('hex'));

      // The release is a row in PostgreSQL and its package an object in the bucket.
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const rows = await db.query('select count(*)::int as n from releases');
        assert.equal(rows.rows[0].n, 1);
      } finally {
        await db.end();
      }
      const stored = (await readdir(join(s3.directory, s3.bucket), { recursive: true })).map(String);
      assert.ok(stored.some((f) => !f.startsWith('readiness') && f.endsWith('._S3rver_object')), `objects in the bucket: ${stored.join(', ')}`);

      await podman(['stop', '--time', '60', name]);
      assert.equal((await podman(['inspect', '--format', '{{.State.ExitCode}}', name])).trim(), '0');
    } finally {
      await podmanRun(['rm', '--force', '--volumes', name]);
      await s3.stop();
      await database.stop();
      await rm(work, { recursive: true, force: true });
    }
  });
});
