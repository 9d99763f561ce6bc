// The stage of the team browser tests: a server with one published iOS build, and one browser with
// an admin (desktop) and a tester (iPhone) page whose console and page errors are collected.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, desktop, iphone, launchBrowser } from './browser.js';
import { startTestServer, type TestServer } from './server.js';
import { buildIpa } from './synthetic-ipa.js';

export interface BrowserStage {
  srv: TestServer;
  appId: string;
  browser: Browser;
  admin: Page;
  tester: Page;
  adminErrors: string[];
  testerErrors: string[];
  stop(): Promise<void>;
}

export async function adminAndTester(build: { bundleId: string; displayName: string; notes?: string }): Promise<BrowserStage> {
  const srv = await startTestServer();
  const query = build.notes ? `?notes=${encodeURIComponent(build.notes)}` : '';
  const res = await fetch(`${srv.baseUrl}/api/v1/releases${query}`, {
    method: 'POST',
    headers: srv.auth({ 'content-type': 'application/octet-stream' }),
    body: new Uint8Array(await readFile(await buildIpa({ bundleId: build.bundleId, displayName: build.displayName }))),
  });
  assert.equal(res.status, 201);
  const appId = ((await res.json()) as { app: { id: string } }).app.id;
  const browser = await launchBrowser();
  const admin = await (await browser.newContext(desktop())).newPage();
  const tester = await (await browser.newContext(iphone())).newPage();
  admin.on('dialog', (d) => void d.accept());
  return {
    srv,
    appId,
    browser,
    admin,
    tester,
    adminErrors: collectErrors(admin),
    testerErrors: collectErrors(tester),
    async stop() {
      await browser.close();
      await srv.stop();
    },
  };
}
