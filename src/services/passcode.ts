// Share-link passcodes, stored only as a slow hash: node's scrypt (memory-hard, built in, no
// dependency needed), with a random salt and its parameters in the stored string so they can be
// raised later without breaking older links. Format: scrypt$<N>$<r>$<p>$<salt>$<hash> (base64url).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per guess on a server core. */
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(passcode: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
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
  } catch {
    return false; // parameters node refuses (N not a power of two, over the memory bound)
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
