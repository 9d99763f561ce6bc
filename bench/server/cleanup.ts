// Cleanups the benchmark must run even when it is interrupted (Ctrl-C, SIGTERM): child servers and
// multi-GiB temp files must not outlive it. Sections register what they start; `finally` blocks run
// them on normal exit and failure, run.ts runs whatever is left on a signal.
const pending = new Set<() => Promise<unknown>>();

/** Registers a cleanup; the returned function runs it once and unregisters it. */
export function onCleanup(fn: () => Promise<unknown>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pending.delete(once);
    await fn();
  };
  pending.add(once);
  return once;
}

/** Runs every registered cleanup, newest first (children stop before their directories go). */
export async function runAllCleanups(): Promise<void> {
  for (const fn of [...pending].reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
