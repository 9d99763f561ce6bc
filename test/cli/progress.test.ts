import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProgressBar,
  RateMeter,
  formatBytes,
  formatDuration,
  formatRate,
  renderProgress,
  renderSummary,
} from '../../src/cli/progress.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('formatting', () => {
  test('bytes in binary units with three significant digits', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.00 KiB');
    assert.equal(formatBytes(1536), '1.50 KiB');
    assert.equal(formatBytes(12.34 * MiB), '12.3 MiB');
    assert.equal(formatBytes(123.4 * MiB), '123 MiB');
    assert.equal(formatBytes(2.6 * GiB), '2.60 GiB');
    assert.equal(formatBytes(MiB - 1), '1.00 MiB', 'rounding up crosses into the next unit');
    assert.equal(formatBytes(-1), '?');
  });

  test('rate and durations', () => {
    assert.equal(formatRate(35.2 * MiB), '35.2 MiB/s');
    assert.equal(formatRate(0), '-- B/s');
    assert.equal(formatRate(Number.NaN), '-- B/s');
    assert.equal(formatDuration(7), '0:07');
    assert.equal(formatDuration(725), '12:05');
    assert.equal(formatDuration(3723), '1:02:03');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '--:--');
    assert.equal(formatDuration(Number.NaN), '--:--');
  });

  test('progress line: bar, percent, bytes, rate and time left', () => {
    const line = renderProgress({ sent: 1 * GiB, total: 4 * GiB, bytesPerSecond: 32 * MiB, width: 100 });
    assert.match(line, /^\[#{10}-{30}\] {2}25% {2}1\.00 GiB \/ 4\.00 GiB {2}32\.0 MiB\/s {2}1:36 left$/);
    assert.ok(line.length <= 100);
  });

  test('unknown rate shows no time left; the line fits narrow terminals', () => {
    const unknown = renderProgress({ sent: 0, total: 10 * MiB, bytesPerSecond: 0, width: 80 });
    assert.match(unknown, / {2}0% {2}0 B \/ 10\.0 MiB {2}-- B\/s {2}--:-- left$/);
    for (const width of [20, 40, 60, 80, 200]) {
      const line = renderProgress({ sent: 3 * MiB, total: 10 * MiB, bytesPerSecond: MiB, width });
      assert.ok(line.length < width, `width ${width}: ${line.length}`);
    }
    assert.ok(!renderProgress({ sent: 1, total: 2, bytesPerSecond: 1, width: 40 }).includes('['), 'no bar when too narrow');
  });

  test('sent beyond total is clamped to 100%', () => {
    assert.match(renderProgress({ sent: 20, total: 10, bytesPerSecond: 5, width: 100 }), /100% {2}10 B \/ 10 B/);
  });

  test('summary line', () => {
    assert.equal(renderSummary(150 * MiB, 10_000), 'Uploaded 150 MiB in 0:10 (15.0 MiB/s)');
  });
});

describe('RateMeter', () => {
  test('measures over the recent window, not since the start', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0);
    meter.add(10_000, 10 * MiB); // a slow first 10 s (1 MiB/s)
    meter.add(12_000, 30 * MiB); // then 10 MiB/s
    meter.add(15_000, 60 * MiB);
    assert.equal(Math.round(meter.rate() / MiB), 10);
  });

  test('zero until two samples span time', () => {
    const meter = new RateMeter();
    assert.equal(meter.rate(), 0);
    meter.add(5, 100);
    assert.equal(meter.rate(), 0);
  });
});

describe('ProgressBar', () => {
  function sink(isTTY: boolean): { out: { isTTY: boolean; columns: number; write(t: string): boolean }; text: () => string } {
    let text = '';
    return {
      out: {
        isTTY,
        columns: 80,
        write(t: string) {
          text += t;
          return true;
        },
      },
      text: () => text,
    };
  }

  test('on a terminal: redraws in place, throttled, then leaves the summary', () => {
    const { out, text } = sink(true);
    let now = 0;
    const bar = new ProgressBar(out, { now: () => now, intervalMs: 100 });
    for (let i = 1; i <= 10; i++) {
      now = i * 50;
      bar.update(i * MiB, 10 * MiB);
    }
    bar.finish();
    const redraws = text().split('\r').filter((s) => s.startsWith('['));
    assert.equal(redraws.length, 5, 'one redraw per 100 ms of 500 ms');
    assert.ok(text().endsWith('Uploaded 10.0 MiB in 0:01 (20.0 MiB/s)\x1b[K\n'), JSON.stringify(text().slice(-60)));
  });

  test('not a terminal: no bar, no escape codes, one plain final line', () => {
    const { out, text } = sink(false);
    let now = 0;
    const bar = new ProgressBar(out, { now: () => now });
    for (let i = 1; i <= 10; i++) {
      now = i * 1000;
      bar.update(i * MiB, 10 * MiB);
    }
    bar.finish();
    assert.equal(text(), 'Uploaded 10.0 MiB in 0:10 (1.00 MiB/s)\n');
  });

  test('a resumed upload: the bar starts at the offset; rate and summary count this run only', () => {
    const { out, text } = sink(false);
    let now = 0;
    const bar = new ProgressBar(out, { now: () => now });
    now = 2000;
    bar.resumeAt(6 * MiB, 10 * MiB);
    for (let i = 1; i <= 4; i++) {
      now = 2000 + i * 1000;
      bar.update(6 * MiB + i * MiB, 10 * MiB);
    }
    bar.finish();
    assert.equal(text(), 'Uploaded 4.00 MiB in 0:04 (1.00 MiB/s), resumed at 6.00 MiB\n');
    assert.equal(renderSummary(MiB, 1000), 'Uploaded 1.00 MiB in 0:01 (1.00 MiB/s)', 'no resume, no suffix');
  });

  test('abort clears the bar line so an error message starts at column 0', () => {
    const { out, text } = sink(true);
    let now = 0;
    const bar = new ProgressBar(out, { now: () => now });
    now = 500;
    bar.update(MiB, 10 * MiB);
    bar.abort();
    bar.finish();
    assert.ok(text().endsWith('\r\x1b[K'));
    assert.ok(!text().includes('Uploaded'));
  });
});
