// Package inspection on the server runs in worker threads with a deadline and a heap limit: whatever
// a package makes the parsers do, the upload is refused (PARSE_BUDGET, naming the limit) and the
// process goes on. The real worker returns what inspect() and readIconFile() return on the main thread.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOtashipError } from '../../../src/core/errors.js';
import { inspect, readIconFile } from '../../../src/core/inspect/index.js';
import { loadConfig } from '../../../src/config/index.js';
import type { IpaInfo } from '../../../src/core/types.js';
import { InspectPool } from '../../../src/services/publish/inspect-pool.js';
import { systemError } from '../../../src/services/publish/inspect-worker.js';
import { infrastructureError } from '../../../src/server/infra-fault.js';
import { buildIpa } from '../../helpers/synthetic-ipa.js';

const worker = (name: string) => new URL(`./workers/${name}.ts`, import.meta.url).href;

describe('InspectPool', { timeout: 120_000 }, () => {
  test('the real worker: the same result and icon bytes as inspecting on this thread', async () => {
    const path = await buildIpa({ bundleId: 'com.example.pool', icons: [{ file: 'AppIcon60x60@2x.png', width: 120, height: 120 }] });
    const now = Date.parse('2026-06-01T00:00:00Z');
    const pool = new InspectPool(60);
    try {
      const { info, icon } = await pool.inspect(path, now, 'app.ipa');
      const here = await inspect(path, { now });
      assert.deepEqual(info, here);
      assert.equal(here.kind, 'ipa');
      const bytes = await readIconFile(path, here as IpaInfo);
      assert.ok(bytes && icon && !(icon instanceof Error));
      assert.equal(icon.entry, bytes.entry);
      assert.ok(Buffer.isBuffer(icon.bytes));
      assert.ok(icon.bytes.equals(bytes.bytes));
    } finally {
      await pool.close();
    }
  });

  test("the worker's catalogue errors cross the thread with their code", async () => {
    const path = await buildIpa({ bundleId: 'com.example.pool' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, 'not a package at all');
    const pool = new InspectPool(60);
    try {
      await assert.rejects(pool.inspect(path, Date.now(), 'upload.ipa'), (e: unknown) => isOtashipError(e) && e.code === 'UNKNOWN_FILE_TYPE');
    } finally {
      await pool.close();
    }
  });

  test('an inspection past its deadline is stopped: PARSE_BUDGET naming OTASHIP_INSPECT_TIMEOUT; the pool serves again', async () => {
    const pool = new InspectPool(1, { workerUrl: worker('spin-worker') });
    try {
      for (let i = 0; i < 2; i++) {
        await assert.rejects(
          pool.inspect('/nowhere', Date.now(), 'slow.ipa'),
          (e: unknown) => isOtashipError(e) && e.code === 'PARSE_BUDGET' && /slow\.ipa took longer than 1 s \(OTASHIP_INSPECT_TIMEOUT\)/.test(e.message),
        );
      }
    } finally {
      await pool.close();
    }
  });

  test('an inspection past its heap limit ends its worker, not the process: PARSE_BUDGET naming the limit', async () => {
    const pool = new InspectPool(60, { workerUrl: worker('hoard-worker'), heapMb: 48 });
    try {
      await assert.rejects(
        pool.inspect('/nowhere', Date.now(), 'huge.ipa'),
        (e: unknown) => isOtashipError(e) && e.code === 'PARSE_BUDGET' && /huge\.ipa needed more than 48 MB/.test(e.message),
      );
    } finally {
      await pool.close();
    }
  });

  test('the deadline counts from when a worker takes the task: a queue of quick tasks is not refused', async () => {
    // 20 tasks of 0.2 s behind one another take longer than the 3 s deadline, each far less.
    const pool = new InspectPool(3, { workerUrl: worker('nap-worker') });
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => pool.inspect('/nowhere', Date.now(), 'quick.ipa')));
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    } finally {
      await pool.close();
    }
  });

  test('a system error in the worker keeps its code across the thread: a failing disk is 503, not a bug', async () => {
    const pool = new InspectPool(60, { workerUrl: worker('eio-worker') });
    try {
      const err = await pool.inspect('/nowhere', Date.now(), 'x.ipa').then(
        () => assert.fail('the read failed'),
        (e: unknown) => e,
      );
      assert.equal((err as { code?: string }).code, 'EIO');
      assert.equal(infrastructureError(err)?.code, 'UNAVAILABLE');
    } finally {
      await pool.close();
    }
  });

  test('the real worker sends an operating-system error as its code, and a bug as a bug', () => {
    assert.deepEqual(systemError(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' })), {
      errno: 'EIO',
      syscall: 'read',
      message: 'EIO: i/o error, read',
    });
    assert.equal(systemError(new TypeError('x is undefined')), null);
  });

  test('a closed pool refuses (UNAVAILABLE) instead of starting threads again', async () => {
    const pool = new InspectPool(60);
    await pool.close();
    await assert.rejects(pool.inspect('/nowhere', Date.now(), 'x.ipa'), (e: unknown) => isOtashipError(e) && e.code === 'UNAVAILABLE');
  });
});

test('OTASHIP_INSPECT_TIMEOUT: 120 s by default; nonsense and more than an hour are refused by name', () => {
  assert.equal(loadConfig({ env: {} }).inspectTimeoutSeconds, 120);
  assert.equal(loadConfig({ env: { OTASHIP_INSPECT_TIMEOUT: '30s' } }).inspectTimeoutSeconds, 30);
  for (const value of ['2h', 'later', '0']) {
    assert.throws(
      () => loadConfig({ env: { OTASHIP_INSPECT_TIMEOUT: value } }),
      (err: Error & { code?: string }) => err.code === 'CONFIG' && err.message.includes('OTASHIP_INSPECT_TIMEOUT'),
      value,
    );
  }
});
