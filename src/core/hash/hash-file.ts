// Hash a file on disk in one streaming pass (1 MiB reads): constant memory for multi-GB packages.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { OtashipError } from '../errors.js';
import { hashStream, type FileHashes, type HashOptions } from './hash-stream.js';

const READ_SIZE = 1024 * 1024;

export async function hashFile(path: string, options: HashOptions = {}): Promise<FileHashes> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new OtashipError('FILE_NOT_FOUND', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: err,
    });
  }
  if (!info.isFile()) throw new OtashipError('FILE_NOT_FOUND', `${path} is not a regular file`);
  let result: FileHashes;
  try {
    result = await hashStream(createReadStream(path, { highWaterMark: READ_SIZE }), options);
  } catch (err) {
    if (err instanceof OtashipError) throw err;
    throw new OtashipError('FILE_NOT_FOUND', `${path} could not be read to the end (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  // A file that changed size while we read it would give hashes of neither version.
  if (result.size !== info.size) {
    throw new OtashipError('FILE_NOT_FOUND', `${path} changed while it was being hashed (${info.size} → ${result.size} bytes)`);
  }
  return result;
}
