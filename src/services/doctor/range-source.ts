// A remote package as a positional source for the core zip reader: each read() is one HTTP Range
// request, pinned to the version first seen with If-Range (a file replaced mid-way answers 200 and
// the read fails instead of mixing two builds). Bytes are counted (the report shows them) and capped,
// so a hostile directory cannot make the doctor download the package.
import type { ZipSource } from '../../core/zip/open.js';
import { OtashipError } from '../../core/errors.js';
import { INSTALLER_HEADERS } from './user-agents.js';
import type { DoctorHttp } from './http.js';

/** Far above what judging a package needs (its directory, Info.plist, profile, a few icons). */
export const MAX_REMOTE_READ_BYTES = 64 * 1024 * 1024;

export class HttpRangeSource implements ZipSource {
  bytesRead = 0;

  constructor(
    private readonly http: DoctorHttp,
    private readonly url: string,
    private readonly validator: string | null,
    private readonly maxBytes = MAX_REMOTE_READ_BYTES,
  ) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    if (length === 0) return { bytesRead: 0 };
    if (this.bytesRead + length > this.maxBytes) {
      throw new OtashipError('PARSE_BUDGET', `Judging the package would read more than ${this.maxBytes} bytes of it; reading stopped there`);
    }
    const headers: Record<string, string> = { ...INSTALLER_HEADERS, 'accept-encoding': 'identity', range: `bytes=${position}-${position + length - 1}` };
    if (this.validator) headers['if-range'] = this.validator;
    const { answer, body } = await this.http.once(this.url, { headers, maxBytes: length });
    if (answer.status !== 206 || !new RegExp(`^bytes ${position}-`).test(answer.headers['content-range'] ?? '')) {
      throw new OtashipError('TRUNCATED_ZIP', `The package answered ${answer.status} to a Range request for bytes ${position}-${position + length - 1} (it may have changed while it was read)`);
    }
    const n = Math.min(length, body.length);
    body.copy(buffer, offset, 0, n);
    this.bytesRead += n;
    return { bytesRead: n };
  }

  async close(): Promise<void> {
    // Connections belong to the DoctorHttp of the run.
  }
}
