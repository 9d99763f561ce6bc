// The audit log's retention setting: a year by default, 0 keeps entries for ever, a mistake is a
// CONFIG error naming the variable; documented with the other settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadConfig, SETTINGS } from '../../src/config/index.js';
import { OtashipError } from '../../src/core/errors.js';

test('OTASHIP_AUDIT_RETENTION_DAYS: 365 by default, any whole number, 0 for ever, nonsense refused', async () => {
  assert.equal(loadConfig({ env: {} }).auditRetentionDays, 365);
  assert.equal(loadConfig({ env: { OTASHIP_AUDIT_RETENTION_DAYS: '30' } }).auditRetentionDays, 30);
  assert.equal(loadConfig({ env: { OTASHIP_AUDIT_RETENTION_DAYS: '0' } }).auditRetentionDays, 0);
  assert.equal(loadConfig({ env: {}, overrides: { auditRetentionDays: 90 } }).auditRetentionDays, 90);
  for (const bad of ['-1', '1y', 'forever']) {
    assert.throws(
      () => loadConfig({ env: { OTASHIP_AUDIT_RETENTION_DAYS: bad } }),
      (err: unknown) => err instanceof OtashipError && err.code === 'CONFIG' && /OTASHIP_AUDIT_RETENTION_DAYS/.test(err.message),
      bad,
    );
  }
  assert.equal(SETTINGS.auditRetentionDays, 'OTASHIP_AUDIT_RETENTION_DAYS');
  assert.match(await readFile('docs/server.md', 'utf8'), /OTASHIP_AUDIT_RETENTION_DAYS/);
});
