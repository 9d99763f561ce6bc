import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
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

test('SQLite: four processes opening a fresh file at once all migrate and agree on settings', { timeout: 120_000 }, async () => {
  const d = mkdtempSync(join(tmpdir(), 'otaship-sqlite-procs-'));
  try {
    const path = join(d, 'shared.db');
    // Every child loads the code first, then waits for a common start time, so the opens overlap.
    const startAt = Date.now() + 4000;
    const script = (i: number) =>
      `const { openRepositories } = await import(${JSON.stringify(new URL('../../src/db/open.ts', import.meta.url).href)});` +
      `await import('better-sqlite3');` +
      `while (Date.now() < ${startAt}) await new Promise((r) => setTimeout(r, 1));` +
      `const r = await openRepositories(${JSON.stringify(path)});` +
      `process.stdout.write(await r.settings.putIfAbsent('signing-key', 'from-${i}'));` +
      `await r.close();`;
    const runs = await Promise.all(
      [1, 2, 3, 4].map(
        (i) =>
          new Promise<{ code: number; out: string; err: string }>((resolve) => {
            execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(i)], { encoding: 'utf8' }, (error, out, err) =>
              resolve({ code: error ? 1 : 0, out, err }),
            );
          }),
      ),
    );
    for (const run of runs) assert.equal(run.code, 0, run.err);
    const values = new Set(runs.map((r) => r.out));
    assert.equal(values.size, 1, `all processes agree: ${[...values].join(', ')}`);
    assert.match([...values][0] ?? '', /^from-[1-4]$/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
