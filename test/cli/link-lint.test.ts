// Runs the built CLI (node bin/otaship) as a child process: real argument parsing, stdin, files and
// exit codes. `npm test` builds dist/ before the tests run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'otaship');
const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
const SKIP = BUILT ? false : 'dist/ is not built: run `npm run build` (npm test does it first)';

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

const M = 'https://ota.example.com/apps/demo/manifest.plist?token=a+b&exp=1';
const GOOD = `itms-services://?action=download-manifest&url=${encodeURIComponent(M)}`;
const AMP = 'itms-services://?action=download-manifest&amp;url=https://your-server.com/app.plist';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'otaship-lint-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('otaship link', { skip: SKIP }, () => {
  test('prints the encoded link and exits 0', () => {
    const res = run(['link', M]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, `${GOOD}\n`);
    assert.equal(res.stderr, '');
  });

  test('a non-https URL exits 2 with one line naming the problem', () => {
    for (const bad of ['http://ota.example.com/a.plist', '/apps/a.plist']) {
      const res = run(['link', bad]);
      assert.equal(res.status, 2);
      assert.equal(res.stdout, '');
      const lines = res.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0] ?? '', /^otaship: .*https/);
    }
  });

  test('an https URL that is refused is not answered with "give an https URL"', () => {
    const res = run(['link', 'https://localhost/app.plist']);
    assert.equal(res.status, 2);
    const lines = res.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0] ?? '', /host-unreachable/);
    assert.doesNotMatch(lines[0] ?? '', /Give an absolute https/);
  });

  test('--allow-http builds an http link and notes that a phone refuses it', () => {
    const res = run(['link', '--allow-http', 'http://192.168.1.5:8080/a.plist']);
    assert.equal(res.status, 0);
    assert.equal(res.stdout, `itms-services://?action=download-manifest&url=${encodeURIComponent('http://192.168.1.5:8080/a.plist')}\n`);
    assert.match(res.stderr, /^note: warning url-not-https: /m);
    assert.match(res.stderr, /host-private-network/);
  });
});

describe('otaship link: severities as lint has them', { skip: SKIP }, () => {
  test('a .ipa or localhost URL (lint errors) exits 2 with one line and no link', () => {
    for (const [url, code] of [['https://x.com/app.ipa', 'url-is-package'], ['https://localhost:8443/m.plist', 'host-unreachable']] as const) {
      const res = run(['link', url]);
      assert.equal(res.status, 2, res.stderr);
      assert.equal(res.stdout, '');
      assert.equal(res.stderr.trimEnd().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, new RegExp(`^otaship: No install link for .*\\(${code}\\)`));
    }
  });

  test('a warning (private network) is a note: the link is printed, exit 0', () => {
    const res = run(['link', 'https://192.168.1.5/m.plist']);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^itms-services:/);
    assert.match(res.stderr, /^note: warning host-private-network: /m);
    assert.doesNotMatch(res.stderr, /note: error/);
  });
});

