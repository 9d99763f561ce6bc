import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS, OtashipError } from '../../src/core/errors.js';

test('every catalogue entry has a usable status, exit code and hint', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.ok(spec.status >= 400 && spec.status < 600, `${code} status`);
    assert.ok([1, 2, 3].includes(spec.exit), `${code} exit`);
    assert.match(spec.hint, /^[A-Z].*[.)]$/, `${code} hint is a sentence`);
  }
});

test('an OtashipError renders one line: the problem, then what to do', () => {
  const err = new OtashipError('NOT_A_ZIP', 'app.ipa is not a zip archive');
  assert.equal(err.status, 415);
  assert.equal(err.exitCode, 2);
  assert.equal(err.toLine(), `app.ipa is not a zip archive. ${ERRORS.NOT_A_ZIP.hint}`);
  assert.ok(!err.toLine().includes('\n'));
});
