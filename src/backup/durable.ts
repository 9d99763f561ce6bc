// Flushing a finished backup to disk before it is given its final name. The rename is what says
// "complete"; without fsync a crash soon after could leave a folder with that name whose files the
// kernel had not yet written. Folders are synced too, so the names in them are durable as well.
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs every file under `dir`, then every folder (deepest first), then `dir` itself. */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) await syncPath(path);
  }
  await syncPath(dir);
}

/** fsyncs one file, or one folder (after a rename inside it). */
export { syncPath };
