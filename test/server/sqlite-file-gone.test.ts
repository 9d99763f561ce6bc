// The SQLite file deleted or moved away while the server runs: the server keeps a handle on the old
// file, so writes would vanish at the next restart. Every query is refused with 503 naming the file
// and what to do, readiness fails, and once the file is back the server serves again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';

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
