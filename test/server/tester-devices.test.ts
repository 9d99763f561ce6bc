// Devices belong to people, on a REAL server (SQLite, and PostgreSQL): a registration profile
// downloaded while signed in carries the person through the real Profile Service flow (the device's
// CMS-signed answer POSTed to the callback, without the browser's cookie), and the app's managers
// see their testers' devices missing from the latest build's provisioning profile, also as the file
// Apple's developer portal imports.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'plist';
import type { DeviceJson } from '../../src/services/devices.js';
import type { MissingDevicesJson } from '../../src/services/tester-devices.js';
import { SESSION_COOKIE } from '../../src/services/sessions.js';
import { buildDeviceAnswer } from '../helpers/device-answer.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

let pg: Promise<PostgresServer> | null = null;
after(async () => {
  if (pg) await (await pg).stop();
});

const backends: Array<{ name: string; settings: () => Promise<Record<string, string>>; skip: string | false }> = [
  { name: 'SQLite', settings: async () => ({}), skip: false },
  { name: 'PostgreSQL', settings: async () => ({ databaseUrl: await (await (pg ??= startPostgres())).createDatabase() }), skip: postgresSkipReason() },
];

/** In the build's profile (a tester's device already included), and devices it leaves out. */
const IN_PROFILE = '00008110-0000000000000001';
const TESS_PHONE = '00008110-0000000000000002';
const TOM_PHONE = '00008110-0000000000000003';
const OUTSIDER_PHONE = '00008110-0000000000000004';
const ANONYMOUS_PHONE = '00008110-0000000000000005';
const GONE_PHONE = '00008110-0000000000000006';

type ProfileContent = { URL: string; Challenge: string };

/** Downloads a registration profile as the browser does (with the session cookie, if any). */
async function downloadProfile(srv: TestServer, cookie: string | null): Promise<ProfileContent> {
  const profile = await fetch(`${srv.baseUrl}/udid/profile.mobileconfig`, cookie ? { headers: { cookie } } : {});
  assert.equal(profile.status, 200);
  return (parse(await profile.text()) as { PayloadContent: ProfileContent }).PayloadContent;
}

/** The device's CMS-signed answer, posted from the profile installer: no cookie. */
async function answer(content: ProfileContent, udid: string, name: string): Promise<void> {
  const res = await fetch(content.URL, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/pkcs7-signature' },
    body: new Uint8Array(await buildDeviceAnswer(content.Challenge, { UDID: udid, DEVICE_NAME: name })),
  });
  assert.equal(res.status, 301, await res.text());
}

/** Registers a device through the real flow: profile download, then the device's answer. */
async function register(srv: TestServer, cookie: string | null, udid: string, name: string): Promise<void> {
  await answer(await downloadProfile(srv, cookie), udid, name);
}

