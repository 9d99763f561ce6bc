import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderAdminAppPage,
  renderAdminAppsPage,
  renderAdminTokensPage,
  renderAdminWebhooksPage,
  renderCaPage,
  renderErrorPage,
  renderLoginPage,
} from '../../src/web/index.js';
import type { AdminAppView, AdminReleaseView } from '../../src/web/view-models.js';
import { parseHtml } from './dom.js';
import { VERSION } from '../../src/version.js';
import { HOSTILE_NAME, NOW } from './fixtures.js';

const user = { name: `ci <b>token</b>`, admin: true };
const ALL = { publish: true, editNotes: true, visibility: true, rename: true, deleteApp: true, deleteRelease: true, check: true, access: true, installs: true, devices: true, shareLinks: true, bundles: true };
const NONE = { publish: false, editNotes: false, visibility: false, rename: false, deleteApp: false, deleteRelease: false, check: false, access: false, installs: false, devices: false, shareLinks: false, bundles: false };

function app(overrides: Partial<AdminAppView> = {}): AdminAppView {
  return {
    id: 'app1',
    platform: 'ios',
    name: HOSTILE_NAME,
    bundleId: 'com.example.app',
    isPublic: false,
    iconUrl: '/i/rel1/icon.png?t=a&b=1',
    latestVersion: '1.2',
    latestBuild: '45',
    latestAt: new Date('2026-02-20T08:30:00Z'),
    releaseCount: 2,
    counts: { pageViews: 7, manifestFetches: 5, downloadsStarted: 4, downloadsCompleted: 3 },
    adminUrl: '/admin/apps/app1',
    latestPageUrl: 'https://ota.example.com/apps/app1?t=x',
    ...overrides,
  };
}

function release(overrides: Partial<AdminReleaseView> = {}): AdminReleaseView {
  return {
    id: 'rel1',
    version: '1.2',
    build: '45',
    createdAt: new Date('2026-02-20T08:30:00Z'),
    size: 12_345_678,
    notes: 'Fixed <script>alert(1)</script> & **bold**',
    isPublic: false,
    inherited: true,
    counts: { pageViews: 7, manifestFetches: 5, downloadsStarted: 4, downloadsCompleted: 3 },
    installPageUrl: 'https://ota.example.com/i/rel1?t=tok',
    installLink: 'itms-services://?action=download-manifest&url=https%3A%2F%2Fota.example.com%2Fi%2Frel1%2Fmanifest.plist%3Ft%3Dtok',
    downloadUrl: 'https://ota.example.com/i/rel1/package.ipa?t=tok',
    profileType: 'ad-hoc',
    profileExpiresAt: new Date('2026-09-01T00:00:00Z'),
    ...overrides,
  };
}

