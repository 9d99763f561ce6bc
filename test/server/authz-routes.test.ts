// Every API and admin route against every role, on a REAL server (socket, SQLite, fs blobs): the
// answer is allowed, 403, 404 (the app stays invisible) or 401 / a redirect to sign in. The table
// lists EVERY registered route (enumerated from the server itself): a route added later without a
// row here fails the first test, so nobody adds a route without deciding who may call it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { registeredRoutes } from '../../src/server/build.js';
import type { Principal } from '../../src/services/principal.js';
import type { AppRole } from '../../src/ports/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';

type Role = 'anonymous' | 'admin' | 'service' | 'manager' | 'developer' | 'tester' | 'outsider';
const ROLES: Role[] = ['anonymous', 'admin', 'service', 'manager', 'developer', 'tester', 'outsider'];
/** 'ok': anything but 401/403/404 (a 400 for a harmless body still proves the gate let it through). */
type Outcome = 'ok' | 401 | 403 | 404 | 'sign-in';
type Rule = Record<Role, Outcome>;

const rule = (base: Partial<Rule>): Rule => ({ anonymous: 401, admin: 'ok', service: 'ok', manager: 'ok', developer: 'ok', tester: 'ok', outsider: 'ok', ...base });
const SIGNED_IN = rule({});
const ADMIN = rule({ service: 403, manager: 403, developer: 403, tester: 403, outsider: 403 });
const READ = rule({ outsider: 404 });
const DEVELOP = rule({ tester: 403, outsider: 404 });
const MANAGE = rule({ developer: 403, tester: 403, outsider: 404 });
const GRANTS = rule({ service: 403, developer: 403, tester: 403, outsider: 404 });
/** Publishing names the app by its package, not by an id: 403 rather than 404. */
const PUBLISH = rule({ tester: 403, outsider: 403 });
const UPLOAD = rule({ tester: 403, outsider: 403 });
/** Resumable uploads started by the developer: only they (and admins) may use them. */
const UPLOAD_OWNER = rule({ service: 403, manager: 403, tester: 403, outsider: 403 });
/** The audit log: admins all of it; an app's managers its entries (a person who manages nothing: 403). */
const AUDIT = rule({ service: 403, developer: 403, tester: 403, outsider: 403 });
const AUDIT_APP = rule({ service: 403, developer: 403, tester: 403, outsider: 404 });
/** Only people have personal tokens (not admin or service tokens). */
const PEOPLE = rule({ admin: 403, service: 403 });
const page = (r: Rule): Rule => ({ ...r, anonymous: 'sign-in' });

