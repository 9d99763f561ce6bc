// The data folder's secrets, which a backup carries apart from everything else (under secrets/) so an
// operator can see at a glance what in it lets its holder act as the server:
//   signing.key  the key that signs install links, admin sessions and webhook secrets
//                (absent when OTASHIP_SECRET is set; older versions kept it in the database)
//   tls/*        the self-signed TLS certificate authority phones were asked to trust, and its key
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SIGNING_KEY_FILE, TLS_DIR } from '../core/secret-locations.js';

/** Relative paths (with '/') of the secrets present in `dataDir`. */
export async function dataFolderSecrets(dataDir: string): Promise<string[]> {
  const found: string[] = [];
  const top = await list(dataDir);
  if (top.some((e) => e.name === SIGNING_KEY_FILE && e.isFile())) found.push(SIGNING_KEY_FILE);
  if (top.some((e) => e.name === TLS_DIR && e.isDirectory())) {
    for (const e of await list(join(dataDir, TLS_DIR))) {
      // Temporary files of a write in progress (<name>.tmp-…) are not secrets worth keeping.
      if (e.isFile() && !e.name.includes('.tmp-')) found.push(`${TLS_DIR}/${e.name}`);
    }
  }
  return found.sort();
}

async function list(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
