// A server process killed (SIGKILL) in the middle of a resumable upload's PATCH, on fs storage and
// SQLite: the bytes it had flushed and recorded (a marker part named for their range) survive, and
// the upload resumes from exactly there (the scenario: crash-mid-patch.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNC_EVERY } from '../../src/ports/blob-store.js';
import { crashMidPatch, type Served } from './crash-mid-patch.js';
import { cliCommand } from './instances.js';

let dataDir: string;
let running: Served | undefined;
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otaship-crash-'));
});
after(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a server killed in the middle of a PATCH', () => {
  test(`keeps what it had recorded; the upload resumes from there (${cliCommand().fromSource ? 'from source' : 'bin/otaship'})`, { timeout: 180_000 }, async () => {
    await crashMidPatch(
      {
        dataDir,
        env: {},
        // The end of the recorded bytes, from the marker parts' names.
        stored: async (id) => {
          const names = await readdir(join(dataDir, 'blobs', 'uploads', id)).catch(() => [] as string[]);
          const ends = names.map((n) => /^part-(\d{16})-(\d{16})-/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]) + Number(m[2]));
          return Math.max(0, ...ends);
        },
        expectStored: (seen, sent) => assert.ok(seen >= SYNC_EVERY && seen <= sent, `recorded ${seen} of the ${sent} bytes sent`),
        checkStoredBytes: async (id, offset, file) => {
          const handle = await open(join(dataDir, 'blobs', 'uploads', id, 'data'), 'r');
          try {
            const head = Buffer.alloc(offset);
            await handle.read(head, 0, offset, 0);
            assert.ok(head.equals(file.subarray(0, offset)), "and those bytes are the file's");
          } finally {
            await handle.close();
          }
        },
      },
      (served) => (running = served),
    );
  });
});
