// Share-link passcodes, stored only as a slow hash: node's scrypt (memory-hard, built in, no
// dependency needed), with a random salt and its parameters in the stored string so they can be
// raised later without breaking older links. Format: scrypt$<N>$<r>$<p>$<salt>$<hash> (base64url).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { OtashipError } from '../core/errors.js';

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per guess on a server core. */
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which also serves every file read of a
 * download. Each guess needs a valid link but the per-address throttle does not bound many
 * addresses at once: so at most `running` hashes run at a time, `waiting` more queue, and past that
 * a check is refused at once (429) instead of queueing without end. Hand-written: a counter and a
 * queue (p-limit has no bound on its queue).
 */
export const PASSCODE_CHECKS = { running: 2, waiting: 32 } as const;
let running = 0;
const queue: Array<() => void> = [];

async function gated<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= PASSCODE_CHECKS.running) {
    if (queue.length >= PASSCODE_CHECKS.waiting) {
      throw new OtashipError('TOO_MANY_REQUESTS', 'the server is checking too many passcodes right now: try again in a moment', {
        details: { retryAfterSeconds: 1 },
      });
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  } else {
    running++;
  }
  try {
    return await fn();
  } finally {
    // The place passes straight to the next in line (running stays the same), or is freed.
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

function scrypt(passcode: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return gated(() => scryptNow(passcode, salt, options));
}

function scryptNow(passcode: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128·N·r, or node refuses these parameters.
    scryptCallback(passcode.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPasscode(passcode: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(passcode, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `passcode` matches the stored hash (constant-time comparison); false for a malformed hash. */
export async function verifyPasscode(passcode: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, saltText, keyText, ...rest] = stored.split('$');
  if (kind !== 'scrypt' || rest.length > 0 || !saltText || !keyText) return false;
  const N = Number(n);
  const options = { N, r: Number(r), p: Number(p) };
  if (![options.N, options.r, options.p].every((v) => Number.isSafeInteger(v) && v > 0)) return false;
  const expected = Buffer.from(keyText, 'base64url');
  let actual: Buffer;
  try {
    actual = await scrypt(passcode, Buffer.from(saltText, 'base64url'), options);
  } catch (err) {
    if (err instanceof OtashipError) throw err; // too many checks at once: not an answer
    return false; // parameters node refuses (N not a power of two, over the memory bound)
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
