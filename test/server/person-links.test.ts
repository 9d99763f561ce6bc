// A signed-in tester's own install links (per-person asset tokens) on REAL servers: two instances on
// one database (SQLite file, and PostgreSQL), real HTTP over sockets. The tester's install page hands
// out manifest and package links naming them; those work, are counted as theirs, and stop at once on
// either instance when the tester leaves the group, loses their role or is disabled.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_COOKIE } from '../../src/services/sessions.js';
import type { PersonInstallJson } from '../../src/services/person-links.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-person-links-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let pg: Promise<PostgresServer> | null = null;
after(async () => {
  if (pg) await (await pg).stop();
});

const backends: Array<{ name: string; url: () => Promise<string>; skip: string | false }> = [
  { name: 'SQLite', url: async () => `sqlite:${join(dir, `shared-${randomBytes(4).toString('hex')}.db`)}`, skip: false },
  { name: 'PostgreSQL', url: async () => (await (pg ??= startPostgres())).createDatabase(), skip: postgresSkipReason() },
];

/** iOS installs only from https manifests: links name this origin, requests go to each instance's socket. */
const PUBLIC_URL = 'https://ota.example.test';

interface Pair {
  a: TestServer;
  b: TestServer;
  stop(): Promise<void>;
}

async function twoInstances(databaseUrl: string): Promise<Pair> {
  const secret = randomBytes(32).toString('hex');
  const settings = { databaseUrl, secret, publicUrl: PUBLIC_URL };
  const a = await startTestServer({ settings });
  // The second instance: the first's data folder too (the same blobs).
  const b = await startTestServer({ settings: { ...settings, dataDir: a.dataDir } });
  return {
    a,
    b,
    async stop() {
      await b.stop();
      await a.stop();
    },
  };
}

/** The same path and query on this instance's socket. */
function on(srv: TestServer, link: string): string {
  const u = new URL(link);
  return `${srv.baseUrl}${u.pathname}${u.search}`;
}

async function publish(srv: TestServer, bundleId: string): Promise<{ appId: string; releaseId: string }> {
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(await readFile(await buildIpa({ bundleId, displayName: 'Team App' }))),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const body = (await res.json()) as { app: { id: string }; release: { id: string } };
  return { appId: body.app.id, releaseId: body.release.id };
}

