// Writes a file the user named on the command line (--icon out.png…). A path that cannot be written
// is the user's input, not a bug in otaship: it becomes one line naming the path and the reason.
import { writeFile } from 'node:fs';
import { dirname } from 'node:path';
import { OtashipError } from '../core/errors.js';

function reason(code: string | undefined, path: string): string {
  switch (code) {
    case 'ENOENT':
      return `folder ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `part of ${dirname(path)} is a file, not a folder`;
    case 'EISDIR':
      return `${path} is a folder`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return code ?? 'unknown error';
  }
}

/** `what` names the content for the message, e.g. "the icon". */
export async function writeOutputFile(path: string, data: Uint8Array | string, what: string): Promise<void> {
  try {
    // Callback fs, already loaded by Node at start-up: node:fs/promises would add ~4 ms to `inspect --icon`.
    await new Promise<void>((resolve, reject) => writeFile(path, data, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OtashipError('CANNOT_WRITE', `cannot write ${what} to ${path}: ${reason(code, path)}`, { cause: err });
  }
}
