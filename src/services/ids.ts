// Record ids: 10 characters of millisecond time + 16 of randomness (80 bits), Crockford base32 in
// lower case. Time-sortable (newest-first listings), unguessable, URL-safe, and free of '_' so an API
// token `ota_<id>_<secret>` splits unambiguously.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(now: Date = new Date()): string {
  let t = now.getTime();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10); // 80 bits → 16 base32 characters
  let bits = 0;
  let acc = 0;
  let rand = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      rand += ALPHABET[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return time + rand;
}

/** Ids come from URLs: check the shape before touching the database. */
export function isId(value: string): boolean {
  return /^[0-9a-hjkmnp-tv-z]{26}$/.test(value);
}
