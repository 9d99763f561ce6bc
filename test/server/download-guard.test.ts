// Downloads a client opens and never reads must not pile up until the server runs out of file
// descriptors: a stalled download is cut after OTASHIP_DOWNLOAD_IDLE_TIMEOUT, and one address has at
// most OTASHIP_DOWNLOADS_PER_CLIENT downloads in flight (429 beyond).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { loadConfig } from '../../src/config/index.js';
import { clientIsWaitedOn, DownloadGuard } from '../../src/server/http/download-guard.js';
import { IdleClock } from '../../src/server/http/idle-watch.js';
import { logLines, startTestServer, type TestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { waitFor } from '../helpers/wait.js';
import { publishFile } from './support/publish.js';

describe('the stall watchdog cuts only a client that stopped reading (IdleClock ticks, clientIsWaitedOn)', () => {
  const IDLE = 1000;
  const STEP = 250;
  /** One tick of the download watchdog on what a response's socket shows. */
  const tick = (clock: IdleClock, socket: { bytesWritten: number; writableLength: number }, responseBuffered: number) =>
    clock.tick(socket.bytesWritten, clientIsWaitedOn(socket, responseBuffered));

  test('bytes waiting and none taken for the idle time: stalled', () => {
    const clock = new IdleClock(IDLE, STEP, 100);
    const stuck = { bytesWritten: 100, writableLength: 65536 };
    assert.deepEqual([1, 2, 3].map(() => tick(clock, stuck, 0)), [false, false, false]);
    assert.equal(tick(clock, stuck, 0), true);
  });

  test('a slow download that still moves is never cut', () => {
    const clock = new IdleClock(IDLE, STEP, 0);
    for (let i = 1; i <= 40; i++) {
      // Three ticks stuck, then one byte taken: never four stuck ticks in a row.
      const written = Math.floor(i / 4);
      assert.equal(tick(clock, { bytesWritten: written, writableLength: 4096 }, 0), false, `tick ${i}`);
    }
  });

  test('nothing waiting to be written (the response waits on storage): never cut', () => {
    const clock = new IdleClock(IDLE, STEP, 7);
    for (let i = 0; i < 20; i++) assert.equal(tick(clock, { bytesWritten: 7, writableLength: 0 }, 0), false);
  });

  test('bytes held in the response itself count as waiting', () => {
    const clock = new IdleClock(IDLE, STEP, 7);
    const results = [1, 2, 3, 4].map(() => tick(clock, { bytesWritten: 7, writableLength: 0 }, 512));
    assert.deepEqual(results, [false, false, false, true]);
  });
});

test('OTASHIP_DOWNLOAD_IDLE_TIMEOUT and OTASHIP_DOWNLOADS_PER_CLIENT: defaults, 0, and nonsense refused by name', () => {
  const plain = loadConfig({ env: {} });
  assert.equal(plain.downloadIdleTimeoutSeconds, 120);
  assert.equal(plain.downloadsPerClient, 64);
  const set = loadConfig({ env: { OTASHIP_DOWNLOAD_IDLE_TIMEOUT: '5m', OTASHIP_DOWNLOADS_PER_CLIENT: '0' } });
  assert.equal(set.downloadIdleTimeoutSeconds, 300);
  assert.equal(set.downloadsPerClient, 0);
  for (const [key, value] of [
    ['OTASHIP_DOWNLOAD_IDLE_TIMEOUT', '2d'],
    ['OTASHIP_DOWNLOAD_IDLE_TIMEOUT', 'soon'],
    ['OTASHIP_DOWNLOADS_PER_CLIENT', '-1'],
    ['OTASHIP_DOWNLOADS_PER_CLIENT', 'many'],
  ] as const) {
    assert.throws(
      () => loadConfig({ env: { [key]: value } }),
      (err: Error & { code?: string }) => err.code === 'CONFIG' && err.message.includes(key),
      `${key}=${value}`,
    );
  }
});

/** A download opened on a raw socket: it reads the response head, then stops reading. */
async function stalledDownload(url: string): Promise<{ socket: Socket; head: string }> {
  const u = new URL(url);
  const socket = connect({ host: u.hostname, port: Number(u.port) });
  await once(socket, 'connect');
  socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
  const [first] = (await once(socket, 'data')) as [Buffer];
  socket.pause();
  return { socket, head: first.toString('latin1').split('\r\n\r\n')[0] ?? '' };
}

let ipaPath: Promise<string> | undefined;
/** One 24 MiB package for both servers: far larger than the socket buffers, so nobody reading stalls it. */
const bigIpa = () => (ipaPath ??= buildIpa({ bundleId: 'com.example.stall', fillerBytes: 24 * 1024 * 1024 }));

async function publish(srv: TestServer): Promise<{ downloadUrl: string; packageBytes: number }> {
  const { downloadUrl, bytes } = await publishFile(srv, await bigIpa());
  return { downloadUrl, packageBytes: bytes };
}

describe('a download nobody reads', { timeout: 120_000 }, () => {
  let srv: TestServer;
  const lines: Array<Record<string, unknown>> = [];
  before(async () => {
    srv = await startTestServer({ settings: { downloadIdleTimeout: '1s' }, logger: logLines(lines) });
  });
  after(() => srv?.stop());

  test('is cut after the idle time; the log says why, at info level', async () => {
    const { downloadUrl, packageBytes } = await publish(srv);
    const { socket, head } = await stalledDownload(downloadUrl);
    assert.match(head, /^HTTP\/1\.1 200/);
    const closed = once(socket, 'close');
    const stalled = () => lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('download stalled'));
    await waitFor(() => stalled() !== undefined);
    // Reading again, the client gets what was already on its way, then the end: not the whole package.
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => undefined);
    socket.resume();
    await closed;
    assert.ok(received < packageBytes, `${received} of ${packageBytes} bytes: the stalled download was cut`);
    assert.match(String(stalled()?.msg), /OTASHIP_DOWNLOAD_IDLE_TIMEOUT/);
    assert.equal(stalled()?.level, 30, 'a client that stopped reading is not an error of the server');
  });
});

