// docs/reference/api.md is generated from the server's OpenAPI document and committed (the docs site
// builds without a server): it must be what the current sources give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { API_REFERENCE, apiDocument, renderApiReference } from '../../scripts/gen-api-docs.mjs';

test('docs/reference/api.md is up to date with the routes’ schemas (run `node --import tsx scripts/gen-api-docs.mjs`)', async () => {
  const doc = await apiDocument();
  assert.equal(await readFile(API_REFERENCE, 'utf8'), renderApiReference(doc));
});

test('the reference covers every operation of the document and every named schema', async () => {
  const doc = await apiDocument();
  const page = renderApiReference(doc);
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item).filter((m) => m !== 'head')) {
      assert.ok(page.includes(`\n### \`${method.toUpperCase()} ${path}\`\n`), `${method.toUpperCase()} ${path}`);
    }
  }
  for (const name of Object.keys((doc.components as { schemas: object }).schemas)) assert.ok(page.includes(`\n### ${name}\n`), name);
});
