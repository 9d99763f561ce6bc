// Turning what the server (or the network) said into ONE OtashipError, so the CLI prints one line
// and exits with the catalogue's code. The server speaks the same catalogue: `{error:{code,message}}`
// keeps its code; anything else (a proxy's HTML page, an unknown code) is mapped by HTTP status.
import { ERRORS, OtashipError, type ErrorCode } from '../core/errors.js';

export interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown; hint?: unknown; details?: unknown };
}

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'VALIDATION';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNKNOWN_FILE_TYPE';
  if (status === 422) return 'VALIDATION';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  // 503 is the server (or a proxy before it) saying "not now": its database or storage is away.
  if (status === 503) return 'UNAVAILABLE';
  if (status === 507) return 'INSUFFICIENT_STORAGE';
  if (status === 502 || status === 504) return 'SERVER_UNREACHABLE';
  return 'INTERNAL';
}

/** Keeps server text to one short line: no control characters, bounded length. */
function oneLine(text: string, max = 400): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function apiError(status: number, statusText: string, bodyText: string, url: string): OtashipError {
  let body: ApiErrorBody | null;
  try {
    body = JSON.parse(bodyText) as ApiErrorBody;
  } catch {
    body = null;
  }
  const err = body && typeof body === 'object' ? body.error : undefined;
  if (err && typeof err === 'object') {
    const code = isKnownCode(err.code) ? err.code : codeForStatus(status);
    const details = err.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : undefined;
    let message = typeof err.message === 'string' && err.message ? oneLine(err.message) : `The server answered ${status}`;
    // Only what the message does not say already (the server's NOT_INSTALLABLE message lists its
    // blocking reasons; details.reasons also holds them, with the non-blocking findings).
    const reasons = reasonsText(details, message);
    if (reasons) message = `${message} (${reasons})`;
    return new OtashipError(code, message, { details: { status, ...(details ?? {}) } });
  }
  const snippet = oneLine(bodyText, 120);
  return new OtashipError(
    codeForStatus(status),
    `The server at ${new URL(url).origin} answered ${status} ${statusText}`.trim() + (snippet ? ` (${snippet})` : ''),
    { details: { status } },
  );
}

/** NOT_INSTALLABLE carries `details.reasons: [{code, message}]`: name them in the one line. */
function reasonsText(details: Record<string, unknown> | undefined, said: string): string {
  const reasons = details?.reasons;
  if (!Array.isArray(reasons)) return '';
  const texts = reasons.map((r: unknown) => {
    if (r && typeof r === 'object') {
      const { code, message, severity } = r as { code?: unknown; message?: unknown; severity?: unknown };
      // A finding that does not block (a warning, a note) is not why the upload was refused.
      if (typeof severity === 'string' && severity !== 'error') return '';
      return typeof message === 'string' ? oneLine(message, 200) : typeof code === 'string' ? code : '';
    }
    return typeof r === 'string' ? oneLine(r, 200) : '';
  });
  return [...new Set(texts)].filter((t) => t !== '' && !said.includes(t)).join('; ');
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A failure below HTTP: name the server and say what went wrong in words. */
export function networkError(err: unknown, serverUrl: string, phase: 'connect' | 'upload'): OtashipError {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const origin = safeOrigin(serverUrl);
  let what: string;
  if (code === 'ECONNREFUSED') what = 'connection refused (is the server running on that port?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') what = 'host name not found';
  else if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') what = 'timed out';
  else if (code === 'ECONNRESET' || code === 'EPIPE')
    what =
      phase === 'upload'
        ? 'the server closed the connection during the upload (it may have refused it: check the upload size limit and the server log)'
        : 'the connection was closed';
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') what = 'no route to the host';
  else if (TLS_CODES.has(code))
    what = `its TLS certificate is not trusted (${code}); for a self-signed server pass --ca <ca.crt> (or set NODE_EXTRA_CA_CERTS)`;
  else what = e?.message ? oneLine(e.message, 200) : String(err);
  return new OtashipError('SERVER_UNREACHABLE', `Cannot reach the otaship server at ${origin}: ${what}`, { cause: err });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
