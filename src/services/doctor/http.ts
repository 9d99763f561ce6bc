// The doctor's HTTP client: one request at a time, every one bounded in time and in bytes, redirects
// followed by hand so that each hop is recorded and judged (fetch() hides them). Why node:http(s)
// and not fetch: the doctor must speak to servers that iOS would refuse (TLS 1.0, an untrusted or
// SHA-1 certificate) to go on and find every other problem too, and must see the raw
// Content-Encoding instead of a transparently decoded body. Trust is judged separately (tls-probe.ts).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { HttpAnswer, HttpTrace } from '../../core/doctor/index.js';

export const MAX_REDIRECTS = 8;

export class FetchFailure extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout',
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DoctorHttpOptions {
  timeoutMs: number;
}

export interface RequestSpec {
  headers: Readonly<Record<string, string>>;
  /** Body bytes kept; the connection is dropped past them. 0: headers only. */
  maxBytes: number;
}

/** Counts requests and owns the connections of one doctor run. */
export class DoctorHttp {
  requests = 0;
  private readonly agent = new Agent({
    keepAlive: true,
    maxSockets: 4,
    // See the header comment: TLS is judged by tls-probe.ts; here the doctor only reads.
    rejectUnauthorized: false,
    minVersion: 'TLSv1',
    ciphers: 'ALL:@SECLEVEL=0',
  });

  constructor(private readonly options: DoctorHttpOptions) {}

  close(): void {
    this.agent.destroy();
  }

  /** One request, no redirect followed; the body is decoded when the server compressed it. */
  once(url: string, spec: RequestSpec): Promise<{ answer: HttpAnswer; body: Buffer; truncated: boolean }> {
    this.requests++;
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | null, value?: { answer: HttpAnswer; body: Buffer; truncated: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        if (err) reject(err);
        else resolve(value!);
      };
      const req = send(u, { method: 'GET', headers: { ...spec.headers }, ...(u.protocol === 'https:' ? { agent: this.agent, servername: servername(u) } : {}) }, (res) => {
        const answer = answerOf(url, res);
        if (spec.maxBytes === 0) return finish(null, { answer, body: Buffer.alloc(0), truncated: false });
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          const room = spec.maxBytes - size;
          chunks.push(c.subarray(0, Math.max(0, room)));
          size += c.length;
          if (size > spec.maxBytes) finish(null, { answer, body: decoded(Buffer.concat(chunks), answer, spec.maxBytes), truncated: true });
        });
        res.on('end', () => finish(null, { answer, body: decoded(Buffer.concat(chunks), answer, spec.maxBytes), truncated: false }));
        res.on('error', (err) => finish(new FetchFailure('unreachable', url, `${u.host} broke off the answer (${err.message})`)));
      });
      const timer = setTimeout(
        () => finish(new FetchFailure('timeout', url, `${u.host} did not answer within ${this.options.timeoutMs / 1000} s`)),
        this.options.timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) => finish(new FetchFailure('unreachable', url, `Cannot reach ${u.host}: ${err.code ?? err.message}`)));
      req.end();
    });
  }

  /** Follows redirects by hand, recording each hop; the final answer's body is read up to maxBytes. */
  async trace(url: string, spec: RequestSpec): Promise<HttpTrace> {
    const hops: HttpAnswer[] = [];
    let at = url;
    for (let i = 0; ; i++) {
      const { answer, body, truncated } = await this.once(at, spec);
      hops.push(answer);
      const location = answer.headers['location'];
      if (answer.status >= 300 && answer.status < 400 && location && i < MAX_REDIRECTS) {
        const next = new URL(location, at);
        if (next.protocol !== 'https:' && next.protocol !== 'http:') return { hops, final: answer, body, truncated };
        at = next.href;
        continue;
      }
      return { hops, final: answer, body, truncated };
    }
  }
}

/** SNI carries host names only, never IP addresses. */
export function servername(u: URL): string | undefined {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}

function answerOf(url: string, res: IncomingMessage): HttpAnswer {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { url, status: res.statusCode ?? 0, headers };
}

/** A compressed body is decoded (capped) so that its content can still be judged. */
function decoded(body: Buffer, answer: HttpAnswer, max: number): Buffer {
  const encoding = (answer.headers['content-encoding'] ?? '').trim().toLowerCase();
  const options = { maxOutputLength: Math.max(1, max) };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, options);
    if (encoding === 'deflate') return inflateSync(body, options);
    if (encoding === 'br') return brotliDecompressSync(body, options);
  } catch {
    return body; // judged as it came: the manifest validator names what is wrong with it
  }
  return body;
}