describe('admin pages', () => {
  test('apps list: escaped names, counts, upload zone, admin script', () => {
    const out = renderAdminAppsPage({ user, apps: [app()], secure: true, maxUploadBytes: 8 * 1024 ** 3, now: NOW }).value;
    assert.ok(!out.includes('<script>alert'));
    assert.ok(!out.includes('<b>token</b>'));
    const dom = parseHtml(out);
    assert.deepEqual(dom.byTag('script').map((s) => dom.attr(s, 'src')), [`/assets/admin.js?v=${VERSION}`]);
    const row = dom.byClass('app-row')[0]!;
    assert.equal(dom.attr(row, 'data-app-id'), 'app1');
    assert.equal(dom.text(dom.byClass('app-name')[0]!), HOSTILE_NAME.replace(/\s+/g, ' '));
    assert.ok(dom.text(row).includes('1.2 (45)'));
    assert.ok(dom.text(row).includes('7 views'));
    assert.ok(dom.byId('dropzone'));
    assert.ok(dom.byId('upload-file'));
    assert.equal(dom.attr(dom.byId('dropzone')!, 'data-max-bytes'), String(8 * 1024 ** 3));
    assert.equal(dom.text(dom.all((e) => e.attribs['class'] === 'muted who')[0]!), 'ci <b>token</b>');
    assert.ok(dom.all((e) => e.name === 'a' && e.attribs['href'] === '/admin/tokens').length === 1);
  });

  test('non-admin users get no Tokens link; empty list explains the upload', () => {
    const dom = parseHtml(
      renderAdminAppsPage({ user: { name: 'ci', admin: false }, apps: [], secure: false, maxUploadBytes: 1e9, now: NOW }).value,
    );
    assert.equal(dom.all((e) => e.name === 'a' && e.attribs['href'] === '/admin/tokens').length, 0);
    assert.ok(dom.byId('no-apps'));
    assert.equal(dom.byClass('insecure').length, 1);
  });

  test('app page: releases with copyable links, public toggle, notes editor, delete', () => {
    const r = release();
    const dom = parseHtml(
      renderAdminAppPage({ user, app: app(), may: ALL, releases: [r], nextPageUrl: null, secure: true, maxUploadBytes: 1e9, now: NOW }).value,
    );
    const li = dom.byId('release-rel1')!;
    assert.equal(dom.attr(li, 'data-release-id'), 'rel1');
    const copy = dom.all((e) => e.attribs['data-action'] === 'copy');
    assert.ok(copy.some((b) => dom.attr(b, 'data-copy') === r.installLink));
    assert.ok(copy.some((b) => dom.attr(b, 'data-copy') === r.installPageUrl));
    const field = dom.all((e) => e.attribs['data-role'] === 'install-link')[0]!;
    assert.equal(dom.attr(field, 'value'), r.installLink);
    const textarea = dom.byTag('textarea').find((t) => dom.attr(t, 'id') === 'notes-rel1')!;
    assert.equal(dom.text(textarea), r.notes.replace(/\s+/g, ' '));
    assert.equal(dom.byTag('script').length, 1);
    assert.equal(dom.all((e) => e.attribs['data-action'] === 'delete-release').length, 1);
    const toggle = dom.all((e) => e.attribs['data-action'] === 'toggle-release-public')[0]!;
    assert.equal(dom.attr(toggle, 'checked'), undefined);
    assert.ok(dom.text(li).includes('Private (as app)'));
    assert.ok(dom.text(li).includes('7 page views'));
  });

  test('app page: a bundle release says its conversion state, escapes why it failed, and links the .aab only for managers', () => {
    const failing = release({ bundle: { size: 2048, state: 'failed', attempts: 1, error: `bundletool could not build an APK: <img src=x onerror=alert(1)>`, downloadUrl: '/api/v1/releases/rel1/bundle' } });
    const dom = parseHtml(renderAdminAppPage({ user, app: app({ platform: 'android' }), may: ALL, releases: [failing], nextPageUrl: null, secure: true, maxUploadBytes: 1e9, now: NOW, signingKey: null }).value);
    const box = dom.all((e) => e.attribs['data-role'] === 'bundle')[0]!;
    assert.equal(dom.attr(box, 'data-state'), 'failed');
    assert.match(dom.text(box), /the APK could not be built/);
    assert.match(dom.text(box), /<img src=x onerror=alert\(1\)>/, 'the reason is shown as text');
    assert.equal(dom.byTag('img').filter((i) => dom.attr(i, 'src') === 'x').length, 0);
    assert.equal(dom.all((e) => e.attribs['data-role'] === 'bundle-download').length, 1);
    assert.ok(dom.byId('signing-key-form'), 'a manager may upload a keystore');
    const tester = parseHtml(
      renderAdminAppPage({ user, app: app({ platform: 'android' }), may: NONE, releases: [release({ bundle: { size: 2048, state: 'running', attempts: 1, error: null, downloadUrl: null } })], nextPageUrl: null, secure: true, maxUploadBytes: 1e9, now: NOW }).value,
    );
    assert.equal(tester.all((e) => e.attribs['data-role'] === 'bundle-download').length, 0);
    assert.equal(tester.byId('signing-key-form'), null);
  });

  test('app page: only the controls the viewer may use (a tester: none, and no Access link)', () => {
    const render = (may: typeof ALL) =>
      parseHtml(renderAdminAppPage({ user, app: app(), may, releases: [release()], nextPageUrl: null, secure: true, maxUploadBytes: 1e9, now: NOW }).value);
    const controls = (dom: ReturnType<typeof parseHtml>) => ({
      upload: Boolean(dom.byId('dropzone')),
      access: dom.all((e) => e.name === 'a' && e.attribs['href'] === `/admin/apps/${app().id}/access`).length,
      actions: dom.all((e) => ['delete-release', 'delete-app', 'rename-app', 'edit-notes', 'toggle-release-public', 'toggle-app-public'].includes(e.attribs['data-action'] ?? '')).length,
      check: dom.all((e) => e.name === 'form' && (e.attribs['action'] ?? '').endsWith('/doctor')).length,
    });
    assert.deepEqual(controls(render(ALL)), { upload: true, access: 1, actions: 6, check: 1 });
    assert.deepEqual(controls(render(NONE)), { upload: false, access: 0, actions: 0, check: 0 });
  });

  test('tokens page: table rows, revoke only for active tokens, app choices escaped', () => {
    const dom = parseHtml(
      renderAdminTokensPage({
        user,
        now: NOW,
        apps: [{ id: 'app1', name: '<App>', platform: 'ios' }],
        tokens: [
          { id: 't1', name: '<CI>', appId: null, appName: null, admin: false, createdAt: NOW, lastUsedAt: null, expiresAt: null, revokedAt: null },
          { id: 't2', name: 'old', appId: 'app1', appName: '<App>', admin: false, createdAt: NOW, lastUsedAt: NOW, expiresAt: null, revokedAt: NOW },
        ],
      }).value,
    );
    const rows = dom.all((e) => e.name === 'tr' && e.attribs['data-token-id'] !== undefined);
    assert.equal(rows.length, 2);
    assert.equal(dom.text(dom.byClass('token-name')[0]!), '<CI>');
    assert.equal(dom.all((e) => e.attribs['data-action'] === 'revoke-token').length, 1);
    assert.ok(dom.text(rows[1]!).includes('revoked'));
    const option = dom.byTag('option').find((o) => dom.attr(o, 'value') === 'app1')!;
    assert.equal(dom.text(option), '<App> (iOS)');
    assert.equal(dom.attr(dom.byId('token-secret')!, 'hidden'), '');
  });

  test('webhooks page: hostile URL and description escaped, every cell labelled, outcomes shown', () => {
    const markup = renderAdminWebhooksPage({
      user,
      apps: [{ id: 'app1', name: '<App>', platform: 'android' }],
      events: ['release.published', 'release.updated', 'release.deleted'],
      webhooks: [
        {
          id: 'w1',
          url: 'https://hooks.example.com/x?a=1&b="<script>"',
          events: ['release.published'],
          appId: 'app1',
          appName: '<App>',
          description: HOSTILE_NAME,
          createdAt: NOW,
          deliveries: [
            { event: 'release.published', state: 'failed', createdAt: NOW, attemptCount: 6, lastStatus: null, lastError: 'connect ECONNREFUSED <x>' },
            { event: 'ping', state: 'delivered', createdAt: NOW, attemptCount: 1, lastStatus: 204, lastError: null },
          ],
        },
      ],
    }).value;
    assert.ok(!markup.includes('<script>'), 'nothing raw');
    const dom = parseHtml(markup);
    const row = dom.all((e) => e.name === 'tr' && e.attribs['data-webhook-id'] === 'w1')[0]!;
    assert.ok(dom.text(row).includes('https://hooks.example.com/x?a=1&b="<script>"'));
    assert.ok(dom.text(row).includes(HOSTILE_NAME));
    const cells = dom.all((e) => e.name === 'td' && e.parent === row);
    assert.deepEqual(cells.map((c) => c.attribs['data-label'] ?? null), ['URL', 'Events', 'App', 'Created', 'Recent deliveries', null]);
    const states = dom.all((e) => e.attribs['data-role'] === 'delivery').map((e) => e.attribs['data-state']);
    assert.deepEqual(states, ['failed', 'delivered']);
    assert.ok(dom.text(row).includes('connect ECONNREFUSED <x>') && dom.text(row).includes('HTTP 204'));
    assert.equal(dom.attr(dom.byId('no-webhooks')!, 'hidden'), '');
    assert.equal(dom.attr(dom.byId('webhook-secret')!, 'hidden'), '');
  });

  test('login page: form posts to /admin/login, next is escaped, error shown', () => {
    const dom = parseHtml(renderLoginPage({ error: 'bad <token>', next: '/admin/apps/x"><script>', secure: true }).value);
    const form = dom.byTag('form')[0]!;
    assert.equal(dom.attr(form, 'method'), 'post');
    assert.equal(dom.attr(form, 'action'), '/admin/login');
    const next = dom.byTag('input').find((i) => dom.attr(i, 'name') === 'next')!;
    assert.equal(dom.attr(next, 'value'), '/admin/apps/x"><script>');
    assert.equal(dom.byTag('script').length, 0);
    assert.ok(dom.text(dom.byClass('notice-error')[0]!).includes('bad <token>'));
  });
});

