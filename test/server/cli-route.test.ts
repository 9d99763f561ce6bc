// /cli/* on a server installed without the bundles: a 404 that says how to build them, and once built,
// served without a restart (a failed read is not remembered). Real fastify on a socket, the real
// error edge; only the bundle folder is a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastify from 'fastify';
import { cliRoutes } from '../../src/server/routes/cli.js';
import { installErrorEdge } from '../../src/server/error-edge.js';
import type { ServerDeps } from '../../src/server/deps.js';

test('not built: 404 naming `npm run build`; built afterwards: served', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'otaship-cli-route-'));
  const app = fastify();
  installErrorEdge(app, () => '<p>error</p>');
  await app.register((scope) => cliRoutes(scope, {} as ServerDeps, dir));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const missing = await fetch(`${base}/cli/otaship.mjs`, { headers: { accept: 'application/json' } });
    assert.equal(missing.status, 404);
    const body = (await missing.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.match(body.error.message, /without its standalone CLI .*npm run build/);

    await writeFile(join(dir, 'otaship.mjs'), '#!/usr/bin/env node\nconsole.log(1);\n');
    const served = await fetch(`${base}/cli/otaship.mjs`);
    assert.equal(served.status, 200);
    assert.equal(await served.text(), '#!/usr/bin/env node\nconsole.log(1);\n');
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