interface Req {
  method: string;
  path: string;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

interface Ctx {
  srv: TestServer;
  appId: string;
  releaseId: string;
  tokenId: string;
  freshApp(): Promise<string>;
  freshRelease(): Promise<string>;
  packageBytes(): Promise<Buffer>;
  freshPerson(): Promise<{ id: string; email: string }>;
  freshGroup(): Promise<string>;
  groupWithMember(): Promise<{ groupId: string; personId: string }>;
  bystanderGrant(): Promise<string>;
  developerUpload(): Promise<string>;
  /** A personal token of the role's person (an unknown id for the others). */
  personalToken(role: Role): Promise<string>;
}

interface Row {
  rule: Rule | 'public';
  /** For admin-only routes on ids we do not create (devices, webhooks): an admin's 404 is "not found", not "hidden". */
  adminMay404?: boolean;
  request?: (ctx: Ctx, role: Role) => Promise<Req> | Req;
}

const TUS = { 'tus-resumable': '1.0.0' };
const ID0 = '01aaaaaaaaaaaaaaaaaaaaaaaa';

/** Every route: "METHOD /url" → who may call it. 'public' routes are open to anyone by design. */
const TABLE: Record<string, Row> = {
  // Open by design: health, pages reached through signed links or public apps, sign-in itself.
  'GET /': { rule: 'public' },
  'GET /api/v1/health': { rule: 'public' },
  'GET /api/v1/ready': { rule: 'public' },
  'GET /api/v1/openapi.json': { rule: 'public' }, // the API's description, no data
  'GET /assets/*': { rule: 'public' },
  'GET /assets/vendor/tus.min.js': { rule: 'public' },
  'GET /apps/:appId': { rule: 'public' }, // latest-build page: needs a signed link unless public (install tests)
  'GET /i/:releaseId': { rule: 'public' },
  'GET /i/:releaseId/:icon': { rule: 'public' },
  'GET /i/:releaseId/manifest.plist': { rule: 'public' },
  'GET /i/:releaseId/package.:ext': { rule: 'public' },
  'GET /ca': { rule: 'public' },
  'GET /ca.crt': { rule: 'public' },
  'GET /ca.mobileconfig': { rule: 'public' },
  'GET /cli/:name': { rule: 'public' },
  'GET /udid': { rule: 'public' },
  'GET /udid/done': { rule: 'public' },
  'GET /udid/profile.mobileconfig': { rule: 'public' },
  'POST /udid/callback': { rule: 'public' },
  'GET /admin/login': { rule: 'public' },
  'POST /admin/login': { rule: 'public' },
  'GET /admin/logout': { rule: 'public' },
  'POST /admin/logout': { rule: 'public' },
  'GET /admin/first-run': { rule: 'public' },
  'POST /admin/first-run': { rule: 'public' },
  'GET /sign-in': { rule: 'public' },
  'POST /sign-in/email': { rule: 'public' },
  'GET /auth/link': { rule: 'public' },
  'POST /auth/link': { rule: 'public' },
  'GET /auth/oidc/start': { rule: 'public' },
  'GET /auth/oidc/callback': { rule: 'public' },
  'GET /notices/opt-out': { rule: 'public' }, // the signed link token decides (build-notices.test.ts)
  'POST /notices/opt-out': { rule: 'public' },
  'GET /s/:linkId': { rule: 'public' }, // a share link's page: its signed token and record decide (share-links tests)
  'POST /s/:linkId': { rule: 'public' }, // its passcode form
  'OPTIONS /api/v1/uploads': { rule: 'public' }, // tus capability discovery carries no credentials
  'OPTIONS /api/v1/uploads/:id': { rule: 'public' },

  // Apps and releases.
  'GET /api/v1/apps': { rule: SIGNED_IN, request: () => ({ method: 'GET', path: '/api/v1/apps' }) },
  'GET /api/v1/apps/:appId': { rule: READ, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}` }) },
  'PATCH /api/v1/apps/:appId': { rule: MANAGE, request: (c) => ({ method: 'PATCH', path: `/api/v1/apps/${c.appId}`, body: { name: 'Roles App' } }) },
  'DELETE /api/v1/apps/:appId': { rule: MANAGE, request: async (c) => ({ method: 'DELETE', path: `/api/v1/apps/${await c.freshApp()}` }) },
  'GET /api/v1/apps/:appId/releases': { rule: READ, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/releases` }) },
  'GET /api/v1/releases/:id': { rule: READ, request: (c) => ({ method: 'GET', path: `/api/v1/releases/${c.releaseId}` }) },
  'PATCH /api/v1/releases/:id': { rule: DEVELOP, request: (c) => ({ method: 'PATCH', path: `/api/v1/releases/${c.releaseId}`, body: { notes: 'checked' } }) },
  // The deployment doctor makes the server send requests: the app's developers and managers, not testers.
  'POST /api/v1/releases/:id/doctor': { rule: DEVELOP, request: (c) => ({ method: 'POST', path: `/api/v1/releases/${c.releaseId}/doctor` }) },
  'DELETE /api/v1/releases/:id': { rule: MANAGE, request: async (c) => ({ method: 'DELETE', path: `/api/v1/releases/${await c.freshRelease()}` }) },
  // App Bundles: the .aab and the APK signing key are the managers' (testers install the APK). The
  // release here is an .ipa, so a manager is answered 409 (no bundle) — past the gate all the same.
  'GET /api/v1/releases/:id/bundle': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/releases/${c.releaseId}/bundle` }) },
  'GET /api/v1/apps/:appId/signing-key': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/signing-key` }) },
  'PUT /api/v1/apps/:appId/signing-key': {
    rule: MANAGE,
    request: (c) => ({ method: 'PUT', path: `/api/v1/apps/${c.appId}/signing-key`, body: { keystore: 'AAAA', storePassword: 'secret', alias: 'upload' } }),
  },
  'DELETE /api/v1/apps/:appId/signing-key': { rule: MANAGE, request: (c) => ({ method: 'DELETE', path: `/api/v1/apps/${c.appId}/signing-key` }) },
  'POST /api/v1/releases': {
    rule: PUBLISH,
    request: async (c) => ({ method: 'POST', path: '/api/v1/releases', raw: await c.packageBytes(), headers: { 'content-type': 'application/octet-stream' } }),
  },
  'POST /api/v1/uploads': { rule: UPLOAD, request: () => ({ method: 'POST', path: '/api/v1/uploads', headers: { ...TUS, 'upload-length': '100' } }) },
  'HEAD /api/v1/uploads/:id': { rule: UPLOAD_OWNER, request: async (c) => ({ method: 'HEAD', path: `/api/v1/uploads/${await c.developerUpload()}`, headers: TUS }) },
  'PATCH /api/v1/uploads/:id': {
    rule: UPLOAD_OWNER,
    request: async (c) => ({
      method: 'PATCH',
      path: `/api/v1/uploads/${await c.developerUpload()}`,
      raw: Buffer.alloc(10),
      headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    }),
  },
  'DELETE /api/v1/uploads/:id': { rule: UPLOAD_OWNER, request: async (c) => ({ method: 'DELETE', path: `/api/v1/uploads/${await c.developerUpload()}`, headers: TUS }) },
  'POST /api/v1/uploads/:id/publish': { rule: UPLOAD_OWNER, request: async (c) => ({ method: 'POST', path: `/api/v1/uploads/${await c.developerUpload()}/publish`, body: {} }) },

  // Share links of one app: its managers.
  'GET /api/v1/apps/:appId/share-links': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/share-links` }) },
  'POST /api/v1/apps/:appId/share-links': { rule: MANAGE, request: (c) => ({ method: 'POST', path: `/api/v1/apps/${c.appId}/share-links`, body: { name: 'table' } }) },
  'DELETE /api/v1/apps/:appId/share-links/:linkId': {
    rule: MANAGE,
    request: async (c) => ({ method: 'DELETE', path: `/api/v1/apps/${c.appId}/share-links/${await freshShareLink(c)}` }),
  },

  // Roles on one app.
  'GET /api/v1/apps/:appId/grants': { rule: GRANTS, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/grants` }) },
  'PUT /api/v1/apps/:appId/grants': {
    rule: GRANTS,
    request: async (c) => ({ method: 'PUT', path: `/api/v1/apps/${c.appId}/grants`, body: { personId: await c.bystanderGrant(), role: 'tester' } }),
  },
  'DELETE /api/v1/apps/:appId/grants': {
    rule: GRANTS,
    request: async (c) => ({ method: 'DELETE', path: `/api/v1/apps/${c.appId}/grants?personId=${await c.bystanderGrant()}` }),
  },

  // Instance administration.
  'GET /api/v1/tokens': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/tokens' }) },
  'POST /api/v1/tokens': { rule: ADMIN, request: () => ({ method: 'POST', path: '/api/v1/tokens', body: { name: 'table' } }) },
  'DELETE /api/v1/tokens/:id': { rule: ADMIN, request: async (c) => ({ method: 'DELETE', path: `/api/v1/tokens/${(await c.srv.services.tokens.create(ADMIN_P, { name: 'to revoke' })).record.id}` }) },
  // The testers' side: who installed a build, the testers' devices missing from the latest build.
  'GET /api/v1/releases/:id/installs': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/releases/${c.releaseId}/installs` }) },
  'GET /api/v1/apps/:appId/missing-devices': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/missing-devices` }) },
  'GET /api/v1/apps/:appId/missing-devices.txt': { rule: MANAGE, request: (c) => ({ method: 'GET', path: `/api/v1/apps/${c.appId}/missing-devices.txt` }) },
  'GET /api/v1/devices': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/devices' }) },
  'GET /api/v1/devices.txt': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/devices.txt' }) },
  'PATCH /api/v1/devices/:id': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'PATCH', path: `/api/v1/devices/${ID0}`, body: { label: 'x' } }) },
  'DELETE /api/v1/devices/:id': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'DELETE', path: `/api/v1/devices/${ID0}` }) },
  'GET /api/v1/webhooks': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/webhooks' }) },
  'POST /api/v1/webhooks': { rule: ADMIN, request: () => ({ method: 'POST', path: '/api/v1/webhooks', body: {} }) },
  'GET /api/v1/webhooks/:id': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'GET', path: `/api/v1/webhooks/${ID0}` }) },
  'DELETE /api/v1/webhooks/:id': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'DELETE', path: `/api/v1/webhooks/${ID0}` }) },
  'GET /api/v1/webhooks/:id/deliveries': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'GET', path: `/api/v1/webhooks/${ID0}/deliveries` }) },
  'POST /api/v1/webhooks/:id/test': { rule: ADMIN, adminMay404: true, request: () => ({ method: 'POST', path: `/api/v1/webhooks/${ID0}/test`, body: {} }) },
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': {
    rule: ADMIN,
    adminMay404: true,
    request: () => ({ method: 'POST', path: `/api/v1/webhooks/${ID0}/deliveries/${ID0}/redeliver`, body: {} }),
  },
  'GET /api/v1/people': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/people' }) },
  'POST /api/v1/people': { rule: ADMIN, request: () => ({ method: 'POST', path: '/api/v1/people', body: { email: `new${seq()}@example.com` } }) },
  'PATCH /api/v1/people/:id': { rule: ADMIN, request: async (c) => ({ method: 'PATCH', path: `/api/v1/people/${(await c.freshPerson()).id}`, body: { name: 'Renamed' } }) },
  'DELETE /api/v1/people/:id': { rule: ADMIN, request: async (c) => ({ method: 'DELETE', path: `/api/v1/people/${(await c.freshPerson()).id}` }) },
  'GET /api/v1/groups': { rule: ADMIN, request: () => ({ method: 'GET', path: '/api/v1/groups' }) },
  'POST /api/v1/groups': { rule: ADMIN, request: () => ({ method: 'POST', path: '/api/v1/groups', body: { name: `Group ${seq()}` } }) },
  'PATCH /api/v1/groups/:id': { rule: ADMIN, request: async (c) => ({ method: 'PATCH', path: `/api/v1/groups/${await c.freshGroup()}`, body: { notifyNewBuilds: true } }) },
  'DELETE /api/v1/groups/:id': { rule: ADMIN, request: async (c) => ({ method: 'DELETE', path: `/api/v1/groups/${await c.freshGroup()}` }) },
  'PUT /api/v1/groups/:id/members/:personId': {
    rule: ADMIN,
    request: async (c) => ({ method: 'PUT', path: `/api/v1/groups/${await c.freshGroup()}/members/${(await c.freshPerson()).id}` }),
  },
  'DELETE /api/v1/groups/:id/members/:personId': {
    rule: ADMIN,
    request: async (c) => {
      const { groupId, personId } = await c.groupWithMember();
      return { method: 'DELETE', path: `/api/v1/groups/${groupId}/members/${personId}` };
    },
  },
  'GET /api/v1/me': { rule: SIGNED_IN, request: () => ({ method: 'GET', path: '/api/v1/me' }) },
  'GET /api/v1/me/tokens': { rule: PEOPLE, request: () => ({ method: 'GET', path: '/api/v1/me/tokens' }) },
  'POST /api/v1/me/tokens': { rule: PEOPLE, request: () => ({ method: 'POST', path: '/api/v1/me/tokens', body: { name: 'laptop' } }) },
  'DELETE /api/v1/me/tokens/:id': {
    rule: PEOPLE,
    request: async (c, role) => ({ method: 'DELETE', path: `/api/v1/me/tokens/${await c.personalToken(role)}` }),
  },

  // Admin pages and My apps: without a session, the browser is sent to sign in.
  'GET /admin': { rule: page(SIGNED_IN), request: () => ({ method: 'GET', path: '/admin' }) },
  'GET /admin/apps/:appId': { rule: page(READ), request: (c) => ({ method: 'GET', path: `/admin/apps/${c.appId}` }) },
  'GET /admin/apps/:appId/access': { rule: page(GRANTS), request: (c) => ({ method: 'GET', path: `/admin/apps/${c.appId}/access` }) },
  'GET /admin/apps/:appId/share-links': { rule: page(MANAGE), request: (c) => ({ method: 'GET', path: `/admin/apps/${c.appId}/share-links` }) },
  'POST /admin/apps/:appId/share-links': { rule: page(MANAGE), request: (c) => ({ method: 'POST', path: `/admin/apps/${c.appId}/share-links`, body: { name: 'table' } }) },
  'POST /admin/apps/:appId/share-links/:linkId/revoke': {
    rule: page(MANAGE),
    request: async (c) => ({ method: 'POST', path: `/admin/apps/${c.appId}/share-links/${await freshShareLink(c)}/revoke` }),
  },
  'GET /admin/tokens': { rule: page(ADMIN), request: () => ({ method: 'GET', path: '/admin/tokens' }) },
  'POST /admin/releases/:id/doctor': { rule: page(DEVELOP), request: (c) => ({ method: 'POST', path: `/admin/releases/${c.releaseId}/doctor` }) },
  'GET /admin/webhooks': { rule: page(ADMIN), request: () => ({ method: 'GET', path: '/admin/webhooks' }) },
  'GET /admin/devices': { rule: page(ADMIN), request: () => ({ method: 'GET', path: '/admin/devices' }) },
  'GET /admin/people': { rule: page(ADMIN), request: () => ({ method: 'GET', path: '/admin/people' }) },
  'GET /admin/groups': { rule: page(ADMIN), request: () => ({ method: 'GET', path: '/admin/groups' }) },
  'GET /my': { rule: page(SIGNED_IN), request: () => ({ method: 'GET', path: '/my' }) },
  'GET /my/tokens': { rule: page(PEOPLE), request: () => ({ method: 'GET', path: '/my/tokens' }) },

  // The audit log.
  'GET /api/v1/audit': { rule: AUDIT, request: () => ({ method: 'GET', path: '/api/v1/audit' }) },
  'GET /admin/audit': { rule: page(AUDIT_APP), request: (c) => ({ method: 'GET', path: `/admin/audit?appId=${c.appId}` }) },
};

