// The release source on pages: escaped, the build link only in the admin and only when http(s).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sourceFragment } from '../../src/web/source.js';
import { renderInstallPage } from '../../src/web/index.js';
import { iosView } from './fixtures.js';
import { parseHtml } from './dom.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('release source fragment', () => {
  test('admin: the CI name links to the build; branch escaped; git hash shortened with the full one in the title', () => {
    const out = sourceFragment({ ci: 'gitlab-ci', branch: '<img src=x onerror=alert(1)>', commit: SHA, buildUrl: 'https://gitlab.com/a/b/-/jobs/1?x="y"' }, true).value;
    const dom = parseHtml(out);
    const [link] = dom.byTag('a');
    assert.equal(dom.attr(link!, 'href'), 'https://gitlab.com/a/b/-/jobs/1?x=%22y%22');
    assert.equal(dom.text(link!), 'GitLab CI');
    assert.equal(dom.byTag('img').length, 0);
    assert.ok(dom.text(dom.byClass('release-source')[0]!).includes('<img src=x onerror=alert(1)>'));
    assert.equal(dom.attr(dom.byTag('code')[0]!, 'title'), SHA);
    assert.equal(dom.text(dom.byTag('code')[0]!), SHA.slice(0, 12));
  });

  test('a stored build URL that is not http(s) is never a link', () => {
    const dom = parseHtml(sourceFragment({ ci: 'jenkins', buildUrl: 'javascript:alert(1)' }, true).value);
    assert.equal(dom.byTag('a').length, 0);
  });

  test('install page: "Built by" without the build link; unknown CIs by their name', async () => {
    const out = (await renderInstallPage(iosView({ source: { ci: 'my-ci', branch: 'main', commit: 'r1234', buildUrl: 'https://ci.example.com/1' } }))).value;
    const dom = parseHtml(out);
    const source = dom.byClass('release-source')[0]!;
    assert.equal(dom.text(source), 'my-ci · main · r1234');
    assert.ok(!out.includes('https://ci.example.com/1'));
  });
});
