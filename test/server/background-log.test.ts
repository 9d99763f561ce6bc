// Background work failing through an outage logs one line a minute without a stack; a bug is logged
// whole every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyBaseLogger } from 'fastify';
import { backgroundErrorLogger } from '../../src/server/background-log.js';

test('an outage: one warning a minute, no stack; anything else: every time, with the error', () => {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const record = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  const log = { warn: record('warn'), error: record('error') } as unknown as FastifyBaseLogger;
  let now = 0;
  const report = backgroundErrorLogger(() => log, 'webhook dispatch failed', 'warn', () => now);
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  for (let i = 0; i < 10; i++) {
    report(refused);
    now += 5_000;
  }
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.level, 'warn');
  assert.equal(lines[0]?.obj.code, 'UNAVAILABLE');
  assert.equal(lines[0]?.obj.err, undefined, 'no stack for an outage');
  assert.match(lines[0]?.msg ?? '', /^webhook dispatch failed: the database cannot be reached/);
  now += 60_000;
  report(refused);
  assert.equal(lines.length, 2, 'repeated after a minute while it lasts');
  const bug = new TypeError('x is undefined');
  report(bug);
  report(bug);
  assert.equal(lines.length, 4);
  assert.equal(lines[3]?.obj.err, bug);
});