describe('error and CA pages', () => {
  test('error page shows message, hint and code, escaped', () => {
    const dom = parseHtml(
      renderErrorPage({ status: 403, code: 'TOKEN_EXPIRED', message: 'link for <x> expired', hint: 'Reopen & retry' }).value,
    );
    assert.equal(dom.text(dom.byTag('h1')[0]!), 'Link not valid');
    assert.equal(dom.text(dom.byClass('error-message')[0]!), 'link for <x> expired');
    assert.equal(dom.text(dom.byClass('error-hint')[0]!), 'Reopen & retry');
    assert.ok(dom.text(dom.byClass('error-code')[0]!).includes('TOKEN_EXPIRED'));
  });

  test('CA page links the profile and certificate and shows the fingerprint', () => {
    const dom = parseHtml(
      renderCaPage({
        publicUrl: 'https://ota.local:8443',
        caCertUrl: '/ca.crt',
        mobileconfigUrl: '/ca.mobileconfig',
        fingerprint: 'AB:CD:EF',
      }).value,
    );
    const hrefs = dom.byTag('a').map((a) => dom.attr(a, 'href'));
    assert.ok(hrefs.includes('/ca.mobileconfig'));
    assert.ok(hrefs.includes('/ca.crt'));
    assert.equal(dom.text(dom.byClass('fingerprint')[0]!), 'AB:CD:EF');
    assert.ok(dom.text(dom.byClass('steps')[0]!).includes('Certificate Trust Settings'));
  });
});
