// The SQLite file deleted or moved away while the server runs: the server keeps a handle on the old
// file, so writes would vanish at the next restart. Every query is refused with 503 naming the file
// and what to do, readiness fails, and once the file is back the server serves again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { logLines, startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';
import { publishFile } from './support/publish.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ conformance: false });
});
after(() => srv?.stop());

test('the database file moved away: 503 naming the file, readiness fails; back in place: served again', async () => {
  const file = join(srv.dataDir, 'otaship.db');
  const apps = () => fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() });
  assert.equal((await apps()).status, 200);
  await rename(file, `${file}.moved`);
  try {
    const res = await apps();
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.equal(body.error.code, 'UNAVAILABLE');
    assert.match(body.error.message, /otaship\.db was removed while the server was running.*restart the server/);
    const ready = await fetch(`${srv.baseUrl}/api/v1/ready`);
    assert.equal(ready.status, 503);
    // A publish is refused too: nothing is written where it would be lost.
    const publish = await fetch(`${srv.baseUrl}/api/v1/groups`, {
      method: 'POST',
      headers: srv.auth({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'lost' }),
    });
    assert.equal(publish.status, 503);
  } finally {
    await rename(`${file}.moved`, file);
  }
  assert.equal((await apps()).status, 200);
  const groups = (await (await fetch(`${srv.baseUrl}/api/v1/groups`, { headers: srv.auth() })).json()) as { items: Array<{ name: string }> };
  assert.ok(!groups.items.some((g) => g.name === 'lost'), 'nothing was written while the file was away');
});

test('a file put in its place (another inode) is not written to either', async () => {
  const file = join(srv.dataDir, 'otaship.db');
  await rename(file, `${file}.orig`);
  await copyFile(`${file}.orig`, file);
  try {
    const res = await fetch(`${srv.baseUrl}/api/v1/apps`, { headers: srv.auth() });
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /was replaced/);
  } finally {
    await rename(`${file}.orig`, file);
  }
});

test('a server started on a new database beside a storage that holds releases warns: error log and /api/v1/health', async () => {
  const first = await startTestServer({ conformance: false });
  const dataDir = first.dataDir;
  const ipa = await buildIpa({ bundleId: 'com.example.lostdb' });
  await publishFile(first, ipa);
  const health = async (s: TestServer) => ((await (await fetch(`${s.baseUrl}/api/v1/health`)).json()) as { warnings: string[] }).warnings;
  assert.deepEqual((await health(first)).filter((w) => w.includes('holds no app')), [], 'no warning while the database has its apps');
  // Keep the data folder: start a second server on it with a database elsewhere (as if the file was lost).
  const lines: Array<Record<string, unknown>> = [];
  const second = await startTestServer({
    settings: { dataDir, databaseUrl: join(dataDir, 'elsewhere.db') },
    logger: logLines(lines),
    conformance: false,
  });
  try {
    await waitFor(async () => (await health(second)).some((w) => w.includes('the database holds no app')));
    const warning = (await health(second)).find((w) => w.includes('holds no app')) ?? '';
    assert.match(warning, /storage holds releases \(releases\/.*\).*Restore it \(otaship restore\)/);
    assert.ok(lines.some((l) => l.level === 50 && String(l.msg).includes('the database holds no app')));
  } finally {
    await second.stop();
    await first.stop();
  }
});
