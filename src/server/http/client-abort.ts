// Node's own error for a request whose client closed the connection before its body arrived whole:
// an Error "aborted" with code ECONNRESET and no syscall. It shares its code with a database or S3
// connection that was reset, so the infrastructure-fault classifier must not take it for one (a
// client that hangs up mid-form is not "the database cannot be reached").

/** Causes are followed this deep at most. */
const MAX_DEPTH = 8;

export function isClientAbort(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_DEPTH && current instanceof Error; depth++) {
    const e = current as Error & { code?: unknown; syscall?: unknown };
    if (e.message === 'aborted' && e.code === 'ECONNRESET' && e.syscall === undefined) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
