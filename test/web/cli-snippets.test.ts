// The admin's "Publish from a build machine" snippets: the server's own URL, escaped like any text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAdminTokensPage } from '../../src/web/index.js';
import { parseHtml } from './dom.js';
import { NOW } from './fixtures.js';

const base = { user: { name: 'admin', admin: true }, tokens: [], apps: [], now: NOW };

test('tokens page: copyable commands with the server URL; none without a URL', () => {
  const out = renderAdminTokensPage({ ...base, publicUrl: 'https://ota.example.com/"><script>x</script>/' }).value;
  assert.ok(!out.includes('<script>x'));
  const dom = parseHtml(out);
  const text = dom.text(dom.byId('cli-snippets')!);
  assert.ok(text.includes('npx -y https://ota.example.com/"><script>x</script>/cli/otaship.tgz publish'), text);
  assert.ok(text.includes('/cli/otaship.mjs'));
  const copy = dom.byTag('button').filter((b) => dom.attr(b, 'data-action') === 'copy');
  assert.equal(copy.length, 3);
  assert.equal(renderAdminTokensPage(base).value.includes('cli-snippets'), false);
});
