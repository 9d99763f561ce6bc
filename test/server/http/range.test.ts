import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decideRange, parseRange, quoteEtag } from '../../../src/server/http/range.js';
import { contentDisposition } from '../../../src/server/http/content-disposition.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const v = { etag: '"abc"', lastModified: new Date('2024-05-01T10:00:00Z') };

describe('parseRange', () => {
  test('the three single-range forms', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, end: 99 }, 'end clamps to the size');
    assert.deepEqual(parseRange(' Bytes = 1 - 2 ', 100), { start: 1, end: 2 });
  });
  test('unsatisfiable and ignorable ranges', () => {
    assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-0', 0), 'unsatisfiable');
    assert.equal(parseRange('bytes=9-1', 100), null);
    assert.equal(parseRange('items=0-1', 100), null);
    assert.equal(parseRange('bytes=0-1,5-6', 100), null, 'multi-range → whole body');
    assert.equal(parseRange('bytes=abc', 100), null);
    assert.equal(parseRange('bytes=-', 100), null);
  });
  test('property: any satisfiable range lies inside the body and is non-empty', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(20_000), fc.nat(20_000), (size, a, b) => {
        const r = parseRange(`bytes=${a}-${b}`, size);
        if (r === null || r === 'unsatisfiable') return true;
        return r.start >= 0 && r.start <= r.end && r.end < size && r.start === a;
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});

describe('decideRange (If-Range, If-None-Match)', () => {
  test('If-Range with the current ETag keeps the range; another ETag or a weak one sends everything', () => {
    assert.deepEqual(decideRange({ range: 'bytes=5-', ifRange: '"abc"' }, 10, v), { kind: 'partial', start: 5, end: 9 });
    assert.deepEqual(decideRange({ range: 'bytes=5-', ifRange: '"old"' }, 10, v), { kind: 'full' });
    assert.deepEqual(decideRange({ range: 'bytes=5-', ifRange: 'W/"abc"' }, 10, v), { kind: 'full' });
  });
  test('If-Range with a date matches Last-Modified exactly', () => {
    const date = v.lastModified.toUTCString();
    assert.equal(decideRange({ range: 'bytes=0-1', ifRange: date }, 10, v).kind, 'partial');
    assert.equal(decideRange({ range: 'bytes=0-1', ifRange: new Date(0).toUTCString() }, 10, v).kind, 'full');
  });
  test('If-None-Match → not modified (weak comparison, lists, *)', () => {
    assert.equal(decideRange({ ifNoneMatch: '"abc"' }, 10, v).kind, 'not-modified');
    assert.equal(decideRange({ ifNoneMatch: 'W/"abc"' }, 10, v).kind, 'not-modified');
    assert.equal(decideRange({ ifNoneMatch: '"x", "abc"' }, 10, v).kind, 'not-modified');
    assert.equal(decideRange({ ifNoneMatch: '*' }, 10, v).kind, 'not-modified');
    assert.equal(decideRange({ ifNoneMatch: '"x"' }, 10, v).kind, 'full');
  });
  test('quoteEtag makes a strong quoted tag from any backend form', () => {
    assert.equal(quoteEtag('abc'), '"abc"');
    assert.equal(quoteEtag('"abc"'), '"abc"');
    assert.equal(quoteEtag('W/"abc"'), '"abc"');
  });
});

describe('contentDisposition', () => {
  test('ASCII names stay simple', () => {
    assert.equal(contentDisposition('App 1.0 (3).ipa'), 'attachment; filename="App 1.0 (3).ipa"');
  });
  test('unicode names get an RFC 5987 filename* and an ASCII fallback', () => {
    const h = contentDisposition('Café 🚀.ipa');
    assert.equal(h, `attachment; filename="Caf_ __.ipa"; filename*=UTF-8''Caf%C3%A9%20%F0%9F%9A%80.ipa`);
    assert.equal(decodeURIComponent(h.split("UTF-8''")[1]!), 'Café 🚀.ipa');
  });
  test('hostile names cannot break the header or name a path', () => {
    for (const name of ['a"b.ipa', '../../etc/passwd', 'x\r\nSet-Cookie: a=b.ipa', 'a;b=c.ipa', '%41.ipa', '\u0000']) {
      const h = contentDisposition(name);
      // eslint-disable-next-line no-control-regex -- a NUL in a header is exactly what must not appear
      assert.doesNotMatch(h, /[\r\n\u0000]/);
      const fallback = /filename="([^"]*)"/.exec(h)?.[1] ?? '';
      assert.doesNotMatch(fallback, /["/\\;%]/);
      const star = h.split("UTF-8''")[1];
      if (star) assert.doesNotMatch(decodeURIComponent(star), /[/\\\r\n]/);
    }
  });
});
