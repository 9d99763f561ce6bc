// Reference bombs against a real server: a ~400-byte binary plist whose arrays each hold the
// previous one twice (2^60 values once expanded), POSTed inside a CMS body to the unauthenticated
// device callback and uploaded as an app's Info.plist. Both must be refused with a clear 422
// PARSE_BUDGET, and the server must keep serving (before the budgets, either request exhausted the
// heap and killed the process).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse } from 'plist';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { referenceBomb } from '../helpers/bombs.js';
import { buildDeviceAnswer } from '../helpers/device-answer.js';
import { buildIpa, signCms, testSigner } from '../helpers/synthetic-ipa.js';
import { request, type ErrorJson, type Response } from './support/http.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(async () => {
  await srv?.stop();
});

async function callbackUrl(): Promise<{ url: string; challenge: string }> {
  const res = await request(`${srv.baseUrl}/udid/profile.mobileconfig`);
  assert.equal(res.status, 200);
  const content = (parse(res.text()) as { PayloadContent: { URL: string; Challenge: string } }).PayloadContent;
  return { url: content.URL, challenge: content.Challenge };
}

function postAnswer(url: string, body: Buffer): Promise<Response> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/pkcs7-signature' }, body });
}

function assertBudgetRefusal(res: Response): void {
  assert.equal(res.status, 422, res.text());
  const { error } = res.json<ErrorJson>();
  assert.equal(error.code, 'PARSE_BUDGET');
  assert.match(error.message, /more than any real file/);
  assert.doesNotMatch(res.text(), /\bat [\w.<>]+ \(|node_modules|\.ts:\d+/, 'no stack trace');
}

describe('parse budgets on a running server', () => {
  test('a reference bomb in a signed device answer is refused (422 PARSE_BUDGET) and the server keeps serving', async () => {
    const bomb = referenceBomb(60, 'UDID');
    assert.ok(bomb.length < 400, `the bomb is ${bomb.length} bytes`);
    const { url } = await callbackUrl();
    const signer = await testSigner(new Date(Date.UTC(2040, 0, 1)), 'Apple iPhone Device test identity');
    assertBudgetRefusal(await postAnswer(url, await signCms(bomb, signer)));

    // Still alive: a real device answer on a fresh profile registers.
    const next = await callbackUrl();
    const ok = await postAnswer(next.url, await buildDeviceAnswer(next.challenge));
    assert.equal(ok.status, 301, ok.text());
  });

  test('a reference bomb as the Info.plist of an uploaded .ipa is refused (422 PARSE_BUDGET) and the server keeps serving', async () => {
    const upload = async (path: string): Promise<Response> =>
      request(`${srv.baseUrl}/api/v1/releases`, {
        method: 'POST',
        headers: srv.auth({ 'content-type': 'application/octet-stream' }),
        body: await readFile(path),
      });
    assertBudgetRefusal(await upload(await buildIpa({ bundleId: 'com.example.bomb', infoPlistRaw: referenceBomb(60, 'CFBundleIdentifier') })));

    const ok = await upload(await buildIpa({ bundleId: 'com.example.after-bomb' }));
    assert.equal(ok.status, 201, ok.text());
  });
});
