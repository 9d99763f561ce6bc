// The documentation site (VitePress, docs/.vitepress/config.mts) is built here, inside `npm test`:
// the build fails on a link to a page that does not exist, every page is reachable from the sidebar
// or the nav, and every `#anchor` in the built pages names a heading that is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { nav, sidebar } from '../../docs/.vitepress/config.mjs';

const DOCS = resolve('docs');
const VITEPRESS = resolve('node_modules', '.bin', 'vitepress');

/** Every Markdown page of the site, as a path relative to docs/ (the .vitepress folder is not content). */
function pages(dir = DOCS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const full = join(dir, e.name);
    if (e.isDirectory()) return pages(full);
    return e.name.endsWith('.md') ? [relative(DOCS, full)] : [];
  });
}

/** A site link (`/deploy/tls`, `/`) as the page file it names (`deploy/tls.md`, `index.md`). */
function pageOf(link: string): string {
  const path = link.split('#')[0]!.replace(/^\//, '');
  if (path === '' || path.endsWith('/')) return `${path}index.md`;
  return `${path.replace(/\.(md|html)$/, '')}.md`;
}

function sidebarLinks(items: DefaultTheme.SidebarItem[]): string[] {
  return items.flatMap((i) => [...(i.link ? [i.link] : []), ...sidebarLinks(i.items ?? [])]);
}

function navLinks(items: DefaultTheme.NavItem[]): string[] {
  return items.flatMap((i) => ('link' in i && i.link ? [i.link] : 'items' in i ? navLinks(i.items as DefaultTheme.NavItem[]) : []));
}

/** Runs `vitepress build <root> --outDir <out>`; resolves with its exit code and output. */
function build(root: string, outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [VITEPRESS, 'build', root, '--outDir', outDir], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

test('every page in docs/ is reachable from the sidebar or the nav, and every sidebar and nav link names a page', () => {
  const linked = [...sidebarLinks(sidebar), ...navLinks(nav)].filter((l) => l.startsWith('/'));
  const linkedPages = new Set(linked.map(pageOf));
  for (const link of linked) assert.ok(existsSync(join(DOCS, pageOf(link))), `config links ${link}, but docs/${pageOf(link)} does not exist`);
  for (const page of pages()) assert.ok(linkedPages.has(page), `docs/${page} is in neither the sidebar nor the nav of docs/.vitepress/config.mts`);
});

test('the site builds (dead internal links fail it) and every #anchor in it names a heading on its page', async () => {
  const out = mkdtempSync(join(tmpdir(), 'otaship-docs-'));
  try {
    const { code, output } = await build(DOCS, out);
    assert.equal(code, 0, `vitepress build docs failed:\n${output}`);
    const html = (page: string) => readFileSync(join(out, page.replace(/\.md$/, '.html')), 'utf8');
    const ids = new Map<string, Set<string>>();
    const idsOf = (page: string) => {
      if (!ids.has(page)) ids.set(page, new Set([...html(page).matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)));
      return ids.get(page)!;
    };
    for (const page of pages()) {
      const here = '/' + page.replace(/\.md$/, '');
      for (const [, href] of html(page).matchAll(/<a [^>]*href="([^"]*#[^"]+)"/g)) {
        if (/^[a-z]+:/i.test(href!)) continue; // other sites
        const url = new URL(href!.replace(/&amp;/g, '&'), `http://site${here}`); // hrefs are relative to the page
        const target = pageOf(url.pathname);
        const anchor = url.hash.slice(1);
        assert.ok(idsOf(target).has(decodeURIComponent(anchor)), `docs/${page}: link ${href} names no heading in docs/${target}`);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a link to a page that does not exist fails the build (ignoreDeadLinks stays off)', async () => {
  // A one-page site with the real config, inside the project so that VitePress finds its packages;
  // docs/.vitepress/cache is git-ignored and not part of the site.
  mkdirSync(join(DOCS, '.vitepress', 'cache'), { recursive: true });
  const root = mkdtempSync(join(DOCS, '.vitepress', 'cache', 'dead-link-'));
  try {
    mkdirSync(join(root, '.vitepress'));
    writeFileSync(join(root, '.vitepress', 'config.mts'), `export { default } from ${JSON.stringify(join(DOCS, '.vitepress', 'config.mts'))};\n`);
    writeFileSync(join(root, 'index.md'), '# A page\n\nSee [the missing page](missing.md).\n');
    const { code, output } = await build(root, join(root, 'out'));
    assert.notEqual(code, 0, 'the build passed with a dead link');
    assert.match(output, /dead link/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
