// compose.yaml (otaship + PostgreSQL + SeaweedFS), checked without a container engine: no Compose
// runs where the tests do, and the PostgreSQL and SeaweedFS images cannot be pulled. What can be
// checked is checked: every OTASHIP_* name is one src/config reads, the server's config loader
// accepts the environment Compose would hand it, secrets come only from the required ${…} variables,
// and the services are wired to each other consistently (hosts, ports, bucket, credentials,
// health-gated start order, volumes). test/deploy/container.test.ts runs the image itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, SETTINGS } from '../../src/config/load.js';
import { SHUTDOWN_GRACE_S } from '../../src/cli/commands/serve.js';
import { interpolate, loadCompose, SAMPLE_DOT_ENV, serviceEnvironment, variables, type ComposeService } from '../helpers/compose.js';

const compose = loadCompose();
const { otaship, postgres, s3 } = compose.services as Record<'otaship' | 'postgres' | 's3', ComposeService>;

/** The secrets .env must provide: each used only as a required ${NAME:?…} variable. */
const SECRETS = ['OTASHIP_SECRET', 'POSTGRES_PASSWORD', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'];
const SAMPLE = SAMPLE_DOT_ENV;
const env = (service: ComposeService) => serviceEnvironment(service, SAMPLE);

test('every OTASHIP_* variable compose.yaml sets is one the server reads', () => {
  const known = new Set<string>([...Object.values(SETTINGS), 'OTASHIP_CONFIG']);
  const names = Object.keys(otaship.environment ?? {});
  assert.ok(names.length > 0);
  for (const name of names) assert.ok(known.has(name), `${name} is not read by src/config`);
});

test("the server's config loader accepts the environment compose.yaml gives it: PostgreSQL, S3 on the s3 service, the public URL", () => {
  const config = loadConfig({ env: env(otaship), cwd: '/app' });
  assert.equal(config.publicUrl, SAMPLE.OTASHIP_PUBLIC_URL);
  assert.match(config.databaseUrl, /^postgres:\/\//);
  assert.equal(config.storage.kind, 's3');
  if (config.storage.kind !== 's3') return;
  assert.equal(config.storage.forcePathStyle, true, 'path-style: the bucket is not a DNS name on the compose network');
  assert.equal(config.storage.accessKeyId, SAMPLE.S3_ACCESS_KEY_ID);
  assert.equal(config.storage.secretAccessKey, SAMPLE.S3_SECRET_ACCESS_KEY);
  assert.equal(config.secret, SAMPLE.OTASHIP_SECRET);
});

test('compose refuses to start without each secret, and no secret is written into the file', () => {
  const interpolateAll = (vars: Readonly<Record<string, string>>) => {
    for (const service of [otaship, postgres, s3]) {
      for (const value of Object.values(service.environment ?? {})) interpolate(String(value), vars);
    }
  };
  interpolateAll(SAMPLE);
  for (const secret of SECRETS) assert.throws(() => interpolateAll({ ...SAMPLE, [secret]: '' }), /refuses to start/, secret);
  for (const service of [otaship, postgres, s3]) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      const secretish = /SECRET|PASSWORD|ACCESS_KEY/.test(key) || /:\/\/[^/]*@/.test(String(value));
      if (!secretish) continue;
      const used = variables(String(value));
      assert.ok(used.length > 0 && used.every((v) => SECRETS.includes(v.name) && v.required), `${key} takes its secret from a required variable`);
    }
  }
});

test('the services are wired consistently: database URL, S3 endpoint, bucket, credentials', () => {
  const o = env(otaship);
  const p = env(postgres);
  const db = new URL(o.OTASHIP_DATABASE_URL!);
  assert.equal(db.hostname, 'postgres');
  assert.equal(db.port, '5432');
  assert.equal(db.username, p.POSTGRES_USER);
  assert.equal(decodeURIComponent(db.password), p.POSTGRES_PASSWORD);
  assert.equal(db.pathname, `/${p.POSTGRES_DB}`);

  const endpoint = new URL(o.OTASHIP_S3_ENDPOINT!);
  assert.equal(endpoint.hostname, 's3');
  const probe = JSON.stringify(s3.healthcheck?.test);
  assert.ok(probe.includes(`:${endpoint.port}/`), `the s3 health check probes the port otaship uses (${endpoint.port})`);
  assert.ok(s3.command?.includes(`-bucket=${o.OTASHIP_S3_BUCKET}`), 'SeaweedFS creates the bucket otaship uses');
  const s = env(s3);
  assert.equal(s.AWS_ACCESS_KEY_ID, o.OTASHIP_S3_ACCESS_KEY_ID);
  assert.equal(s.AWS_SECRET_ACCESS_KEY, o.OTASHIP_S3_SECRET_ACCESS_KEY);
});

test('start order is gated on health; data lives in declared volumes; stop allows the server its grace period', () => {
  assert.deepEqual(otaship.depends_on, { postgres: { condition: 'service_healthy' }, s3: { condition: 'service_healthy' } });
  for (const service of [postgres, s3]) {
    assert.ok(Array.isArray(service.healthcheck?.test) && service.healthcheck.test[0] === 'CMD', 'an exec-form health check');
  }
  // otaship's own health check is the image's (GET /api/v1/ready); compose must not switch it off.
  assert.equal(otaship.healthcheck, undefined);

  const declared = new Set(Object.keys(compose.volumes ?? {}));
  const mounts = (s: ComposeService) => (s.volumes ?? []).map((v) => v.split(':') as [string, string]);
  for (const service of [otaship, postgres, s3]) {
    for (const [source] of mounts(service)) assert.ok(declared.has(source), `volume ${source} is declared`);
  }
  assert.ok(mounts(otaship).some(([, target]) => target === '/data'), "otaship's data folder (the image's VOLUME) is a named volume");
  assert.ok(mounts(postgres).some(([, target]) => target === '/var/lib/postgresql'), 'PostgreSQL 18+ images keep data below /var/lib/postgresql');

  const grace = /^(\d+)s$/.exec(otaship.stop_grace_period ?? '')?.[1];
  assert.ok(grace && Number(grace) > SHUTDOWN_GRACE_S, `stop_grace_period ${otaship.stop_grace_period} exceeds the server's ${SHUTDOWN_GRACE_S} s`);
  assert.deepEqual(otaship.env_file, [{ path: 'otaship.env', required: false }]);
});