describe('downloads in flight per client address', { timeout: 120_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ settings: { downloadIdleTimeout: '1h', downloadsPerClient: 2 } });
  });
  after(() => srv?.stop());

  test('at most OTASHIP_DOWNLOADS_PER_CLIENT: 429 with Retry-After, then a slot frees when one ends', async () => {
    const { downloadUrl, packageBytes } = await publish(srv);
    const held = [await stalledDownload(downloadUrl), await stalledDownload(downloadUrl)];
    for (const h of held) h.socket.on('error', () => undefined);
    try {
      const refused = await fetch(downloadUrl);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '30');
      assert.notEqual(Number(refused.headers.get('content-length')), packageBytes, 'the refusal does not carry the package length');
      const body = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'TOO_MANY_REQUESTS');
      assert.match(body.error.message, /2 downloads in progress.*OTASHIP_DOWNLOADS_PER_CLIENT/);
      // A HEAD sends no body: it takes no slot.
      assert.equal((await fetch(downloadUrl, { method: 'HEAD' })).status, 200);
    } finally {
      held[0]?.socket.destroy();
    }
    // One connection gone: its slot comes back once the server sees the close.
    let status = 0;
    await waitFor(async () => {
      const res = await fetch(downloadUrl, { headers: { range: 'bytes=0-0' } });
      status = res.status;
      await res.body?.cancel();
      return status !== 429;
    }, 50);
    assert.equal(status, 206);
    held[1]?.socket.destroy();
  });
});

test('a client gone before its download begins takes no slot (its close already fired and would never give it back)', () => {
  const guard = new DownloadGuard(120, 2);
  const gone = { ip: '203.0.113.9', raw: { destroyed: true }, log: { info: () => undefined } };
  const reply = { raw: { destroyed: true, socket: null, once: () => undefined } };
  for (let i = 0; i < 5; i++) guard.begin(gone as never, reply as never);
  assert.equal(guard.inFlight('203.0.113.9'), 0);
});
