// Stopping the server while a download is stuck (a phone that stopped reading, a dead Wi-Fi link):
// requests in flight get a bounded drain, then their connections are closed, so a restart or a
// deploy is never held up by a client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { startTestServer } from '../helpers/server.js';
import { buildIpa } from '../helpers/synthetic-ipa.js';
import { publishFile } from './support/publish.js';

test('a download whose client stopped reading does not hold the shutdown: its connection is closed after the drain', { timeout: 120_000 }, async () => {
  const srv = await startTestServer({ shutdownDrainMs: 200 });
  let stopped = false;
  try {
    // Large enough that the socket buffers fill and the response cannot finish on its own.
    const { downloadUrl } = await publishFile(srv, await buildIpa({ bundleId: 'com.example.drain', fillerBytes: 32 * 1024 * 1024 }));

    let failure: unknown = null;
    const req = request(downloadUrl, { agent: false });
    // The reset may surface on the request as well as on the response, depending on where the
    // socket's read is when the server closes it: either is the early end this test expects.
    req.on('error', (err) => (failure = err));
    req.end();
    const [response] = (await once(req, 'response')) as [IncomingMessage];
    assert.equal(response.statusCode, 200);
    response.on('error', (err) => (failure = err));
    // Not events.once: it would reject on the 'error' that a cut response emits before 'close'.
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    // Stop reading: the download stays in flight.
    response.pause();

    // Without the drain, stop() waits for as long as the client stays connected (for ever here).
    await srv.stop();
    stopped = true;
    // The client, reading again, finds its connection closed before the end of the package.
    response.resume();
    await closed;
    assert.ok(!response.complete, 'the stuck download was cut, not finished');
    assert.ok(failure, 'the client sees the connection end early');
  } finally {
    if (!stopped) await srv.stop();
  }
});
