// The documentation site: VitePress over the pages in docs/ (`npm run docs:dev`, `npm run docs:build`).
// test/docs/site.test.ts builds it inside `npm test`: a broken internal link fails the build
// (ignoreDeadLinks stays off), and every page in docs/ must be reachable from the sidebar or the nav.
import { defineConfig } from 'vitepress';
import type { DefaultTheme } from 'vitepress';

/**
 * GitHub's heading ids (lower case, punctuation dropped, spaces to dashes), so an `#anchor` in a page
 * works both on this site and when the Markdown is read on GitHub, and the link test can check
 * anchors with the same rule.
 */
export function slugify(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export const sidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Introduction',
    items: [
      { text: 'Overview', link: '/' },
      { text: 'Getting started', link: '/getting-started' },
    ],
  },
  {
    text: 'Using otaship',
    items: [
      { text: 'Publishing builds', link: '/publishing' },
      { text: 'Resumable uploads', link: '/uploads' },
      { text: 'Web pages and admin', link: '/web' },
      { text: 'People, roles and sign-in', link: '/people' },
      { text: 'Audit log', link: '/audit' },
      { text: 'Device registration (UDIDs)', link: '/devices' },
      { text: 'Webhooks', link: '/webhooks' },
      { text: 'Install links', link: '/link' },
      { text: 'The OTA manifest', link: '/manifest' },
      { text: 'Inspecting packages', link: '/inspect' },
      { text: 'Android APKs', link: '/apk' },
    ],
  },
  {
    text: 'Deploy',
    items: [
      { text: 'Running and configuration', link: '/server' },
      { text: 'Reverse proxy', link: '/deploy/reverse-proxy' },
      { text: 'TLS and certificates', link: '/deploy/tls' },
      { text: 'systemd', link: '/deploy/systemd' },
      { text: 'Container', link: '/deploy/container' },
      { text: 'PostgreSQL and S3', link: '/deploy/storage' },
      { text: 'Several instances', link: '/deploy/several-instances' },
      { text: 'Backups and restore', link: '/deploy/backups' },
      { text: 'Upgrades', link: '/deploy/upgrades' },
    ],
  },
  {
    text: 'Testers',
    items: [
      { text: 'Tester guide', link: '/testers' },
      { text: 'Troubleshooting installs', link: '/troubleshooting' },
      { text: 'Deployment doctor', link: '/doctor' },
    ],
  },
  {
    text: 'CI',
    items: [{ text: 'CI guide', link: '/ci' }],
  },
  {
    text: 'Reference',
    items: [
      { text: 'CLI', link: '/reference/cli' },
      { text: 'HTTP API', link: '/reference/api' },
      { text: 'Library', link: '/library' },
    ],
  },
  {
    text: 'Internals',
    items: [
      { text: 'Architecture', link: '/internals/architecture' },
      { text: 'Development', link: '/internals/development' },
      { text: 'Benchmarks: server', link: '/internals/bench-server' },
      { text: 'Benchmarks: inspection', link: '/internals/bench-inspect' },
    ],
  },
];

export const nav: DefaultTheme.NavItem[] = [
  { text: 'Getting started', link: '/getting-started' },
  { text: 'Deploy', link: '/server' },
  { text: 'Testers', link: '/testers' },
  { text: 'CI', link: '/ci' },
  { text: 'Reference', link: '/reference/cli' },
  { text: 'Internals', link: '/internals/architecture' },
];

export default defineConfig({
  title: 'otaship',
  description: 'Self-hosted over-the-air distribution for iOS and Android builds',
  lang: 'en',
  cleanUrls: true,
  // Off on purpose: a link to a page that does not exist fails the build (and so `npm test`).
  ignoreDeadLinks: false,
  lastUpdated: false,
  markdown: {
    anchor: { slugify },
    // Pages are compiled as Vue templates: `{{host}}` in inline code would be interpolated (and vanish).
    // Fenced blocks are already v-pre; make inline code literal too.
    config(md) {
      const inlineCode = md.renderer.rules.code_inline!;
      md.renderer.rules.code_inline = (...args) => inlineCode(...args).replace(/^<code/, '<code v-pre');
    },
  },
  themeConfig: {
    nav,
    sidebar,
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
