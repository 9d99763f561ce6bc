// View models for the renderer tests, with hostile text in every user-controlled field.
import { buildInstallLink } from '../../src/core/link/index.js';
import type { InstallPageView, ProfileView } from '../../src/web/view-models.js';

export const HOSTILE_NAME = `<script>alert("x")</script> & 'Tom' "Jerry" &amp;`;
export const NOW = new Date('2026-03-01T12:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;

export function profile(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    type: 'ad-hoc',
    name: 'Hostile <b>profile</b>',
    teamName: 'Team & <Co>',
    expiresAt: new Date(NOW.getTime() + 200 * DAY),
    deviceCount: 3,
    provisionsAllDevices: false,
    ...overrides,
  };
}

export function iosView(overrides: Partial<InstallPageView> = {}): InstallPageView {
  const base = 'https://ota.example.com';
  const token = 'eyJhIjoxfQ.sig-_';
  const manifestUrl = `${base}/i/rel1/manifest.plist?t=${token}&x=1`;
  return {
    kind: 'release',
    platform: 'ios',
    appId: 'app1',
    releaseId: 'rel1',
    appName: HOSTILE_NAME,
    bundleId: 'com.example.<app>',
    version: '1.2<3>',
    build: '45"',
    size: 48_213_000,
    createdAt: new Date('2026-02-20T08:30:00Z'),
    notes: '## Changes\n\n- fixed <script>alert(1)</script>\n- [bad](javascript:alert(1))',
    minOsVersion: '15.0',
    deviceFamilies: ['iphone', 'ipad'],
    iconUrl: `${base}/i/rel1/icon.png?t=${token}&y="2"`,
    pageUrl: `${base}/i/rel1?t=${token}`,
    installHref: buildInstallLink(manifestUrl),
    downloadUrl: `${base}/i/rel1/package.ipa?t=${token}`,
    manifestUrl,
    profile: profile(),
    warnings: [],
    secure: true,
    caPageUrl: null,
    latestPageUrl: `${base}/apps/app1?t=apptoken`,
    older: [
      {
        id: 'rel0',
        version: '1.1',
        build: '44',
        createdAt: new Date('2026-02-01T08:30:00Z'),
        size: 47_000_000,
        pageUrl: `${base}/i/rel0?t=other&z=<1>`,
      },
    ],
    now: NOW,
    ...overrides,
  };
}

export function androidView(overrides: Partial<InstallPageView> = {}): InstallPageView {
  const base = 'https://ota.example.com';
  const apk = `${base}/i/rel2/package.apk?t=tok`;
  return iosView({
    platform: 'android',
    releaseId: 'rel2',
    bundleId: 'com.example.app',
    installHref: apk,
    downloadUrl: apk,
    manifestUrl: null,
    profile: null,
    deviceFamilies: ['phone'],
    minOsVersion: '24',
    pageUrl: `${base}/i/rel2?t=tok`,
    ...overrides,
  });
}