/** A share link of the table's app, made directly in the database (each revocation gets its own). */
async function freshShareLink(c: Ctx): Promise<string> {
  const link = await c.srv.services.repos.shareLinks.create({
    appId: c.appId,
    releaseId: null,
    name: `table ${seq()}`,
    createdAt: new Date(),
    createdBy: 'table',
    expiresAt: null,
    installLimit: null,
    passcodeHash: null,
  });
  return link.id;
}

const ADMIN_P: Principal = { tokenId: 'table-admin', name: 'table', admin: true, appId: null, via: 'bearer' };
let counter = 0;
const seq = () => ++counter;

let srv: TestServer;
const credentials = new Map<Role, Record<string, string>>();
let ctx: Ctx;
let build = 100;

before(async () => {
  srv = await startTestServer({ settings: { uploadQuotaCount: 100 } });
  const publish = async (bundleId: string) => {
    const bytes = await readFile(await buildIpa({ bundleId, build: String(++build) }));
    const res = await fetch(`${srv.baseUrl}/api/v1/releases`, { method: 'POST', headers: srv.auth({ 'content-type': 'application/octet-stream' }), body: bytes });
    assert.equal(res.status, 201, await res.clone().text());
    const json = (await res.json()) as { app: { id: string }; release: { id: string } };
    return { appId: json.app.id, releaseId: json.release.id };
  };
  const { appId, releaseId } = await publish('com.example.table');
  const other = await publish('com.example.elsewhere');
  const people = srv.services.repos.people;
  const now = new Date();
  const person = async (name: string) => people.createPerson({ email: `${name}@example.com`, name, admin: false, createdAt: now });
  const roles: Array<[Role, AppRole | null]> = [['manager', 'manager'], ['developer', 'developer'], ['tester', 'tester'], ['outsider', null]];
  const personIds = new Map<Role, string>();
  for (const [role, appRole] of roles) {
    const p = await person(role);
    personIds.set(role, p.id);
    if (appRole) await people.setGrant(appId, { personId: p.id }, appRole, now);
    else await people.setGrant(other.appId, { personId: p.id }, 'tester', now); // a tester, of another app
    const session = await srv.services.sessions.signInPerson(p.id);
    credentials.set(role, { cookie: `otaship_session=${session.value}`, 'x-requested-with': 'otaship' });
  }
  const service = await srv.services.tokens.create(ADMIN_P, { name: 'ci' });
  credentials.set('service', { authorization: `Bearer ${service.token}` });
  credentials.set('admin', srv.auth());
  credentials.set('anonymous', {});
  const bystander = await person('bystander');

  ctx = {
    srv,
    appId,
    releaseId,
    tokenId: service.record.id,
    async freshApp() {
      const fresh = await publish(`com.example.fresh${seq()}`);
      for (const [role, appRole] of roles) if (appRole) await people.setGrant(fresh.appId, { personId: personIds.get(role)! }, appRole, now);
      return fresh.appId;
    },
    async freshRelease() {
      return (await publish('com.example.table')).releaseId;
    },
    async packageBytes() {
      return readFile(await buildIpa({ bundleId: 'com.example.table', build: String(++build) }));
    },
    async freshPerson() {
      const p = await person(`fresh${seq()}`);
      return { id: p.id, email: p.email };
    },
    async freshGroup() {
      return (await people.createGroup({ name: `G${seq()}`, createdAt: now })).id;
    },
    async groupWithMember() {
      const groupId = await this.freshGroup();
      const personId = (await this.freshPerson()).id;
      await people.addMember(groupId, personId, 'admin', now);
      return { groupId, personId };
    },
    async bystanderGrant() {
      await people.setGrant(appId, { personId: bystander.id }, 'tester', now);
      return bystander.id;
    },
    async personalToken(role) {
      const personId = personIds.get(role);
      if (!personId) return ID0;
      const p = await srv.services.people.principalFor(personId, 'session');
      return (await srv.services.tokens.createPersonal(p, { name: 'own' })).record.id;
    },
    async developerUpload() {
      const res = await fetch(`${srv.baseUrl}/api/v1/uploads`, { method: 'POST', headers: { ...credentials.get('developer')!, ...TUS, 'upload-length': '100' } });
      assert.equal(res.status, 201, await res.text());
      return new URL(res.headers.get('location')!, srv.baseUrl).pathname.split('/').pop()!;
    },
  };
});

