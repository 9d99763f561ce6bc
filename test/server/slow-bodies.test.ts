// Slow bodies from strangers: a nonce or token is checked before the body is read, and a body
// without valid credentials must arrive within OTASHIP_UNAUTHENTICATED_BODY_TIMEOUT. Raw sockets,
// so the test sees exactly when the server answers or closes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  // A short deadline for strangers' bodies; a long idle watchdog, so only the deadline can end
  // a trickle (the trickle below also keeps the idle watchdog from ever firing).
  srv = await startTestServer({ settings: { unauthenticatedBodyTimeout: '1s', uploadIdleTimeout: '1h' } });
});
/** Sockets still open when the tests end (only if a guard failed): closed so the server can stop. */
const open = new Set<Socket>();
after(async () => {
  for (const socket of open) socket.destroy();
  await srv?.stop();
});

const DECLARED = 2000;
/** Backstop only: without the guard a trickle never ends, and the test fails here instead of hanging. */
const BACKSTOP = { timeout: 60_000 };

interface Outcome {
  /** What the server sent before the connection ended. */
  answer: string;
}

/**
 * Sends the request head, then one body byte at a time (never the whole declared length) until
 * the server answers or closes; resolves on the socket's 'close'.
 */
function trickle(path: string, headers: Record<string, string>, options: { sendBody?: boolean } = {}): Promise<Outcome> {
  const { port } = new URL(srv.baseUrl);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), '127.0.0.1');
    open.add(socket);
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      // Small enough for every route's size cap: only time can end it.
      const head = Object.entries({ host: `127.0.0.1:${port}`, 'content-length': String(DECLARED), ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      if (options.sendBody !== false) {
        timer = setInterval(() => {
          if (!socket.destroyed && answer === '' && sent < DECLARED - 1) {
            socket.write('x');
            sent++;
          }
        }, 50);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      // The answer is what we came for: end our side, so the server's lingering close ends too.
      if (/\r\n\r\n/.test(answer)) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      clearInterval(timer);
      resolve({ answer });
    });
    socket.on('timeout', () => reject(new Error('no timeout expected')));
  });
}

describe('unauthenticated bodies', () => {
  test('a sign-in form trickled byte by byte: the connection is closed at the deadline', BACKSTOP, async () => {
    const { answer } = await trickle('/admin/login', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(answer, '', 'closed, not answered');
  });

  test('a device answer trickled to a real registration link: closed at the deadline', BACKSTOP, async () => {
    const profile = await fetch(`${srv.baseUrl}/udid/profile.mobileconfig`);
    const text = await profile.text();
    const nonce = /callback\?n=([^<"&]+)/.exec(text)?.[1];
    assert.ok(nonce, 'the profile carries a callback URL');
    const { answer } = await trickle(`/udid/callback?n=${nonce}`, { 'content-type': 'application/pkcs7-signature' });
    assert.equal(answer, '', 'closed, not answered');
  });

  test('a forged registration nonce is refused from the URL, before any body byte is sent', async () => {
    const { answer } = await trickle('/udid/callback?n=forged.nonce', { 'content-type': 'application/pkcs7-signature' }, { sendBody: false });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /DEVICE_REGISTRATION/);
  });

  test('a wrong bearer token is refused before any body byte is sent', async () => {
    const { answer } = await trickle(
      '/api/v1/tokens',
      { 'content-type': 'application/json', authorization: 'Bearer ota_0000000000000000000000000a_wrong' },
      { sendBody: false },
    );
    assert.match(answer, /^HTTP\/1\.1 401 /);
  });

  test('an authenticated body is not held to the deadline', BACKSTOP, async () => {
    // Sent in two parts across the deadline; both the idle watchdog and the deadline are far off
    // for an authenticated client, so the request completes.
    const { port } = new URL(srv.baseUrl);
    const body = JSON.stringify({ name: 'slow but signed in' });
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let out = '';
      socket.on('connect', () => {
        socket.write(
          `POST /api/v1/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${srv.adminToken}\r\n` +
            `content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 5)}`,
        );
        // The rest only once an unauthenticated body's deadline would have closed the connection:
        // a second request's deadline is the clock here (no sleep, no timing assertion).
        void trickle('/admin/login', { 'content-type': 'application/x-www-form-urlencoded' }).then(() => socket.write(body.slice(5)));
      });
      socket.on('data', (c: Buffer) => (out += c.toString('latin1')));
      socket.on('close', () => resolve(out));
    });
    assert.match(answer, /^HTTP\/1\.1 201 /);
  });
});
