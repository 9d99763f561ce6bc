// The edges of range.ts that the mutation run (npm run mutate -- range) found untested: how
// decideRange combines the headers, the anchors of its patterns, unsafe numbers, suffix ranges,
// and the validators' spelling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRange, isSuffixRange, parseRange, quoteEtag } from '../../../src/server/http/range.js';

const v = { etag: '"abc"', lastModified: new Date('2024-05-01T10:00:00Z') };
const HUGE = '99999999999999999999'; // beyond Number.MAX_SAFE_INTEGER

describe('decideRange', () => {
  test('a range without If-Range is served partially; a bad or unsatisfiable one as the whole body or 416', () => {
    assert.deepEqual(decideRange({ range: 'bytes=0-9' }, 100, v), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decideRange({ range: 'bytes=zz' }, 100, v), { kind: 'full' });
    assert.deepEqual(decideRange({ range: 'bytes=200-' }, 100, v), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange({}, 100, v), { kind: 'full' });
  });

  test('If-Range: a matching strong tag or exact date keeps the range, with spaces around it', () => {
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: '  "abc"  ' }, 100, v), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: ` ${v.lastModified.toUTCString()} ` }, 100, v), { kind: 'partial', start: 0, end: 9 });
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: '"other"' }, 100, v), { kind: 'full' });
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: 'W/"abc"' }, 100, v), { kind: 'full' });
  });

  test('If-Range: an entity tag is never read as a date, even one whose text Date.parse would accept', () => {
    const date = v.lastModified.toUTCString();
    // V8's Date.parse skips the quotes and the W/, so only the leading '"' or 'W/' tells a tag apart.
    assert.equal(Date.parse(`W/"${date}"`), v.lastModified.getTime());
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: `W/"${date}"` }, 100, v), { kind: 'full' });
    assert.deepEqual(decideRange({ range: 'bytes=0-9', ifRange: `"${date}` }, 100, v), { kind: 'full' });
  });

  test('If-None-Match: "*" with spaces, and a W/ only as a prefix is ignored', () => {
    assert.deepEqual(decideRange({ ifNoneMatch: '  *  ' }, 100, v), { kind: 'not-modified' });
    const inner = { etag: '"aW/b"', lastModified: v.lastModified };
    assert.deepEqual(decideRange({ ifNoneMatch: '"ab"' }, 100, inner), { kind: 'full' });
    assert.deepEqual(decideRange({ ifNoneMatch: 'W/"aW/b"' }, 100, inner), { kind: 'not-modified' });
  });
});

describe('parseRange: anchors, lists and unsafe numbers', () => {
  test('the unit must start the header and the spec must be the whole value', () => {
    assert.equal(parseRange('notbytes=0-1', 100), null);
    assert.equal(parseRange('bytes=0-1\nx', 100), null);
    assert.equal(parseRange('bytes=a5-9', 100), null);
    assert.equal(parseRange('bytes=5-9x', 100), null);
  });

  test('empty list items are skipped, so one range with a trailing comma is still one range', () => {
    assert.deepEqual(parseRange('bytes=0-1, ', 100), { start: 0, end: 1 });
    assert.deepEqual(parseRange('bytes=0-1,,', 100), { start: 0, end: 1 });
  });

  test('numbers beyond 2^53 make the header ignorable, not a range', () => {
    assert.equal(parseRange(`bytes=-${HUGE}`, 100), null);
    assert.equal(parseRange(`bytes=${HUGE}-`, 100), null);
    assert.equal(parseRange(`bytes=0-${HUGE}`, 100), null);
  });

  test('a suffix range of an empty body is unsatisfiable', () => {
    assert.equal(parseRange('bytes=-5', 0), 'unsatisfiable');
  });
});

describe('isSuffixRange', () => {
  const partial = { kind: 'partial', start: 95, end: 99 } as const;
  test('only a served bytes=-n range is a suffix range', () => {
    assert.equal(isSuffixRange('bytes=-5', partial), true);
    assert.equal(isSuffixRange('  Bytes  =  -5', partial), true);
    assert.equal(isSuffixRange(' bytes=-5', partial), true);
    assert.equal(isSuffixRange('bytes=95-', partial), false);
    assert.equal(isSuffixRange('x bytes=-5', partial), false);
    assert.equal(isSuffixRange(undefined, partial), false);
    assert.equal(isSuffixRange('bytes=-5', { kind: 'full' }), false);
    assert.equal(isSuffixRange('bytes=-5', { kind: 'unsatisfiable' }), false);
  });
});

describe('quoteEtag', () => {
  test('drops a leading W/ only, and removes characters an ETag may not hold', () => {
    assert.equal(quoteEtag('abcW/def'), '"abcW/def"');
    assert.equal(quoteEtag('W/"abc"'), '"abc"');
    assert.equal(quoteEtag('a b\u00e9c'), '"abc"');
  });
});
