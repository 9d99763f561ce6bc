// The record cache in front of the database (db/record-cache.ts): the full repository contract still
// holds behind it, one instance reads its own writes at once, another instance's writes show within
// the TTL, misses are not remembered, and a read that raced a write is not kept.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openRepositories } from '../../src/db/open.js';
import { withRecordCache } from '../../src/db/record-cache.js';
import type { ReleaseRecord, Repositories } from '../../src/ports/repositories.js';
import { repositoriesConformance, sampleInfo } from './repositories.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-record-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

repositoriesConformance('SQLite behind the record cache', {
  open: async () => withRecordCache(await openRepositories(`sqlite:${join(dir, 'conformance.db')}`)),
  dispose: async () => undefined,
});

/** Two "instances" on one database file, each with its own cache and a clock the test moves. */
async function twoInstances(file: string): Promise<{ a: Repositories; b: Repositories; advance: (ms: number) => void; close: () => Promise<void> }> {
  let now = 1_000_000;
  const clock = () => now;
  const rawA = await openRepositories(`sqlite:${join(dir, file)}`);
  const rawB = await openRepositories(`sqlite:${join(dir, file)}`);
  return {
    a: withRecordCache(rawA, 1000, clock),
    b: withRecordCache(rawB, 1000, clock),
    advance: (ms) => (now += ms),
    close: async () => {
      await rawA.close();
      await rawB.close();
    },
  };
}

async function newRelease(repos: Repositories, name: string): Promise<ReleaseRecord> {
  const app = await repos.apps.create({ platform: 'ios', bundleId: `com.example.${name}`, name, isPublic: false });
  return repos.releases.create({
    appId: app.id,
    version: '1.0',
    build: '1',
    name,
    notes: 'first',
    isPublic: null,
    size: 123,
    sha256: 'a'.repeat(64),
    packageKey: `packages/${name}.ipa`,
    iconKey: null,
    icon57Key: null,
    icon512Key: null,
    info: sampleInfo(name, '1'),
  });
}

describe('record cache', () => {
  test('own writes are read at once; another instance sees them within the TTL, not before', async () => {
    const { a, b, advance, close } = await twoInstances('two.db');
    try {
      const r = await newRelease(a, 'twoinst');
      assert.equal((await b.releases.get(r.id))?.notes, 'first'); // B caches it now
      await a.releases.update(r.id, { notes: 'second' });
      assert.equal((await a.releases.get(r.id))?.notes, 'second');
      assert.equal((await b.releases.get(r.id))?.notes, 'first', 'B still within its TTL');
      advance(1001);
      assert.equal((await b.releases.get(r.id))?.notes, 'second');
      await a.releases.delete(r.id);
      assert.equal(await a.releases.get(r.id), null);
      advance(1001);
      assert.equal(await b.releases.get(r.id), null);
    } finally {
      await close();
    }
  });

  test('a miss is not remembered: a release created elsewhere is found at once', async () => {
    const { a, b, close } = await twoInstances('miss.db');
    try {
      const app = await a.apps.create({ platform: 'ios', bundleId: 'com.example.miss', name: 'M', isPublic: false });
      assert.equal(await b.apps.get('01zzzzzzzzzzzzzzzzzzzzzzzz'), null);
      const made = await a.apps.create({ id: '01zzzzzzzzzzzzzzzzzzzzzzzz', platform: 'ios', bundleId: 'com.example.miss2', name: 'M2', isPublic: false });
      assert.equal((await b.apps.get(made.id))?.name, 'M2');
      assert.ok(await b.apps.get(app.id));
    } finally {
      await close();
    }
  });

  test('cached records are frozen, nested objects included', async () => {
    const { a, close } = await twoInstances('frozen.db');
    try {
      const r = await newRelease(a, 'frozen');
      const cached = (await a.releases.get(r.id))!;
      assert.throws(() => {
        (cached as { notes: string }).notes = 'changed';
      }, TypeError);
      assert.throws(() => {
        (cached.info as { name: string }).name = 'changed';
      }, TypeError);
      assert.equal((await a.releases.get(r.id))?.notes, 'first');
    } finally {
      await close();
    }
  });

  test('a read that overlaps a write is not kept, and a transaction empties the cache', async () => {
    const raw = await openRepositories(`sqlite:${join(dir, 'race.db')}`);
    let gate: Promise<void> | null = null;
    // The real repositories, with reads of releases held at a gate the test opens.
    const slow: Repositories = {
      ...raw,
      releases: {
        ...raw.releases,
        get: async (id) => {
          const value = await raw.releases.get(id);
          if (gate) await gate;
          return value;
        },
      },
    };
    const repos = withRecordCache(slow, 60_000);
    try {
      const r = await newRelease(repos, 'race');
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      const stale = repos.releases.get(r.id); // reads "first", then waits at the gate
      await new Promise((resolve) => setTimeout(resolve, 20));
      await repos.releases.update(r.id, { notes: 'second' });
      open();
      assert.equal((await stale)?.notes, 'first');
      gate = null;
      assert.equal((await repos.releases.get(r.id))?.notes, 'second', 'the raced read must not have been cached');
      await repos.transaction(async (tx) => {
        await tx.releases.update(r.id, { notes: 'third' });
      });
      assert.equal((await repos.releases.get(r.id))?.notes, 'third');
    } finally {
      await raw.close();
    }
  });
});
