// The quick start, run literally: the commands are taken from the quick-start block of
// README.md, run in the repository as a new user would, against
// a temp data folder (OTASHIP_DATA_DIR) and a free port instead of ./data and 8080. The test follows the
// sign-in link the server prints with a real HTTP client, creates a token as the Tokens page does,
// publishes a synthetic build with the printed publish command, and opens the install page it prints.
// Needs the built CLI (`npm run build`; `npm test` builds first).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIpa } from './helpers/synthetic-ipa.js';
import { freePort } from './helpers/free-port.js';

const ROOT = process.cwd();
const DEFAULT_ORIGIN = 'http://localhost:8080';

/** The commands of the first ```sh block under "## Quick start" (comment and blank lines dropped). */
function quickStartCommands(): string[] {
  const md = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = md.slice(md.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the quick start has a ```sh block');
  return block[1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** The environment of a new user: none of our settings, except where the test puts data and the port. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTASHIP_')));
  return { ...env, ...extra };
}

/**
 * Resolves with the first match of `re` in the child's stdout; rejects if it exits first, or once
 * `stop` matches without `re` (output that comes after it was due).
 */
function waitForOutput(child: ChildProcess, re: RegExp, what: string, stop?: RegExp): Promise<RegExpExecArray> {
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = re.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      } else if (stop?.test(out)) {
        reject(new Error(`${what} was not printed:\n${out}`));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${what}\nstdout:\n${out}\nstderr:\n${err}`)));
  });
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('the README quick start works as written: start, sign in with the printed link, publish, open the install page', async () => {
  assert.ok(existsSync(join(ROOT, 'dist/cli/main.js')), 'the CLI is not built: run `npm run build` first');
  const commands = quickStartCommands();
  assert.equal(commands.length, 2, `two commands expected in the quick start, found: ${commands.join(' | ')}`);
  const [startCommand, publishCommand] = commands as [string, string];
  assert.equal(startCommand, 'npm start');
  assert.match(publishCommand, /^npx otaship publish /);

  const dataDir = await mkdtemp(join(tmpdir(), 'otaship-quickstart-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const origin = `http://localhost:${port}`;

  // 1. Start the server exactly as written, in its own process group so npm and node stop together.
  const server = spawn('bash', ['-c', startCommand], {
    cwd: ROOT,
    env: userEnv({ OTASHIP_DATA_DIR: dataDir, OTASHIP_PORT: String(port), OTASHIP_HOST: '127.0.0.1' }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
  });
  const printed = await waitForOutput(server, /First admin:[^\n]*\n\s*\n\s*(\S+)\n/, 'the sign-in link', /"msg":"admin: /);
  const signInUrl = printed[1]!;
  assert.ok(signInUrl.startsWith(`${origin}/admin/first-run?code=`), signInUrl);

  // 2. Follow the link: it signs the first admin in.
  // The link shows a Sign in button whose form posts the code back (as the browser would).
  const signInPage = await fetch(signInUrl);
  assert.equal(signInPage.status, 200);
  const action = /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(await signInPage.text())?.[1]?.replaceAll('&amp;', '&');
  assert.ok(action, 'the sign-in page holds its form');
  // As a browser posts the form: its Content-Type even with no fields.
  const signIn = await fetch(new URL(action, signInUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  assert.equal(signIn.status, 303);
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('otaship_session='))?.split(';')[0];
  assert.ok(cookie, 'the sign-in link sets the session cookie');
  const adminPage = await fetch(new URL(signIn.headers.get('location')!, origin), { headers: { cookie }, redirect: 'manual' });
  assert.equal(adminPage.status, 200);
  assert.match(await adminPage.text(), /Tokens/);

  // … create a token on the Tokens page (the page's script makes this very call) …
  const created = await fetch(`${origin}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'otaship' },
    body: JSON.stringify({ name: 'quick start' }),
  });
  assert.equal(created.status, 201);
  const { token } = (await created.json()) as { token: string };

  // … and publish a build with the printed command.
  const ipa = await buildIpa({ bundleId: 'com.example.quickstart', displayName: 'Quick Start' });
  assert.ok(publishCommand.includes('build/MyApp.ipa') && publishCommand.includes('<token>') && publishCommand.includes(DEFAULT_ORIGIN));
  const command = publishCommand.replace('build/MyApp.ipa', `'${ipa}'`).replace('<token>', token).replaceAll(DEFAULT_ORIGIN, origin);
  const publish = spawn('bash', ['-c', command], { cwd: ROOT, env: userEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  const installLine = waitForOutput(publish, /Install page: (\S+)/, 'the install page');
  installLine.catch(() => undefined); // awaited below, after the exit code
  const [code] = (await once(publish, 'exit')) as [number];
  assert.equal(code, 0);
  const installPageUrl = (await installLine)[1]!;
  assert.ok(installPageUrl.startsWith(`${origin}/i/`), installPageUrl);

  // 3. Open the printed install page.
  const page = await fetch(installPageUrl);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Quick Start/);
  assert.match(html, /Fixes login/);
});
