// Record ids: 10 characters of millisecond time + 16 characters of randomness (80 bits), in
// lower-case Crockford base32. URL-safe, unguessable, contain no '_' (API tokens are
// `ota_<id>_<secret>`), and sort roughly by creation time, which keeps index inserts local.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export function newId(now: number = Date.now()): string {
  const time = BigInt(Math.max(0, Math.floor(now))) & ((1n << 50n) - 1n);
  const random = BigInt('0x' + randomBytes(10).toString('hex'));
  return base32(time, 10) + base32(random, 16);
}

export const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;
