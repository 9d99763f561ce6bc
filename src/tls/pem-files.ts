// Reading and writing the key+certificate files under <dataDir>/tls. Each pair lives in ONE file
// (private key then certificate) so a crash or a second instance can never leave a key that does not
// match its certificate; files are written to a temp name and renamed into place, private (0600).
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { PemPair } from './certificates.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

export function joinPair(pair: PemPair): string {
  return `${pair.keyPem.trim()}\n${pair.certPem.trim()}\n`;
}

/** Splits a combined file; null when it does not hold exactly one private key and one certificate. */
export function splitPair(text: string): PemPair | null {
  let keyPem: string | null = null;
  let certPem: string | null = null;
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1];
    if (label === 'PRIVATE KEY' && keyPem === null) keyPem = `${match[0]}\n`;
    else if (label === 'CERTIFICATE' && certPem === null) certPem = `${match[0]}\n`;
    else return null;
  }
  return keyPem && certPem ? { keyPem, certPem } : null;
}

export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}

function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Writes `text` to `path`, replacing what is there atomically. */
export async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = tempName(path);
  try {
    await writeFile(tmp, text, { mode, flag: 'wx' });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Writes `text` to `path` only if nothing is there yet (hard link fails with EEXIST), so two instances
 * starting together agree on ONE CA. Returns false when another writer got there first.
 */
export async function writeIfAbsent(path: string, text: string, mode: number): Promise<boolean> {
  const tmp = tempName(path);
  try {
    await writeFile(tmp, text, { mode, flag: 'wx' });
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}
