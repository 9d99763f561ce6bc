// When the audit entry cannot be written (here: its table is gone), the action that already happened
// is answered as done, not as failed (a client would retry a publish or deletion), and the whole
// entry goes to the server log at error level, so it is not lost silently.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freePort } from '../helpers/free-port.js';

let dir: string;
let server: RunningServer;
let baseUrl: string;
const adminToken = `admin-${randomBytes(18).toString('base64url')}`;
const lines: Array<Record<string, unknown>> = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otaship-audit-fail-'));
  const port = await freePort();
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}`, dataDir: dir, adminToken } });
  server = await startServer(config, {
    logger: { level: 'error', stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
  });
  baseUrl = server.listenUrl;
});
after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function createGroup(name: string): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/groups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
}

test('a failed audit insert keeps the action done and logs the entry at error level', async () => {
  const db = new Database(join(dir, 'otaship.db'));
  try {
    db.exec('alter table audit_log rename to audit_log_away');
    const res = await createGroup('Made while the log was away');
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    assert.equal((await server.services.repos.people.getGroup(id))?.name, 'Made while the log was away');
    const logged = lines.find((l) => l.msg === 'the audit entry could not be written; it is in this log line instead');
    assert.ok(logged, `no error line in ${JSON.stringify(lines).slice(0, 500)}`);
    assert.equal(logged.level, 50);
    const entry = logged.audit as { action: string; target: { id: string; label: string }; actor: { label: string } };
    assert.deepEqual([entry.action, entry.target.id, entry.target.label, entry.actor.label], ['group.create', id, 'Made while the log was away', 'admin token']);
  } finally {
    db.exec('alter table audit_log_away rename to audit_log');
    db.close();
  }
  assert.equal((await createGroup('After')).status, 201);
  const page = await server.services.audit.list({ tokenId: 'bootstrap', name: 'admin', admin: true, appId: null, via: 'bearer' }, { action: 'group.create' });
  assert.deepEqual(page.items.map((e) => e.targetLabel), ['After']);
});
