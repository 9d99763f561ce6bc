// Publishing a package file through the API as CI does (a raw body), for tests that need a release.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { TestServer } from '../../helpers/server.js';

export interface Published {
  downloadUrl: string;
  /** The package's size in bytes. */
  bytes: number;
}

/** POSTs the file to /api/v1/releases with the admin token; asserts 201. */
export async function publishFile(srv: TestServer, path: string): Promise<Published> {
  const body = await readFile(path);
  const res = await fetch(`${srv.baseUrl}/api/v1/releases`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { downloadUrl } = (await res.json()) as { downloadUrl: string };
  return { downloadUrl, bytes: body.length };
}
