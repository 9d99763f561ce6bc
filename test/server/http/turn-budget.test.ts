// Upload bodies take turns with the rest of the event loop (turn-budget.ts): however many bodies
// stream at once, the bytes they pass on between two turns of the loop stay bounded, and every body
// still arrives whole and in order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FairShare, TURN_BYTES } from '../../../src/server/http/turn-budget.js';

const CHUNK = 64 * 1024;

/** A body of `chunks` chunks whose bytes say which body and which chunk they are. */
function body(tag: number, chunks: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) yield Buffer.alloc(CHUNK, (tag * 31 + i) & 0xff);
    })(),
    { objectMode: false },
  );
}

/** Collects what reaches the end of a body, counting the bytes into `turn.bytes`. */
function sink(turn: { bytes: number }, got: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      turn.bytes += chunk.length;
      got.push(chunk);
      cb();
    },
  });
}

describe('FairShare', () => {
  test('many bodies at once pass on a bounded number of bytes per turn of the event loop, each whole and in order', async () => {
    const bodies = 8;
    const chunks = 2 * (TURN_BYTES / CHUNK); // each body alone is worth two turns
    const turn = { bytes: 0 };
    const perTurn: number[] = [];
    let running = true;
    // One sample per turn of the loop: what the bodies passed on since the previous one.
    const sample = () => {
      perTurn.push(turn.bytes);
      turn.bytes = 0;
      if (running) setImmediate(sample);
    };
    setImmediate(sample);
    const got = Array.from({ length: bodies }, () => [] as Buffer[]);
    await Promise.all(got.map((g, tag) => pipeline(body(tag, chunks), new FairShare(), sink(turn, g))));
    running = false;
    for (const [tag, g] of got.entries()) {
      assert.equal(g.length, chunks, `body ${tag} arrived whole`);
      g.forEach((c, i) => assert.equal(c[0], (tag * 31 + i) & 0xff, `body ${tag}, chunk ${i} in order`));
    }
    // The budget, plus at most one chunk per body that was already waiting when the turn began.
    const bound = TURN_BYTES + bodies * CHUNK;
    assert.ok(Math.max(...perTurn) <= bound, `at most ${bound} bytes per turn, saw ${Math.max(...perTurn)}`);
    // 16 MiB in all: it took several turns rather than one.
    assert.ok(perTurn.filter((n) => n > 0).length >= (bodies * chunks * CHUNK) / bound);
  });

  test('a body longer than its limit fails with the error given for it; one within it passes', async () => {
    const tooLong = new Error('too long');
    await assert.rejects(pipeline(body(1, 3), new FairShare(2 * CHUNK, () => tooLong), sink({ bytes: 0 }, [])), (err) => err === tooLong);
    const got: Buffer[] = [];
    await pipeline(body(1, 2), new FairShare(2 * CHUNK, () => tooLong), sink({ bytes: 0 }, got));
    assert.equal(got.length, 2);
  });
});