describe('otaship lint', { skip: SKIP }, () => {
  test('a broken bare link: problem, fix, exit 1', () => {
    const res = run(['lint', AMP]);
    assert.equal(res.status, 1);
    const lines = res.stdout.split('\n');
    assert.equal(lines[0], AMP);
    assert.match(lines[1] ?? '', /^ {2}error html-escaped: .*amp;url/);
    assert.equal(lines[2], '  fix: itms-services://?action=download-manifest&url=https%3A%2F%2Fyour-server.com%2Fapp.plist');
  });

  test('the printed fix lints clean (exit 0)', () => {
    const fix = /fix: (\S+)/.exec(run(['lint', AMP]).stdout)?.[1] ?? '';
    const res = run(['lint', fix]);
    assert.equal(res.status, 0, res.stdout);
    assert.match(res.stdout, /ok: no problems found/);
  });

  test('an HTML file with --json prints exactly the documented shape, exit 1 when one link is broken', () => {
    const file = join(dir, 'install.html');
    writeFileSync(
      file,
      `<html><body><a href="${GOOD.replace(/&/g, '&amp;')}">Install</a>` +
        `<a href="${GOOD.replace(/&/g, '&amp;amp;')}">Broken</a></body></html>`,
    );
    const res = run(['lint', file, '--json']);
    assert.equal(res.status, 1);
    const report = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), ['ok', 'links']);
    assert.equal(report.ok, false);
    const links = report.links as Record<string, unknown>[];
    assert.equal(links.length, 2);
    for (const link of links) {
      // The documented shape, plus the line the link is on.
      assert.deepEqual(Object.keys(link), ['input', 'ok', 'problems', 'fixed', 'line']);
      for (const p of link.problems as Record<string, unknown>[]) assert.deepEqual(Object.keys(p), ['code', 'severity', 'message']);
    }
    assert.deepEqual(links.map((l) => l.ok), [true, false]);
    // input is what the page says (entities as written), not the decoded form
    assert.deepEqual(links.map((l) => l.input), [GOOD.replace(/&/g, '&amp;'), GOOD.replace(/&/g, '&amp;amp;')]);
    assert.equal(links[0]?.fixed, null);
    assert.equal(links[1]?.fixed, GOOD);
  });

  test('- reads standard input; all links ok → exit 0', () => {
    const res = run(['lint', '-'], `Tap ${GOOD} to install.\n`);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /1 link: 1 ok, 0 broken/);
  });

  test('a purchaseIntent link is ok (exit 0) with an info', () => {
    const res = run(['lint', 'itms-services://?action=purchaseIntent&bundleId=com.example&productIdentifier=pro']);
    assert.equal(res.status, 0);
    assert.match(res.stdout, /info not-install-link:/);
  });

  test('no link found → exit 1 with a clear message (text and --json)', () => {
    const file = join(dir, 'empty.txt');
    writeFileSync(file, 'Nothing to install here. itms-apps://apps.apple.com/app/id1\n');
    const res = run(['lint', file]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no itms-services link found/);
    const json = run(['lint', file, '--json']);
    assert.equal(json.status, 1);
    assert.deepEqual(JSON.parse(json.stdout), { ok: false, links: [] });
  });

  test('bidirectional controls in a link never reach the terminal raw (human output); --json keeps the data', () => {
    const link = `itms-services://?action=download-manifest&url=https://ota.example.com/\u202egnp.plist\u2066x\u200f`;
    const res = run(['lint', link]);
    for (const ch of ['\u202e', '\u2066', '\u200f']) assert.ok(!res.stdout.includes(ch) && !res.stderr.includes(ch), `U+${ch.charCodeAt(0).toString(16)}`);
    assert.match(res.stdout, /\\u202e/);
    const json = run(['lint', link, '--json']);
    assert.equal((JSON.parse(json.stdout) as { links: { input: string }[] }).links[0]?.input, link);
  });

  test('a bare manifest URL is linted as a link: not-itms-link with the link built from it (argument, stdin, file)', () => {
    const url = 'https://example.com/m.plist';
    const fix = `itms-services://?action=download-manifest&url=${encodeURIComponent(url)}`;
    const file = join(dir, 'url.txt');
    writeFileSync(file, `${url}\n`);
    for (const res of [run(['lint', url]), run(['lint', '-'], `${url}\n`), run(['lint', file])]) {
      assert.equal(res.status, 1, res.stderr);
      assert.doesNotMatch(res.stderr, /no itms-services link found/);
      assert.match(res.stdout, /^ {2}error not-itms-link: .*web URL, not an install link/m);
      assert.ok(res.stdout.includes(`  fix: ${fix}\n`), res.stdout);
    }
    const json = JSON.parse(run(['lint', url, '--json']).stdout) as { links: { fixed: string | null }[] };
    assert.equal(json.links[0]?.fixed, fix);
  });

  test('unreadable input exits 2: missing file, directory, binary file', () => {
    const bin = join(dir, 'app.ipa');
    writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    for (const arg of [join(dir, 'missing.html'), dir, bin]) {
      const res = run(['lint', arg]);
      assert.equal(res.status, 2, `${arg}: ${res.stderr}`);
      assert.equal(res.stderr.trimEnd().split('\n').length, 1);
      assert.match(res.stderr, /^otaship: /);
    }
  });
});
