// Every route that changes something declares what the audit log records for it (config.audit, see
// src/server/audit.ts), or says why it records nothing. A route added later without either fails
// here, so nobody adds a state-changing route the log does not know about.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { registeredRoutes } from '../../src/server/build.js';
import type { AuditExempt, RouteAudit } from '../../src/server/audit.js';
import { ACTION_PATTERN } from '../../src/services/audit.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ conformance: false });
});
after(async () => srv?.stop());

function auditOf(config: unknown): RouteAudit | AuditExempt | undefined {
  return (config as { audit?: RouteAudit | AuditExempt } | undefined)?.audit;
}

test('every POST, PUT, PATCH and DELETE route declares an audit action or why it has none', () => {
  const routes = registeredRoutes(srv.server.app);
  const mutating = routes.filter((r) => MUTATING.has(r.method));
  assert.ok(mutating.length > 30, `only ${mutating.length} state-changing routes were seen`);
  const undeclared = mutating.filter((r) => auditOf(r.config) === undefined).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(undeclared, [], `add config: { audit: { action, target } } (or { exempt: 'why' }) to: ${undeclared.join(', ')}`);
});

test('declarations are well formed: dotted action names, known target kinds, real reasons', async () => {
  for (const r of registeredRoutes(srv.server.app)) {
    const audit = auditOf(r.config);
    if (!audit) continue;
    const key = `${r.method} ${r.url}`;
    if ('exempt' in audit) {
      assert.ok(typeof audit.exempt === 'string' && audit.exempt.length >= 20, `${key}: say why it records nothing`);
      continue;
    }
    assert.match(audit.action, ACTION_PATTERN, key);
    if (audit.target) {
      // A kind the service cannot describe would leave entries without a label or an app.
      const facts = await srv.services.audit.describe(audit.target.type, '01aaaaaaaaaaaaaaaaaaaaaaaa');
      assert.deepEqual(facts, { label: null, appId: null }, key);
      assert.ok(srv.services.audit.describes(audit.target.type), `${key}: services/audit.ts does not describe "${audit.target.type}" targets`);
    }
  }
});
