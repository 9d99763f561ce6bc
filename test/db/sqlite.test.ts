import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRepositories } from '../../src/db/open.js';
import { repositoriesConformance } from './repositories.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'otaship-sqlite-'));
const file = join(dir, 'nested', 'otaship.db');

repositoriesConformance('SQLite (temp file)', {
  open: () => openRepositories(`sqlite:${file}`),
  dispose: async () => rmSync(dir, { recursive: true, force: true }),
});

test('SQLite: a plain path works and parallel opens of a fresh file both migrate', async () => {
  const d = mkdtempSync(join(tmpdir(), 'otaship-sqlite-race-'));
  try {
    const path = join(d, 'race.db');
    const [a, b] = await Promise.all([openRepositories(path), openRepositories(path)]);
    const app = await a.apps.create({ platform: 'ios', bundleId: 'com.example.race', name: 'R', isPublic: false });
    assert.equal((await b.apps.get(app.id))?.name, 'R');
    await Promise.all([a.close(), b.close()]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
