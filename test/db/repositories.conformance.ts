// ONE behavioural suite for the Repositories port, run against every database (SQLite, PostgreSQL).
// A factory gives a fresh, empty, migrated database per test file; `reopen` opens a second handle
// on the same database (a second server instance) where the backend supports it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IpaInfo } from '../../src/core/types.js';
import { isOtashipError } from '../../src/core/errors.js';
import { newId } from '../../src/db/ids.js';
import type { Repositories, ReleaseRecord } from '../../src/ports/repositories.js';

export interface RepositoriesHarness {
  open(): Promise<Repositories>;
  /** Cleans up after the suite (drop the database / delete the file). */
  dispose?(): Promise<void>;
}

export function sampleInfo(name: string, build: string): IpaInfo {
  return {
    kind: 'ipa',
    bundleId: `com.example.${name.toLowerCase()}`,
    version: '1.0',
    build,
    name: `${name} & <Friends> "quoted" \u0000 ünïcödé 🚀`,
    minOsVersion: '15.0',
    deviceFamilies: ['iphone', 'ipad'],
    icon: { entry: 'Payload/App.app/AppIcon60x60@2x.png', width: 120, height: 120 },
    installable: { ok: true, reasons: [] },
    size: 123,
    appPath: 'Payload/App.app',
    platforms: ['iPhoneOS'],
    extensions: [],
    infoPlistFormat: 'binary',
    profile: null,
    signed: true,
  };
}

let seq = 0;
function unique(prefix: string): string {
  seq += 1;
  return `${prefix}${seq}${Math.random().toString(36).slice(2, 8)}`;
}