async function api(srv: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: body === undefined ? srv.auth() : srv.auth({ 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function ok(res: Promise<Response>, status = 200): Promise<Response> {
  const r = await res;
  assert.equal(r.status, status, await r.clone().text());
  return r;
}

/** The manifest link of the tester's install page (opened with their session, no token). */
async function manifestLinkFromPage(srv: TestServer, cookie: string, releaseId: string): Promise<string> {
  const res = await fetch(`${srv.baseUrl}/i/${releaseId}`, { headers: { cookie } });
  assert.equal(res.status, 200, await res.clone().text());
  const html = await res.text();
  const m = /itms-services:\/\/\?action=download-manifest&amp;url=([^"&]+)/.exec(html);
  assert.ok(m, 'the page has an install link');
  return decodeURIComponent(m[1]!);
}

/** Fetches the manifest as the iOS installer does (no cookies): the status and, if any, the package link. */
async function fetchManifest(srv: TestServer, manifestUrl: string): Promise<{ status: number; packageUrl: string | null }> {
  const res = await fetch(on(srv, manifestUrl));
  const text = await res.text();
  const m = /<string>([^<]*\/package\.ipa[^<]*)<\/string>/.exec(text);
  return { status: res.status, packageUrl: m ? m[1]!.replace(/&amp;/g, '&') : null };
}

async function packageStatus(srv: TestServer, packageUrl: string): Promise<number> {
  const res = await fetch(on(srv, packageUrl));
  await res.arrayBuffer();
  return res.status;
}

async function installs(srv: TestServer, releaseId: string): Promise<PersonInstallJson[]> {
  const res = await ok(api(srv, 'GET', `/api/v1/releases/${releaseId}/installs`));
  return ((await res.json()) as { items: PersonInstallJson[] }).items;
}

for (const backend of backends) {
  describe(`a tester's own install links: ${backend.name}`, { skip: backend.skip }, () => {
    test('work through a group, are counted per person, and stop at once on both instances when the tester leaves the group', async () => {
      const { a, b, stop } = await twoInstances(await backend.url());
      try {
        const { appId, releaseId } = await publish(a, 'com.example.team');
        const tess = await a.services.repos.people.createPerson({ email: 'tess@example.org', name: 'Tess', admin: false, createdAt: new Date() });
        const group = (await (await ok(api(a, 'POST', '/api/v1/groups', { name: 'QA' }), 201)).json()) as { id: string };
        await ok(api(a, 'PUT', `/api/v1/groups/${group.id}/members/${tess.id}`));
        await ok(api(a, 'PUT', `/api/v1/apps/${appId}/grants`, { groupId: group.id, role: 'tester' }));
        const cookie = `${SESSION_COOKIE}=${(await a.services.sessions.signInPerson(tess.id)).value}`;

        // Signed in without a role on the app: the private build stays closed, no links are minted.
        const otto = await a.services.repos.people.createPerson({ email: 'otto@example.org', name: '', admin: false, createdAt: new Date() });
        const ottoCookie = `${SESSION_COOKIE}=${(await a.services.sessions.signInPerson(otto.id)).value}`;
        assert.equal((await fetch(`${a.baseUrl}/i/${releaseId}`, { headers: { cookie: ottoCookie } })).status, 403);
        // The private build's page opens with the session alone; its manifest link names the tester.
        assert.equal((await fetch(`${a.baseUrl}/i/${releaseId}`)).status, 403, "no session, no token: refused");
        const manifestUrl = await manifestLinkFromPage(a, cookie, releaseId);
        assert.match(manifestUrl, /\/manifest\.plist\?t=/);
        // A person token opens no page (the page is the person's session's): forwarding it shows nothing.
        const personToken = new URL(manifestUrl).searchParams.get('t')!;
        assert.equal((await fetch(`${b.baseUrl}/i/${releaseId}?t=${encodeURIComponent(personToken)}`)).status, 403);

        // The installer, without cookies, on the other instance: manifest, then the package it names.
        const manifest = await fetchManifest(b, manifestUrl);
        assert.equal(manifest.status, 200);
        assert.ok(manifest.packageUrl, 'the manifest names the package');
        assert.equal(await packageStatus(b, manifest.packageUrl), 200);

        // Counted as Tess's, on either instance.
        await waitFor(async () => (await installs(a, releaseId)).some((i) => i.downloads === 1));
        const counted = await installs(b, releaseId);
        assert.deepEqual(
          counted.map((i) => [i.email, i.manifestFetches, i.downloads]),
          [['tess@example.org', 1, 1]],
        );
        // Shown to the app's managers on the admin app page.
        const adminPage = await (await ok(fetch(`${a.baseUrl}/admin/apps/${appId}`, { headers: a.auth() }))).text();
        assert.match(adminPage, /Installed by 1 person/);
        assert.match(adminPage, /tess@example\.org/);

        // Taken out of the group on A: both links stop on B at once, and on A.
        await ok(api(a, 'DELETE', `/api/v1/groups/${group.id}/members/${tess.id}`), 204);
        for (const srv of [b, a]) {
          assert.equal((await fetchManifest(srv, manifestUrl)).status, 403);
          assert.equal(await packageStatus(srv, manifest.packageUrl), 403);
        }
        // Back in the group: the same links work again (the check is the person's, not a burnt token).
        await ok(api(b, 'PUT', `/api/v1/groups/${group.id}/members/${tess.id}`));
        assert.equal((await fetchManifest(a, manifestUrl)).status, 200);

        // The app's latest-release page opens with the session too, and hands out the person's links.
        const latest = await (await ok(fetch(`${b.baseUrl}/apps/${appId}`, { headers: { cookie } }))).text();
        assert.ok(latest.includes(`manifest.plist%3Ft%3D`) || latest.includes('manifest.plist?t='), 'a manifest link with a token');
        assert.equal((await fetchManifest(b, decodeURIComponent(/url=([^"&]+)/.exec(latest)![1]!))).status, 200);
      } finally {
        await stop();
      }
    });

    test('stop at once when the grant is revoked, and when the person is disabled', async () => {
      const { a, b, stop } = await twoInstances(await backend.url());
      try {
        const { appId, releaseId } = await publish(a, 'com.example.grants');
        const pat = await a.services.repos.people.createPerson({ email: 'pat@example.org', name: '', admin: false, createdAt: new Date() });
        await ok(api(a, 'PUT', `/api/v1/apps/${appId}/grants`, { personId: pat.id, role: 'tester' }));
        const cookie = `${SESSION_COOKIE}=${(await a.services.sessions.signInPerson(pat.id)).value}`;
        const manifestUrl = await manifestLinkFromPage(a, cookie, releaseId);
        const { status, packageUrl } = await fetchManifest(b, manifestUrl);
        assert.equal(status, 200);
        assert.equal(await packageStatus(b, packageUrl!), 200);

        await ok(api(a, 'DELETE', `/api/v1/apps/${appId}/grants?personId=${pat.id}`), 204);
        assert.equal((await fetchManifest(b, manifestUrl)).status, 403);
        assert.equal(await packageStatus(b, packageUrl!), 403);

        await ok(api(a, 'PUT', `/api/v1/apps/${appId}/grants`, { personId: pat.id, role: 'tester' }));
        assert.equal((await fetchManifest(b, manifestUrl)).status, 200);
        await ok(api(a, 'PATCH', `/api/v1/people/${pat.id}`, { disabled: true }));
        assert.equal((await fetchManifest(b, manifestUrl)).status, 403);
        assert.equal(await packageStatus(b, packageUrl!), 403);

        // Made public, the build downloads for anyone, the disabled tester's stale link too, but is
        // no longer counted as theirs.
        await waitFor(async () => (await installs(a, releaseId)).some((i) => i.downloads === 1));
        const counted = await installs(a, releaseId);
        assert.deepEqual(counted.map((i) => [i.email, i.manifestFetches, i.downloads]), [['pat@example.org', 2, 1]]);
        await ok(api(a, 'PATCH', `/api/v1/releases/${releaseId}`, { isPublic: true }));
        // (On A: B may read the release record from its cache for up to a second, see db/record-cache.ts.)
        assert.equal((await fetchManifest(a, manifestUrl)).status, 200);
        assert.deepEqual(await installs(a, releaseId), counted);

        // Private again and the person removed altogether: refused, and their counts go with them.
        await ok(api(a, 'PATCH', `/api/v1/releases/${releaseId}`, { isPublic: false }));
        await ok(api(a, 'DELETE', `/api/v1/people/${pat.id}`), 204);
        assert.equal((await fetchManifest(a, manifestUrl)).status, 403);
        assert.deepEqual(await installs(a, releaseId), []);
      } finally {
        await stop();
      }
    });
  });
}
