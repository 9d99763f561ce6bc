// `otaship serve` stopping: install counts still buffered in memory are written before the process
// exits — after a clean close, when closing fails, and when the grace period cuts open requests off
// (the grace timer is fired by hand: no waiting).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { shutdownHandler, type ShutdownLog, type Stoppable } from '../../src/cli/shutdown.js';
import { CounterService } from '../../src/services/counters.js';
import type { CounterKind } from '../../src/ports/repositories.js';

function harness(close: () => Promise<void>, flushTimeoutMs = 5000, databaseHangs = false) {
  const journal: string[] = [];
  const counters = new CounterService({
    counters: {
      increment: async (releaseId: string, kind: CounterKind, by = 1) => {
        if (databaseHangs) await new Promise(() => undefined);
        journal.push(`+${by} ${kind} ${releaseId}`);
      },
      get: () => Promise.reject(new Error('not used')),
    },
  });
  let fireGrace: (() => void) | undefined;
  let exited!: (code: number) => void;
  const exit = new Promise<number>((resolve) => (exited = resolve));
  const log: ShutdownLog = { info: () => undefined, warn: (m) => journal.push(`warn: ${m}`), error: (_o, m) => journal.push(`error: ${m}`) };
  const server: Stoppable = { close, flushCounters: () => counters.flush() };
  const stop = shutdownHandler(server, log, {
    graceMs: 30_000,
    flushTimeoutMs,
    exit: (code) => {
      journal.push(`exit ${code}`);
      exited(code);
    },
    startTimer: (fn) => (fireGrace = fn),
  });
  return { journal, counters, stop, exit, fireGrace: () => fireGrace?.() };
}

describe('serve shutdown', () => {
  test('the grace period is over with a download still open: buffered counts are written, then exit 0', async () => {
    const h = harness(() => new Promise<void>(() => undefined)); // a request that never finishes
    void h.counters.count('r1', 'download_start');
    void h.counters.count('r1', 'manifest_fetch');
    void h.counters.count('r1', 'manifest_fetch');
    void h.stop('SIGTERM');
    h.fireGrace();
    assert.equal(await h.exit, 0);
    assert.deepEqual(h.journal, [
      'warn: shutdown grace period over: exiting with requests still open',
      '+1 download_start r1',
      '+2 manifest_fetch r1',
      'exit 0',
    ]);
  });

  test('a clean close: counts written, exit 0; a second signal does nothing more', async () => {
    const h = harness(async () => undefined);
    void h.counters.count('r2', 'page_view');
    void h.stop('SIGINT');
    void h.stop('SIGTERM');
    assert.equal(await h.exit, 0);
    assert.deepEqual(h.journal, ['+1 page_view r2', 'exit 0']);
  });

  test('closing fails: counts still written, exit 3', async () => {
    const h = harness(() => Promise.reject(new Error('socket trouble')));
    void h.counters.count('r3', 'download_complete');
    void h.stop('SIGTERM');
    assert.equal(await h.exit, 3);
    assert.deepEqual(h.journal, ['error: shutdown failed', '+1 download_complete r3', 'exit 3']);
  });

  test('a database that does not answer delays the exit only by the flush timeout', async () => {
    const h = harness(() => new Promise<void>(() => undefined), 1, true);
    void h.counters.count('r5', 'page_view');
    void h.stop('SIGTERM');
    h.fireGrace();
    assert.equal(await h.exit, 0);
    assert.match(h.journal.join('\n'), /were not written within 1 ms: exiting without them\nexit 0$/);
  });

  test('the grace period ending while a clean close is finishing exits once', async () => {
    let finishClose!: () => void;
    const h = harness(() => new Promise<void>((resolve) => (finishClose = resolve)));
    void h.counters.count('r4', 'page_view');
    const stopped = h.stop('SIGTERM');
    h.fireGrace();
    finishClose();
    await stopped;
    assert.equal(await h.exit, 0);
    assert.deepEqual(h.journal.filter((l) => l.startsWith('exit')), ['exit 0']);
    assert.deepEqual(h.journal.filter((l) => l.startsWith('+')), ['+1 page_view r4']);
  });
});
