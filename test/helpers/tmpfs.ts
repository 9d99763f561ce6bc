// A small file system for disk-full tests: a tmpfs of the given size mounted on a fresh temp
// directory (needs root). Where mounting is not possible the test skips with the reason, except
// under CI, where that is a failure.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  path: string;
  /** Fills the disk with one file until `leaveBytes` (rounded to blocks) are free; returns its path. */
  fill(leaveBytes: number): Promise<string>;
  unmount(): Promise<void>;
}

export async function mountSmallDisk(sizeBytes: number): Promise<SmallDisk | string> {
  const path = await mkdtemp(join(tmpdir(), 'otaship-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', path], { stdio: 'pipe' });
  } catch (err) {
    await rm(path, { recursive: true, force: true });
    const reason = `cannot mount a tmpfs for the disk-full test (needs root): ${(err as Error).message.split('\n')[0]}`;
    if (process.env.CI) throw new Error(reason, { cause: err });
    return reason;
  }
  return {
    path,
    async fill(leaveBytes) {
      const s = await statfs(path);
      const free = s.bavail * s.bsize;
      const filler = join(path, 'filler');
      await writeFile(filler, Buffer.alloc(Math.max(0, free - leaveBytes)));
      return filler;
    },
    async unmount() {
      execFileSync('umount', [path]);
      await rm(path, { recursive: true, force: true });
    },
  };
}