async function api(srv: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${srv.baseUrl}${path}`, {
    method,
    headers: body === undefined ? srv.auth() : srv.auth({ 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return res;
}

for (const backend of backends) {
  describe(`testers' devices: ${backend.name}`, { skip: backend.skip }, () => {
    test("registered while signed in, a device is the person's; managers get the testers' devices the latest build misses", async () => {
      const srv = await startTestServer({ settings: { ...(await backend.settings()), udidPerIpPerHour: 50 } });
      try {
        const published = await fetch(`${srv.baseUrl}/api/v1/releases`, {
          method: 'POST',
          headers: srv.auth({ 'content-type': 'application/octet-stream' }),
          body: new Uint8Array(await readFile(await buildIpa({ bundleId: 'com.example.devices', profile: { type: 'ad-hoc', name: 'Team Ad Hoc', devices: [IN_PROFILE] } }))),
        });
        assert.equal(published.status, 201);
        const { app, release } = (await published.json()) as { app: { id: string }; release: { id: string } };
        const person = (email: string) => srv.services.repos.people.createPerson({ email, name: '', admin: false, createdAt: new Date() });
        const [tess, tom, otto] = [await person('tess@example.org'), await person('tom@example.org'), await person('otto@example.org')];
        await api(srv, 'PUT', `/api/v1/apps/${app.id}/grants`, { personId: tess.id, role: 'tester' });
        const group = (await (await api(srv, 'POST', '/api/v1/groups', { name: 'Field testers' })).json()) as { id: string };
        await api(srv, 'PUT', `/api/v1/groups/${group.id}/members/${tom.id}`);
        await api(srv, 'PUT', `/api/v1/apps/${app.id}/grants`, { groupId: group.id, role: 'tester' });
        const cookie = async (id: string) => `${SESSION_COOKIE}=${(await srv.services.sessions.signInPerson(id)).value}`;

        await register(srv, await cookie(tess.id), IN_PROFILE, 'Tess old phone');
        await register(srv, await cookie(tess.id), TESS_PHONE, 'Tess\tphone');
        await register(srv, await cookie(tom.id), TOM_PHONE, 'Tom phone');
        await register(srv, await cookie(otto.id), OUTSIDER_PHONE, 'Otto phone'); // no role on the app
        await register(srv, null, ANONYMOUS_PHONE, 'Someone');

        // Removed between the profile download and the device's answer: the device registers, owned by nobody.
        const gone = await person('gone@example.org');
        const goneProfile = await downloadProfile(srv, await cookie(gone.id));
        await api(srv, 'DELETE', `/api/v1/people/${gone.id}`);
        await answer(goneProfile, GONE_PHONE, 'Gone phone');

        const devices = ((await (await api(srv, 'GET', '/api/v1/devices')).json()) as { items: DeviceJson[] }).items;
        const owner = new Map(devices.map((d) => [d.udid, d.personId]));
        assert.equal(owner.get(TESS_PHONE), tess.id);
        assert.equal(owner.get(TOM_PHONE), tom.id);
        assert.equal(owner.get(OUTSIDER_PHONE), otto.id);
        assert.equal(owner.get(ANONYMOUS_PHONE), null);
        assert.equal(owner.get(GONE_PHONE), null);

        const missing = async () => (await (await api(srv, 'GET', `/api/v1/apps/${app.id}/missing-devices`)).json()) as MissingDevicesJson;
        const first = await missing();
        assert.equal(first.release?.id, release.id);
        assert.equal(first.release?.profileName, 'Team Ad Hoc');
        assert.equal(first.release?.profileType, 'ad-hoc');
        assert.deepEqual(
          first.items.map((d) => [d.udid, d.person.email]),
          [
            [TESS_PHONE, 'tess@example.org'],
            [TOM_PHONE, 'tom@example.org'],
          ],
        );
        const file = await (await api(srv, 'GET', `/api/v1/apps/${app.id}/missing-devices.txt`)).text();
        assert.equal(
          file,
          'Device ID\tDevice Name\tDevice Platform\n' +
            `${TESS_PHONE}\tTess phone (tess@example.org)\tios\n` +
            `${TOM_PHONE}\tTom phone (tom@example.org)\tios\n`,
        );
        // The admin app page shows them to its managers, with the export.
        const page = await (await fetch(`${srv.baseUrl}/admin/apps/${app.id}`, { headers: srv.auth() })).text();
        assert.match(page, /id="missing-devices"/);
        assert.ok(page.includes(TOM_PHONE));
        assert.ok(page.includes(`/api/v1/apps/${app.id}/missing-devices.txt`));

        // Out of the group: Tom's device is no longer the app's business; a disabled tester's neither.
        await api(srv, 'DELETE', `/api/v1/groups/${group.id}/members/${tom.id}`);
        assert.deepEqual((await missing()).items.map((d) => d.udid), [TESS_PHONE]);
        await api(srv, 'PATCH', `/api/v1/people/${tess.id}`, { disabled: true });
        assert.deepEqual((await missing()).items, []);
      } finally {
        await srv.stop();
      }
    });
  });
}
