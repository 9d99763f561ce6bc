// A CLI command whose database cannot be reached says so — the database, unavailable, try again —
// with the environment exit code, never "unexpected error … bug".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('otaship token list with PostgreSQL down: "the database cannot be reached", exit 3', async () => {
  const url = `postgres://otaship@127.0.0.1:${await closedPort()}/otaship`;
  const res = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'token', 'list'],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OTASHIP_DATABASE_URL: url, NODE_NO_WARNINGS: '1' } },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
  assert.equal(res.code, 3, res.stderr);
  assert.match(res.stderr, /the database cannot be reached or used right now \(ECONNREFUSED\)/);
  assert.match(res.stderr, /try again shortly/);
  assert.doesNotMatch(res.stderr, /bug|unexpected/i);
});