/** A fresh UDID in the newer 8+16 form, e.g. 00008030-001A2B3C4D5E802E. */
function newUdid(): string {
  return `00008030-${randomBytes(8).toString('hex').toUpperCase()}`;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isOtashipError(err), `expected OtashipError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

export function repositoriesConformance(name: string, harness: RepositoriesHarness, skip: string | false = false): void {
  describe(`Repositories conformance: ${name}`, { skip }, () => {
    let repos: Repositories;
    before(async () => {
      repos = await harness.open();
    });
    after(async () => {
      await repos?.close();
      await harness.dispose?.();
    });

    async function newApp(isPublic = false) {
      return repos.apps.create({ platform: 'ios', bundleId: unique('com.example.app'), name: 'App', isPublic });
    }

    function releaseInput(appId: string, overrides: Partial<ReleaseRecord> = {}) {
      const build = unique('b');
      return {
        appId,
        version: '1.2.3',
        build,
        name: 'Demo',
        size: 5 * 1024 ** 3 + 17, // > 2^32: bigint column, must come back as a number
        sha256: 'a'.repeat(64),
        packageKey: `releases/${build}/package.ipa`,
        iconKey: `releases/${build}/icon.png`,
        icon57Key: null,
        icon512Key: `releases/${build}/icon-512.png`,
        info: sampleInfo('Demo', build),
        notes: 'first *release*',
        isPublic: null,
        ...overrides,
      };
    }

    test('apps: create, get, find by bundle, list, update, delete', async () => {
      const app = await repos.apps.create({ platform: 'android', bundleId: unique('org.example.'), name: 'Ä & B', isPublic: true });
      assert.match(app.id, /^[0-9a-z]{20,}$/);
      assert.equal(app.isPublic, true);
      assert.ok(app.createdAt instanceof Date);

      const got = await repos.apps.get(app.id);
      assert.deepEqual(got, app);
      assert.equal(typeof got?.isPublic, 'boolean');
      assert.deepEqual(await repos.apps.findByBundle('android', app.bundleId), app);
      assert.equal(await repos.apps.findByBundle('ios', app.bundleId), null, 'platform is part of the identity');
      assert.ok((await repos.apps.list()).some((a) => a.id === app.id));

      const updated = await repos.apps.update(app.id, { name: 'Renamed', isPublic: false });
      assert.equal(updated?.name, 'Renamed');
      assert.equal(updated?.isPublic, false);
      assert.equal(updated?.bundleId, app.bundleId);
      assert.ok(updated!.updatedAt.getTime() >= app.updatedAt.getTime());
      assert.equal(await repos.apps.update('missing', { name: 'x' }), null);

      assert.equal(await repos.apps.delete(app.id), true);
      assert.equal(await repos.apps.get(app.id), null);
      assert.equal(await repos.apps.delete(app.id), false);
    });

    test('apps: a second app with the same platform and bundle id is a CONFLICT', async () => {
      const app = await newApp();
      await rejectsWith(repos.apps.create({ platform: 'ios', bundleId: app.bundleId, name: 'Other', isPublic: false }), 'CONFLICT');
      // Same bundle id on the other platform is a different app.
      const other = await repos.apps.create({ platform: 'android', bundleId: app.bundleId, name: 'Other', isPublic: false });
      assert.notEqual(other.id, app.id);
    });

    test('ids are unique, URL-safe and free of underscores', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const t = await repos.tokens.create({ name: `t${i}`, secretHash: 'f'.repeat(64), appId: null, admin: false, expiresAt: null });
        assert.match(t.id, /^[A-Za-z0-9-]+$/);
        ids.add(t.id);
      }
      assert.equal(ids.size, 20);
    });

    test('releases: round-trip keeps every field and type', async () => {
      const app = await newApp();
      const input = releaseInput(app.id, { createdAt: new Date('2024-05-06T07:08:09.123Z') } as Partial<ReleaseRecord>);
      const created = await repos.releases.create(input);
      const got = await repos.releases.get(created.id);
      assert.ok(got);
      assert.deepEqual(got, created);
      assert.equal(got.size, input.size);
      assert.equal(typeof got.size, 'number');
      assert.equal(got.isPublic, null);
      assert.deepEqual(got.info, input.info);
      assert.equal(got.createdAt.toISOString(), '2024-05-06T07:08:09.123Z');
      assert.equal(await repos.releases.get('nope'), null);
    });

    test('releases: the source (provenance) round-trips; none is null', async () => {
      const app = await newApp();
      const source = { ci: 'gitlab-ci', branch: 'feature/ü', commit: 'c0ffee', buildUrl: 'https://gitlab.example.com/-/jobs/1' };
      const withSource = await repos.releases.create({ ...releaseInput(app.id), source });
      assert.deepEqual((await repos.releases.get(withSource.id))?.source, source);
      const without = await repos.releases.create(releaseInput(app.id));
      assert.equal((await repos.releases.get(without.id))?.source, null);
    });

    test('releases: creating one for a missing app is NOT_FOUND and leaves nothing', async () => {
      await rejectsWith(repos.releases.create(releaseInput('no-such-app')), 'NOT_FOUND');
    });

    test('releases: update notes and visibility (true/false/null)', async () => {
      const app = await newApp();
      const r = await repos.releases.create(releaseInput(app.id));
      assert.equal((await repos.releases.update(r.id, { isPublic: true }))?.isPublic, true);
      assert.equal((await repos.releases.update(r.id, { isPublic: false }))?.isPublic, false);
      const back = await repos.releases.update(r.id, { isPublic: null, notes: 'changed' });
      assert.equal(back?.isPublic, null);
      assert.equal(back?.notes, 'changed');
      assert.equal((await repos.releases.update(r.id, {}))?.notes, 'changed');
      assert.equal(await repos.releases.update('missing', { notes: 'x' }), null);
    });

    test('releases: newest first, paginated with an opaque cursor, no gaps or repeats', async () => {
      const app = await newApp();
      const base = Date.parse('2025-01-01T00:00:00Z');
      const created: ReleaseRecord[] = [];
      // Shuffled creation order, and two releases sharing one timestamp (ties broken by id).
      for (const offset of [3, 0, 7, 5, 5, 1, 6, 2, 4]) {
        created.push(await repos.releases.create({ ...releaseInput(app.id), createdAt: new Date(base + offset * 1000) }));
      }
      const expected = [...created]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((r) => r.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await repos.releases.listByApp(app.id, { limit: 2, cursor });
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
        pages += 1;
        if (cursor) assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      } while (cursor && pages < 20);
      assert.deepEqual(seen, expected);
      assert.equal(pages, 5);

      const all = await repos.releases.listByApp(app.id);
      assert.deepEqual(all.items.map((r) => r.id), expected);
      assert.equal(all.nextCursor, null);
      assert.equal((await repos.releases.latest(app.id))?.id, expected[0]);

      // Another app's releases never leak in.
      const other = await newApp();
      assert.deepEqual((await repos.releases.listByApp(other.id)).items, []);
      assert.equal(await repos.releases.latest(other.id), null);
    });

    test('releases: a forged cursor is a VALIDATION error', async () => {
      const app = await newApp();
      await rejectsWith(repos.releases.listByApp(app.id, { cursor: 'not a cursor!' }), 'VALIDATION');
      await rejectsWith(repos.releases.listByApp(app.id, { cursor: Buffer.from('{"x":1}').toString('base64url') }), 'VALIDATION');
    });

    test('releases: delete, and deleting an app deletes its releases and counters', async () => {
      const app = await newApp();
      const r1 = await repos.releases.create(releaseInput(app.id));
      const r2 = await repos.releases.create(releaseInput(app.id));
      await repos.counters.increment(r2.id, 'page_view');
      assert.equal(await repos.releases.delete(r1.id), true);
      assert.equal(await repos.releases.delete(r1.id), false);
      assert.equal(await repos.releases.get(r1.id), null);
      assert.equal(await repos.apps.delete(app.id), true);
      assert.equal(await repos.releases.get(r2.id), null);
      assert.deepEqual(await repos.counters.get(r2.id), { pageViews: 0, manifestFetches: 0, downloadsStarted: 0, downloadsCompleted: 0 });
    });

    test('releases: allBlobKeys lists every referenced key once', async () => {
      const app = await newApp();
      const r = await repos.releases.create(releaseInput(app.id));
      const keys = await repos.releases.allBlobKeys();
      for (const key of [r.packageKey, r.iconKey!, r.icon512Key!]) assert.ok(keys.includes(key), key);
      assert.equal(new Set(keys).size, keys.length);
      assert.ok(!keys.includes(null as unknown as string));
    });

    test('releases: packageHashes gives each package key with the SHA-256 recorded at publish', async () => {
      const app = await newApp();
      const r = await repos.releases.create(releaseInput(app.id, { sha256: 'b'.repeat(64) }));
      const hashes = await repos.releases.packageHashes();
      assert.deepEqual(
        hashes.filter((h) => h.releaseId === r.id),
        [{ releaseId: r.id, packageKey: r.packageKey, sha256: 'b'.repeat(64) }],
      );
      assert.equal(new Set(hashes.map((h) => h.releaseId)).size, hashes.length);
    });

    test('counters: increments add up, per kind, including concurrent ones', async () => {
      const app = await newApp();
      const r = await repos.releases.create(releaseInput(app.id));
      assert.deepEqual(await repos.counters.get(r.id), { pageViews: 0, manifestFetches: 0, downloadsStarted: 0, downloadsCompleted: 0 });
      await Promise.all(Array.from({ length: 50 }, () => repos.counters.increment(r.id, 'download_start')));
      await repos.counters.increment(r.id, 'manifest_fetch', 3);
      await repos.counters.increment(r.id, 'page_view');
      await repos.counters.increment(r.id, 'download_complete', 0);
      const counts = await repos.counters.get(r.id);
      assert.deepEqual(counts, { pageViews: 1, manifestFetches: 3, downloadsStarted: 50, downloadsCompleted: 0 });
      assert.equal(typeof counts.downloadsStarted, 'number');
    });

    test('counters: two instances incrementing concurrently add up', async () => {
      const app = await newApp();
      const r = await repos.releases.create(releaseInput(app.id));
      const second = await harness.open();
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? second : repos).counters.increment(r.id, 'download_complete', 2)),
        );
      } finally {
        await second.close();
      }
      assert.equal((await repos.counters.get(r.id)).downloadsCompleted, 80);
    });

    test('counters: counting for a missing release is a silent no-op; bad input is refused', async () => {
      await repos.counters.increment('gone', 'page_view');
      assert.deepEqual(await repos.counters.get('gone'), { pageViews: 0, manifestFetches: 0, downloadsStarted: 0, downloadsCompleted: 0 });
      await rejectsWith(repos.counters.increment('gone', 'nonsense' as 'page_view'), 'VALIDATION');
      await rejectsWith(repos.counters.increment('gone', 'page_view', -1), 'VALIDATION');
    });

    test('tokens: create, get, list, touch, revoke', async () => {
      const app = await newApp();
      const expiresAt = new Date('2030-01-02T03:04:05.678Z');
      const t = await repos.tokens.create({ name: 'ci', secretHash: 'b'.repeat(64), appId: app.id, admin: false, expiresAt });
      assert.equal(t.admin, false);
      assert.equal(t.lastUsedAt, null);
      assert.equal(t.revokedAt, null);
      assert.equal(t.expiresAt?.toISOString(), expiresAt.toISOString());
      assert.deepEqual(await repos.tokens.get(t.id), t);

      const admin = await repos.tokens.create({ name: 'root', secretHash: 'c'.repeat(64), appId: null, admin: true, expiresAt: null });
      assert.equal((await repos.tokens.get(admin.id))?.admin, true);
      const listed = await repos.tokens.list();
      assert.ok(listed.some((x) => x.id === t.id) && listed.some((x) => x.id === admin.id));

      const used = new Date('2026-01-01T00:00:00.000Z');
      await repos.tokens.touch(t.id, used);
      assert.equal((await repos.tokens.get(t.id))?.lastUsedAt?.toISOString(), used.toISOString());

      const first = new Date('2026-02-01T00:00:00.000Z');
      assert.equal(await repos.tokens.revoke(t.id, first), true);
      assert.equal(await repos.tokens.revoke(t.id, new Date('2027-01-01T00:00:00.000Z')), true);
      assert.equal((await repos.tokens.get(t.id))?.revokedAt?.toISOString(), first.toISOString(), 'first revocation time is kept');
      assert.equal(await repos.tokens.revoke('missing', first), false);
      assert.equal(await repos.tokens.get('missing'), null);
      await rejectsWith(
        repos.tokens.create({ name: 'x', secretHash: 'd'.repeat(64), appId: 'no-such-app', admin: false, expiresAt: null }),
        'NOT_FOUND',
      );
    });

    test('devices: register adds (unreviewed); re-registering keeps the stored facts, id, label, first time and keeps the report aside as a claim', async () => {
      const udid = newUdid();
      const first = new Date('2026-03-01T10:00:00.000Z');
      const d = await repos.devices.register({ udid, product: 'iPhone16,1', version: '21E236', serial: null, deviceName: 'Anna’s <iPhone> & "co"', at: first });
      assert.match(d.id, /^[0-9a-z]{26}$/);
      assert.equal(d.udid, udid);
      assert.equal(d.serial, null);
      assert.equal(d.label, null);
      assert.equal(d.deviceName, 'Anna’s <iPhone> & "co"');
      assert.equal(d.firstRegisteredAt.toISOString(), first.toISOString());
      assert.equal(d.lastRegisteredAt.toISOString(), first.toISOString());
      assert.deepEqual(await repos.devices.get(d.id), d);
      assert.deepEqual(await repos.devices.findByUdid(udid), d);

      const labelled = await repos.devices.setLabel(d.id, 'QA phone 3');
      assert.equal(labelled?.label, 'QA phone 3');
      const later = new Date('2026-04-01T10:00:00.000Z');
      const again = await repos.devices.register({ udid, product: 'iPhone16,1', version: '22A3354', serial: 'F2LXYZ', deviceName: null, at: later });
      assert.equal(again.id, d.id);
      assert.equal(again.label, 'QA phone 3', 'the admin label survives a re-registration');
      assert.equal(d.reviewedAt, null, 'a new device waits for review');
      // An anonymous re-registration never rewrites the stored facts: the report is a claim.
      assert.equal(again.version, '21E236');
      assert.equal(again.serial, null);
      assert.equal(again.deviceName, 'Anna’s <iPhone> & "co"');
      assert.deepEqual(again.claim, { product: 'iPhone16,1', version: '22A3354', serial: 'F2LXYZ', deviceName: null, at: later });
      assert.equal(again.firstRegisteredAt.toISOString(), first.toISOString());
      assert.equal(again.lastRegisteredAt.toISOString(), later.toISOString());
      const same = await repos.devices.register({ udid, product: 'iPhone16,1', version: '21E236', serial: null, deviceName: 'Anna’s <iPhone> & "co"', at: later });
      assert.equal(same.claim, null, 'a report equal to the stored facts is no claim');

      // The admin's review: 'accept' applies the claim, 'keep' drops it; both mark the device reviewed.
      const unreviewed = await repos.devices.countUnreviewed();
      await repos.devices.register({ udid, product: 'iPhone17,1', version: '23A1', serial: 'NEW', deviceName: 'Other', at: later });
      const kept = await repos.devices.review(d.id, later, false);
      assert.equal(kept?.reviewedAt?.toISOString(), later.toISOString());
      assert.equal(kept?.claim, null);
      assert.equal(kept?.product, 'iPhone16,1');
      assert.equal(await repos.devices.countUnreviewed(), unreviewed - 1);
      await repos.devices.register({ udid, product: 'iPhone17,1', version: '23A1', serial: 'NEW', deviceName: 'Other', at: later });
      const accepted = await repos.devices.review(d.id, later, true);
      assert.deepEqual(
        [accepted?.product, accepted?.version, accepted?.serial, accepted?.deviceName, accepted?.claim],
        ['iPhone17,1', '23A1', 'NEW', 'Other', null],
      );
      assert.equal(await repos.devices.review('missing', later, true), null);

      assert.equal((await repos.devices.setLabel(d.id, null))?.label, null);
      assert.equal(await repos.devices.setLabel('missing', 'x'), null);
      assert.equal(await repos.devices.get('missing'), null);
      assert.equal(await repos.devices.delete(d.id), true);
      assert.equal(await repos.devices.delete(d.id), false);
      assert.equal(await repos.devices.findByUdid(udid), null);
    });

    test('devices: listed most recently registered first; two instances registering one UDID make one row', async () => {
      const udidA = newUdid();
      const udidB = newUdid();
      const a = await repos.devices.register({ udid: udidA, product: 'iPad13,1', version: '21A1', serial: 'S1', deviceName: 'A', at: new Date('2030-01-01T00:00:00.000Z') });
      const b = await repos.devices.register({ udid: udidB, product: 'iPhone15,2', version: '21A1', serial: 'S2', deviceName: 'B', at: new Date('2030-01-02T00:00:00.000Z') });
      const listed = (await repos.devices.list()).map((x) => x.id);
      assert.ok(listed.indexOf(b.id) < listed.indexOf(a.id), 'newest registration first');

      const second = await harness.open();
      try {
        const udid = newUdid();
        const at = new Date('2030-02-01T00:00:00.000Z');
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? second : repos).devices.register({ udid, product: 'iPhone16,1', version: `v${i}`, serial: null, deviceName: null, at }),
          ),
        );
        assert.equal(new Set(results.map((r) => r.id)).size, 1, 'one row, one id');
        assert.equal((await repos.devices.list()).filter((x) => x.udid === udid).length, 1);
      } finally {
        await second.close();
      }
    });

    test('devices: a nonce is used once; the device that used it is recognised; expired nonces are forgotten', async () => {
      const now = new Date('2030-05-01T12:00:00.000Z');
      const expires = new Date(now.getTime() + 3600_000);
      const nonce = unique('nonce-');
      assert.equal(await repos.devices.useNonce(nonce, 'UDID-A', expires, now), 'UDID-A');
      assert.equal(await repos.devices.useNonce(nonce, 'UDID-A', expires, now), 'UDID-A', 'the same device again');
      assert.equal(await repos.devices.useNonce(nonce, 'UDID-B', expires, now), 'UDID-A', 'another device gets the first one back');

      const second = await harness.open();
      try {
        const raced = unique('raced-');
        const winners = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? second : repos).devices.useNonce(raced, `UDID-${i}`, expires, now)),
        );
        assert.equal(new Set(winners).size, 1, 'racing instances agree on who used the nonce');
      } finally {
        await second.close();
      }

      // Once its expiry has passed, a nonce row is pruned (the signed nonce itself is refused by then).
      const afterExpiry = new Date(expires.getTime() + 1000);
      assert.equal(await repos.devices.useNonce(unique('other-'), 'UDID-C', new Date(afterExpiry.getTime() + 3600_000), afterExpiry), 'UDID-C');
      assert.equal(await repos.devices.useNonce(nonce, 'UDID-B', new Date(afterExpiry.getTime() + 3600_000), afterExpiry), 'UDID-B');
    });

    test('webhooks: create, get, list, subscribers by app and event, delete; a missing app is NOT_FOUND', async () => {
      const app = await newApp();
      const other = await newApp();
      const createdAt = new Date('2026-04-01T10:00:00.000Z');
      const all = await repos.webhooks.create({
        id: newId(),
        url: 'https://ci.example.com/hooks/otaship?x=1&y=<2>',
        events: ['release.published', 'release.deleted'],
        appId: null,
        description: 'CI “quoted” & <b>',
        createdAt,
      });
      const limited = await repos.webhooks.create({ id: newId(), url: 'http://qa.local/h', events: ['release.published'], appId: app.id, description: '', createdAt });
      assert.deepEqual(await repos.webhooks.get(all.id), all);
      assert.deepEqual(await repos.webhooks.get(limited.id), limited);
      const listed = await repos.webhooks.list();
      assert.ok(listed.some((h) => h.id === all.id) && listed.some((h) => h.id === limited.id));

      const ids = async (event: Parameters<typeof repos.webhooks.subscribers>[0], appId: string) =>
        (await repos.webhooks.subscribers(event, appId)).map((h) => h.id).filter((id) => id === all.id || id === limited.id).sort();
      assert.deepEqual(await ids('release.published', app.id), [all.id, limited.id].sort());
      assert.deepEqual(await ids('release.published', other.id), [all.id]);
      assert.deepEqual(await ids('release.deleted', app.id), [all.id]);
      assert.deepEqual(await ids('release.updated', app.id), []);

      await rejectsWith(
        repos.webhooks.create({ id: newId(), url: 'https://x.example', events: ['release.published'], appId: 'no-such-app', description: '', createdAt }),
        'NOT_FOUND',
      );
      assert.equal(await repos.webhooks.delete(all.id), true);
      assert.equal(await repos.webhooks.delete(all.id), false);
      assert.equal(await repos.webhooks.get(all.id), null);
      // Deleting the app deletes the webhooks limited to it.
      await repos.apps.delete(app.id);
      assert.equal(await repos.webhooks.get(limited.id), null);
    });

    test('webhooks: the outbox — due, claimed once across instances, attempts logged, retried, delivered; deleting the webhook drops its deliveries', async () => {
      const hook = await repos.webhooks.create({
        id: newId(),
        url: 'https://ci.example.com/h',
        events: ['release.published'],
        appId: null,
        description: '',
        createdAt: new Date('2031-01-01T00:00:00.000Z'),
      });
      const t0 = new Date('2031-01-01T00:00:00.000Z');
      const later = (ms: number) => new Date(t0.getTime() + ms);
      const payload = JSON.stringify({ event: 'release.published', name: 'ünïcödé 🚀 \u0000 <&>' });
      const [d1, d2] = [newId(), newId()];
      await repos.webhooks.enqueue([
        { id: d1, webhookId: hook.id, event: 'release.published', payload, createdAt: t0 },
        { id: d2, webhookId: hook.id, event: 'release.published', payload: '{}', createdAt: later(1) },
      ]);
      assert.deepEqual(await repos.webhooks.due(later(-1), 10), [], 'not due before its time');
      assert.deepEqual(await repos.webhooks.due(later(5), 10), [d1, d2]);
      assert.deepEqual(await repos.webhooks.due(later(5), 1), [d1]);

      // Two instances race to claim each delivery: exactly one wins each.
      const second = await harness.open();
      try {
        const claims = await Promise.all([
          repos.webhooks.claim(d1, later(5), later(60_000)),
          second.webhooks.claim(d1, later(5), later(60_000)),
          repos.webhooks.claim(d1, later(5), later(60_000)),
          second.webhooks.claim(d1, later(5), later(60_000)),
        ]);
        assert.equal(claims.filter((c) => c !== null).length, 1);
      } finally {
        await second.close();
      }
      const claimed = await repos.webhooks.getDelivery(d1);
      assert.equal(claimed?.payload, payload);
      assert.equal(claimed?.state, 'pending');
      assert.equal(claimed?.attemptCount, 0);
      assert.deepEqual(await repos.webhooks.due(later(5), 10), [d2], 'a claimed delivery is not due');
      assert.deepEqual(await repos.webhooks.due(later(61_000), 10), [d1, d2], 'a lapsed claim is due again');

      await repos.webhooks.recordAttempt(
        { id: newId(), deliveryId: d1, webhookId: hook.id, attemptedAt: later(5), statusCode: 500, error: 'the receiver answered 500', durationMs: 12.4 },
        { state: 'pending', nextAttemptAt: later(60_000) },
      );
      assert.deepEqual(await repos.webhooks.due(later(10), 10), [d2], 'waiting for its retry');
      assert.deepEqual(await repos.webhooks.due(later(60_000), 10), [d2, d1], 'oldest due first');
      assert.ok(await repos.webhooks.claim(d1, later(60_000), later(120_000)));
      assert.equal(await repos.webhooks.claim(d1, later(60_001), later(120_000)), null, 'claimed already');
      await repos.webhooks.recordAttempt(
        { id: newId(), deliveryId: d1, webhookId: hook.id, attemptedAt: later(60_000), statusCode: null, error: 'ECONNREFUSED', durationMs: 3 },
        { state: 'pending', nextAttemptAt: later(90_000) },
      );
      assert.ok(await repos.webhooks.claim(d1, later(90_000), later(120_000)));
      await repos.webhooks.recordAttempt(
        { id: newId(), deliveryId: d1, webhookId: hook.id, attemptedAt: later(90_000), statusCode: 204, error: null, durationMs: 40 },
        { state: 'delivered', nextAttemptAt: later(90_000) },
      );
      assert.equal(await repos.webhooks.claim(d1, later(200_000), later(300_000)), null, 'a delivered delivery is never claimed');
      assert.deepEqual(await repos.webhooks.due(later(200_000), 10), [d2]);

      const log = await repos.webhooks.deliveries(hook.id, 10);
      assert.deepEqual(
        log.map((d) => d.id),
        [d2, d1],
        'newest first',
      );
      const first = log[1]!;
      assert.equal(first.state, 'delivered');
      assert.equal(first.attemptCount, 3);
      assert.deepEqual(
        first.attempts.map((a) => [a.statusCode, a.error, a.durationMs, a.attemptedAt.toISOString()]),
        [
          [500, 'the receiver answered 500', 12, later(5).toISOString()],
          [null, 'ECONNREFUSED', 3, later(60_000).toISOString()],
          [204, null, 40, later(90_000).toISOString()],
        ],
      );
      assert.deepEqual(log[0]!.attempts, []);
      assert.equal((await repos.webhooks.deliveries(hook.id, 1)).length, 1);

      // Sending again: a finished delivery is pending once more with a fresh schedule (its log stays);
      // a pending one is not requeued.
      assert.equal(await repos.webhooks.requeue(d2, later(100_000)), false);
      assert.equal(await repos.webhooks.requeue('missing', later(100_000)), false);
      assert.equal(await repos.webhooks.requeue(d1, later(100_000)), true);
      const again = await repos.webhooks.getDelivery(d1);
      assert.equal(again?.state, 'pending');
      assert.equal(again?.attemptCount, 0);
      assert.deepEqual(await repos.webhooks.due(later(100_000), 10), [d2, d1]);
      assert.ok(await repos.webhooks.claim(d1, later(100_000), later(160_000)));
      await repos.webhooks.recordAttempt(
        { id: newId(), deliveryId: d1, webhookId: hook.id, attemptedAt: later(100_000), statusCode: 200, error: null, durationMs: 5 },
        { state: 'delivered', nextAttemptAt: later(100_000) },
      );
      const resent = (await repos.webhooks.deliveries(hook.id, 10)).find((d) => d.id === d1);
      assert.equal(resent?.attemptCount, 1);
      assert.equal(resent?.attempts.length, 4);

      // Pruning forgets finished deliveries older than the cut-off, never pending ones.
      assert.equal(await repos.webhooks.prune(t0), 0);
      assert.equal(await repos.webhooks.prune(later(200_000)), 1);
      assert.equal(await repos.webhooks.getDelivery(d1), null);
      assert.equal((await repos.webhooks.deliveries(hook.id, 10)).length, 1);

      // Deleting the webhook drops its outbox rows and their log; a late attempt is ignored.
      assert.ok(await repos.webhooks.getDelivery(d2));
      assert.equal(await repos.webhooks.delete(hook.id), true);
      assert.equal(await repos.webhooks.getDelivery(d2), null);
      assert.deepEqual(await repos.webhooks.due(later(200_000), 10), []);
      await repos.webhooks.recordAttempt(
        { id: newId(), deliveryId: d2, webhookId: hook.id, attemptedAt: later(5), statusCode: 200, error: null, durationMs: 1 },
        { state: 'delivered', nextAttemptAt: later(5) },
      );
      assert.deepEqual(await repos.webhooks.deliveries(hook.id, 10), []);
    });

    test('settings: get and putIfAbsent; racing writers agree on one value', async () => {
      const key = unique('secret.');
      assert.equal(await repos.settings.get(key), null);
      const second = await harness.open();
      let results: string[];
      try {
        results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 ? second : repos).settings.putIfAbsent(key, `value-${i}`)),
        );
      } finally {
        await second.close();
      }
      const stored = await repos.settings.get(key);
      assert.ok(stored && stored.startsWith('value-'));
      assert.deepEqual(new Set(results), new Set([stored]));
      assert.equal(await repos.settings.putIfAbsent(key, 'later'), stored);
    });

    test('settings: delete removes a key; deleting an absent key is harmless', async () => {
      const key = unique('legacy.');
      await repos.settings.putIfAbsent(key, 'v');
      await repos.settings.delete(key);
      assert.equal(await repos.settings.get(key), null);
      await repos.settings.delete(key);
      assert.equal(await repos.settings.putIfAbsent(key, 'w'), 'w', 'the key can be set again');
    });

    test('sessions: live until deleted or expired, seen by every connection; expired ones are swept', async () => {
      const now = new Date('2030-01-01T00:00:00Z');
      const later = (s: number) => new Date(now.getTime() + s * 1000);
      const live = { idHash: unique('s'), subject: 'tok1', createdAt: now, expiresAt: later(3600) };
      const old = { idHash: unique('s'), subject: 'tok2', createdAt: now, expiresAt: later(10) };
      await repos.sessions.create(live);
      await repos.sessions.create(old);
      assert.deepEqual(await repos.sessions.getLive(live.idHash, now), live);
      assert.equal(await repos.sessions.getLive(old.idHash, later(10)), null, 'expired at its expiry instant');
      assert.equal(await repos.sessions.getLive(unique('s'), now), null);
      assert.ok((await repos.sessions.deleteExpired(later(20))) >= 1);
      assert.equal(await repos.sessions.getLive(old.idHash, now), null, 'swept');
      const second = await harness.open();
      try {
        assert.equal((await second.sessions.getLive(live.idHash, now))?.subject, 'tok1');
        assert.equal(await second.sessions.delete(live.idHash), true);
        assert.equal(await repos.sessions.getLive(live.idHash, now), null, 'ended for every connection');
        assert.equal(await repos.sessions.delete(live.idHash), false);
      } finally {
        await second.close();
      }
    });

    test('settings: put replaces; deleteIfValue deletes for exactly one of racing callers', async () => {
      const key = unique('once.');
      await repos.settings.put(key, 'a');
      await repos.settings.put(key, 'b');
      assert.equal(await repos.settings.get(key), 'b');
      assert.equal(await repos.settings.deleteIfValue(key, 'a'), false, 'a value no longer stored is not deleted');
      assert.equal(await repos.settings.get(key), 'b');
      const second = await harness.open();
      let results: boolean[];
      try {
        results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? second : repos).settings.deleteIfValue(key, 'b')));
      } finally {
        await second.close();
      }
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await repos.settings.get(key), null);
    });

    test('transaction: commits together, rolls back together', async () => {
      const app = await newApp();
      const committed = await repos.transaction(async (tx) => {
        const r = await tx.releases.create(releaseInput(app.id));
        await tx.counters.increment(r.id, 'page_view', 2);
        return r;
      });
      assert.equal((await repos.counters.get(committed.id)).pageViews, 2);

      let rolledBackId = '';
      await assert.rejects(
        repos.transaction(async (tx) => {
          const r = await tx.releases.create(releaseInput(app.id));
          rolledBackId = r.id;
          await tx.apps.update(app.id, { name: 'inside' });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.ok(rolledBackId);
      assert.equal(await repos.releases.get(rolledBackId), null);
      assert.equal((await repos.apps.get(app.id))?.name, 'App');
    });

    test('blob intents: recorded once, stale after their time, claimed by one instance, forgotten with the release transaction', async () => {
      const t0 = new Date('2030-01-01T00:00:00Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const a = `releases/${unique('intent')}/`;
      const b = `releases/${unique('intent')}/`;
      await repos.blobIntents.record(a, t0);
      await repos.blobIntents.record(a, at(50_000)); // a retry keeps the first time
      await repos.blobIntents.record(b, at(10_000));
      assert.ok((await repos.blobIntents.prefixes()).includes(a));
      const stale = (await repos.blobIntents.stale(at(5_000), at(5_000), 100)).filter((i) => i.prefix === a || i.prefix === b);
      assert.deepEqual(stale.map((i) => [i.prefix, i.createdAt.toISOString()]), [[a, t0.toISOString()]], 'only a is older than the cutoff');

      // Two instances race to claim the stale intent: exactly one wins; the claim hides it until it lapses.
      const second = await harness.open();
      try {
        const claims = await Promise.all([
          repos.blobIntents.claim(a, at(5_000), at(5_000), at(65_000)),
          second.blobIntents.claim(a, at(5_000), at(5_000), at(65_000)),
        ]);
        assert.deepEqual(claims.filter(Boolean).length, 1);
      } finally {
        await second.close();
      }
      assert.equal((await repos.blobIntents.stale(at(5_000), at(6_000), 100)).some((i) => i.prefix === a), false);
      assert.equal(await repos.blobIntents.claim(b, at(5_000), at(6_000), at(66_000)), false, 'a fresh intent cannot be claimed');
      assert.equal(await repos.blobIntents.claim(a, at(5_000), at(70_000), at(130_000)), true, 'a lapsed claim can be taken over');

      // Forgotten inside a transaction that rolls back: still there; committed: gone.
      await assert.rejects(
        repos.transaction(async (tx) => {
          await tx.blobIntents.forget(b);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.ok((await repos.blobIntents.prefixes()).includes(b));
      await repos.transaction((tx) => tx.blobIntents.forget(b));
      await repos.blobIntents.forget(a);
      const left = await repos.blobIntents.prefixes();
      assert.equal(left.includes(a) || left.includes(b), false);
    });

    test('upload locks: one holder at a time, across handles; lapsed leases are taken over; release on request', async () => {
      const id = unique('up');
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      await repos.uploadLocks.register({ uploadId: id, ownerTokenId: 'tok-a', size: 5 * 1024 ** 3, createdAt: t0 });
      // Two handles on one database stand for two instances (SQLite file / PostgreSQL database).
      const other = await harness.open();
      try {
        const results = await Promise.all([
          repos.uploadLocks.acquire(id, 'h1', at(0), at(15)),
          other.uploadLocks.acquire(id, 'h2', at(0), at(15)),
        ]);
        assert.deepEqual(results.filter(Boolean).length, 1, 'exactly one of two racing holders wins');
        const [winner, loser, loserRepos] = results[0] ? ['h1', 'h2', other] as const : ['h2', 'h1', repos] as const;
        assert.equal(await loserRepos.uploadLocks.acquire(id, loser, at(14), at(29)), false, 'held until the lease lapses');
        assert.equal(await loserRepos.uploadLocks.renew(id, loser, at(30)), null, 'only the holder renews');
        assert.deepEqual(await repos.uploadLocks.renew(id, winner, at(30)), { releaseRequested: false });
        await loserRepos.uploadLocks.requestRelease(id);
        assert.deepEqual(await repos.uploadLocks.renew(id, winner, at(30)), { releaseRequested: true });
        await loserRepos.uploadLocks.release(id, loser); // not the holder: nothing happens
        assert.equal(await loserRepos.uploadLocks.acquire(id, loser, at(20), at(35)), false);
        await repos.uploadLocks.release(id, winner);
        assert.equal(await loserRepos.uploadLocks.acquire(id, loser, at(20), at(35)), true, 'free once released');
        assert.deepEqual(await loserRepos.uploadLocks.renew(id, loser, at(40)), { releaseRequested: false }, 'a new lease starts unasked');
        // The holder crashed: its lease lapses and another takes over.
        assert.equal(await repos.uploadLocks.acquire(id, 'h3', at(39), at(60)), false);
        assert.equal(await repos.uploadLocks.acquire(id, 'h3', at(40), at(60)), true);
        assert.equal(await loserRepos.uploadLocks.renew(id, loser, at(70)), null, 'the old holder learns it lost the lease');
      } finally {
        await other.close();
      }
      // An upload with no record (started before records existed) gets one when first locked.
      const legacy = unique('up');
      assert.equal(await repos.uploadLocks.acquire(legacy, 'h', at(0), at(15)), true);
      assert.equal(await repos.uploadLocks.acquire(legacy, 'h2', at(1), at(15)), false);
    });

    test('bundle jobs: claimed once across instances, lapsed leases taken over, the old holder cannot finish; attachApk makes the APK the package', async () => {
      const app = await repos.apps.create({ platform: 'android', bundleId: unique('com.example.aab'), name: 'A', isPublic: false });
      const release = await repos.releases.create({
        ...releaseInput(app.id),
        bundle: {
          key: 'releases/x/package.aab',
          size: 10,
          sha256: 'b'.repeat(64),
          info: { kind: 'aab', bundleId: app.bundleId, version: '1', build: '7', name: 'A', minOsVersion: '24', targetSdk: '34', icon: null, modules: ['base'], abis: [], size: 10 },
          apkReady: false,
        },
      });
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      await repos.bundleJobs.create(release.id, t0);
      assert.equal((await repos.bundleJobs.get(release.id))?.state, 'queued');
      const other = await harness.open();
      try {
        const claims = await Promise.all([repos.bundleJobs.claimNext('h1', at(1), at(60)), other.bundleJobs.claimNext('h2', at(1), at(60))]);
        const won = claims.filter((c) => c?.releaseId === release.id);
        assert.equal(won.length, 1, 'exactly one of two racing instances claims the job');
        const holder = won[0]!.holder!;
        assert.equal(won[0]!.attempts, 1);
        assert.equal(won[0]!.state, 'running');
        assert.equal(await repos.bundleJobs.claimNext('h3', at(30), at(90)), null, 'a live lease keeps it');
        assert.equal(await repos.bundleJobs.renew(release.id, holder, at(70)), true);
        assert.equal(await repos.bundleJobs.renew(release.id, 'h3', at(70)), false, 'only the holder renews');
        // The holder died: once its lease lapsed, another instance takes the job over.
        const taken = await other.bundleJobs.claimNext('h3', at(70), at(130));
        assert.equal(taken?.releaseId, release.id);
        assert.equal(taken?.attempts, 2);
        assert.equal(await repos.bundleJobs.finish(release.id, holder, { state: 'done', error: null, at: at(71) }), false, 'the old holder cannot finish it');
        assert.equal(await repos.bundleJobs.finish(release.id, 'h3', { state: 'failed', error: 'why', at: at(72) }), true);
        const failed = await repos.bundleJobs.get(release.id);
        assert.deepEqual([failed?.state, failed?.error, failed?.holder, failed?.leaseUntil], ['failed', 'why', null, null]);
        assert.equal(await repos.bundleJobs.claimNext('h4', at(200), at(260)), null, 'a failed job is not claimed again');
      } finally {
        await other.close();
      }
      const apkInfo = { ...sampleInfo('A', '7'), kind: 'apk' as const, targetSdk: '34', signatureSchemes: [2, 3], extensions: [], profile: null };
      const ready = await repos.releases.attachApk(release.id, { packageKey: `releases/${release.id}/package-2.apk`, size: 99, sha256: 'c'.repeat(64), info: apkInfo, signer: 'generated' });
      assert.equal(ready?.packageKey, `releases/${release.id}/package-2.apk`);
      assert.deepEqual([ready?.size, ready?.sha256, ready?.bundle?.apkReady, ready?.bundle?.signer, ready?.bundle?.size], [99, 'c'.repeat(64), true, 'generated', 10]);
      assert.ok((await repos.releases.allBlobKeys()).includes('releases/x/package.aab'), 'the bundle is a referenced blob');
      const hashes = (await repos.releases.packageHashes()).filter((h) => h.releaseId === release.id);
      assert.deepEqual(hashes.map((h) => [h.packageKey, h.sha256]).sort(), [
        [`releases/${release.id}/package-2.apk`, 'c'.repeat(64)],
        ['releases/x/package.aab', 'b'.repeat(64)],
      ]);
      assert.equal(await repos.releases.attachApk(release.id, { packageKey: 'k', size: 1, sha256: 'd'.repeat(64), info: apkInfo, signer: 'generated' }), null, 'a second attach changes nothing');
      // Deleting the release takes its job with it.
      await repos.releases.delete(release.id);
      assert.equal(await repos.bundleJobs.get(release.id), null);
    });

    test('signing keys: putIfAbsent keeps the first of racing writers, put replaces, delete forgets', async () => {
      const app = await repos.apps.create({ platform: 'android', bundleId: unique('com.example.key'), name: 'K', isPublic: false });
      const key = (origin: 'generated' | 'uploaded', tag: string) => ({
        appId: app.id, origin, keystore: `v1.${tag}`, storePassword: 'v1.s', keyPassword: 'v1.k', alias: 'a', certificateSha256: tag, createdAt: new Date('2030-01-01T00:00:00.000Z'),
      });
      const other = await harness.open();
      try {
        const [x, y] = await Promise.all([repos.signingKeys.putIfAbsent(key('generated', 'one')), other.signingKeys.putIfAbsent(key('generated', 'two'))]);
        assert.equal(x.keystore, y.keystore, 'racing instances agree on one key');
      } finally {
        await other.close();
      }
      await repos.signingKeys.put(key('uploaded', 'three'));
      const got = await repos.signingKeys.get(app.id);
      assert.deepEqual([got?.origin, got?.keystore, got?.certificateSha256], ['uploaded', 'v1.three', 'three']);
      assert.equal(await repos.signingKeys.delete(app.id), true);
      assert.equal(await repos.signingKeys.get(app.id), null);
    });

    test('upload locks: per-token usage (count, declared bytes) and forgetting', async () => {
      const owner = unique('tok');
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      assert.deepEqual(await repos.uploadLocks.usage(owner), { count: 0, bytes: 0 });
      const ids = [unique('up'), unique('up'), unique('up')];
      await repos.uploadLocks.register({ uploadId: ids[0]!, ownerTokenId: owner, size: 5 * 1024 ** 3, createdAt: t0 });
      await repos.uploadLocks.register({ uploadId: ids[1]!, ownerTokenId: owner, size: null, createdAt: new Date(t0.getTime() + 3600_000) });
      await repos.uploadLocks.register({ uploadId: ids[2]!, ownerTokenId: unique('tok'), size: 7, createdAt: t0 });
      await repos.uploadLocks.register({ uploadId: ids[0]!, ownerTokenId: 'someone-else', size: 1, createdAt: t0 }); // kept as first registered
      assert.deepEqual(await repos.uploadLocks.usage(owner), { count: 2, bytes: 5 * 1024 ** 3 });
      await repos.uploadLocks.setSize(ids[1]!, 100);
      assert.deepEqual(await repos.uploadLocks.usage(owner), { count: 2, bytes: 5 * 1024 ** 3 + 100 });
      await repos.uploadLocks.remove(ids[0]!);
      assert.deepEqual(await repos.uploadLocks.usage(owner), { count: 1, bytes: 100 });
      assert.ok((await repos.uploadLocks.prune(new Date(t0.getTime() + 1000))) >= 1, 'the old record of the other token is pruned');
      assert.deepEqual(await repos.uploadLocks.usage(owner), { count: 1, bytes: 100 }, 'a newer one stays');
    });

    test('opening an already-migrated database again works and keeps the data', async () => {
      const app = await newApp();
      const again = await harness.open();
      try {
        assert.equal((await again.apps.get(app.id))?.id, app.id);
      } finally {
        await again.close();
      }
    });
  });
}
