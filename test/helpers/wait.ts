// Waiting for something to happen (a file to appear, a server to clean up) instead of sleeping for a
// guessed time: the condition is checked until it holds, with no deadline of its own — the test's
// timeout bounds it, so a slow machine makes a test slower, never red.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor(check: () => Promise<boolean> | boolean, pollMs = 10): Promise<void> {
  while (!(await check())) await sleep(pollMs);
}
