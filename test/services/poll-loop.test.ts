import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PollLoop } from '../../src/services/poll-loop.js';

/** A pass that waits until the test releases it, so the test decides when each pass ends. */
function gatedPasses() {
  const started: Array<() => void> = [];
  let onStart: (() => void) | null = null;
  const pass = () =>
    new Promise<void>((resolve) => {
      started.push(resolve);
      onStart?.();
    });
  const nextStart = () => new Promise<void>((resolve) => (onStart = resolve));
  return { pass, started, nextStart };
}

test('a wake during a pass runs one more pass right after it, not a second pass at once', async () => {
  const g = gatedPasses();
  const loop = new PollLoop(g.pass, 3_600_000);
  let first = g.nextStart();
  loop.start();
  await first;
  loop.wake();
  loop.wake();
  assert.equal(g.started.length, 1, 'no second pass while the first runs');
  first = g.nextStart();
  g.started[0]!();
  await first;
  assert.equal(g.started.length, 2, 'the wakes asked for exactly one more pass');
  const running = loop.halt();
  assert.ok(running, 'halt hands back the pass in flight');
  g.started[1]!();
  await running;
  loop.wake();
  assert.equal(g.started.length, 2, 'a halted loop stays halted');
  assert.equal(loop.stopped, true);
});

test('an error in a pass goes to onError and the loop keeps answering wakes', async () => {
  let passes = 0;
  let reported: (err: unknown) => void = () => undefined;
  const error = new Promise<unknown>((resolve) => (reported = resolve));
  let secondPass: () => void = () => undefined;
  const second = new Promise<void>((resolve) => (secondPass = resolve));
  const loop = new PollLoop(
    async () => {
      passes += 1;
      if (passes === 1) throw new Error('database away');
      secondPass();
    },
    3_600_000,
    (err) => reported(err),
  );
  loop.start();
  assert.equal(((await error) as Error).message, 'database away');
  // Woken while the failed pass is still ending: the wake is kept, not left for the hour-long poll.
  loop.wake();
  await second;
  assert.equal(passes, 2);
  await loop.halt();
});