after(async () => srv?.stop());

/** Routes fastify adds by itself: HEAD beside every GET. */
function listedKey(route: { method: string; url: string }, all: ReadonlyArray<{ method: string; url: string }>): string | null {
  if (route.method === 'HEAD' && all.some((r) => r.method === 'GET' && r.url === route.url)) return null;
  return `${route.method} ${route.url}`;
}

test('every registered route is in the table (add a row when adding a route)', () => {
  const routes = registeredRoutes(srv.server.app);
  assert.ok(routes.length > 40, `only ${routes.length} routes were seen`);
  const missing = [...new Set(routes.map((r) => listedKey(r, routes)).filter((k): k is string => k !== null && !(k in TABLE)))];
  assert.deepEqual(missing, [], `routes nobody decided access for: ${missing.join(', ')}`);
});

function classify(status: number, location: string | null): Outcome | `status ${number}` {
  if (status === 401) return 401;
  if (status === 403) return 403;
  if (status === 404) return 404;
  if (status === 303 && location && /^\/(admin\/login|sign-in)/.test(location)) return 'sign-in';
  if (status >= 500) return `status ${status}`;
  return 'ok';
}

describe('each route answers each role as the table says', () => {
  for (const [key, row] of Object.entries(TABLE)) {
    if (row.rule === 'public') continue;
    const checked = row.rule;
    test(key, async () => {
      assert.ok(row.request, `${key} needs a request`);
      const seen: Partial<Record<Role, string>> = {};
      const want: Partial<Record<Role, string>> = {};
      for (const role of ROLES) {
        const req = await row.request(ctx, role);
        const headers: Record<string, string> = { ...credentials.get(role)!, ...req.headers };
        let body: BodyInit | undefined;
        if (req.raw) body = new Uint8Array(req.raw);
        else if (req.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(req.body);
        }
        const res = await fetch(`${srv.baseUrl}${req.path}`, { method: req.method, headers, body, redirect: 'manual' });
        await res.arrayBuffer();
        let outcome: string = String(classify(res.status, res.headers.get('location')));
        if (row.adminMay404 && role === 'admin' && outcome === '404') outcome = 'ok';
        seen[role] = outcome;
        want[role] = String(checked[role]);
      }
      assert.deepEqual(seen, want);
    });
  }
});

// Admin-only routes decide who may call them before they look at the body: a non-admin is told
// 403 whatever they send (not a 400 that teaches the body's shape); an admin gets the 400.
test('admin-only routes refuse non-admins before validating the body', async () => {
  const routes: Array<[string, string]> = [
    ['POST', '/api/v1/tokens'],
    ['PATCH', `/api/v1/devices/${ID0}`],
    ['POST', '/api/v1/webhooks'],
    ['POST', '/api/v1/people'],
    ['PATCH', `/api/v1/people/${ID0}`],
    ['POST', '/api/v1/groups'],
  ];
  const seen: string[] = [];
  for (const [method, path] of routes) {
    for (const role of ['service', 'manager', 'admin'] as const) {
      const res = await fetch(`${srv.baseUrl}${path}`, {
        method,
        headers: { ...credentials.get(role)!, 'content-type': 'application/json' },
        body: JSON.stringify({ unexpected: 1 }),
      });
      await res.arrayBuffer();
      seen.push(`${method} ${path} ${role} ${res.status}`);
    }
  }
  const want = routes.flatMap(([method, path]) => [`${method} ${path} service 403`, `${method} ${path} manager 403`, `${method} ${path} admin 400`]);
  assert.deepEqual(seen, want);
});
