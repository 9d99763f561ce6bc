import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { parseDocument } from 'htmlparser2';
import { QR_ERROR_CORRECTION, QR_MARGIN, qrSegments, qrSvg } from '../../src/web/qr.js';
import { parseHtml } from './dom.js';

/**
 * Rebuilds the dark-module matrix from the SVG path qrcode draws ("M x y h n m dx dy h n …", one
 * horizontal run per segment, y at the module's middle line). No QR decoder is installed, so the test
 * compares this matrix with the one the qrcode encoder computes for the expected text.
 */
function modulesFromSvg(svg: string): { size: number; dark: Set<string> } {
  const dom = parseHtml(svg);
  const root = dom.byTag('svg')[0]!;
  const [, , w] = (dom.attr(root, 'viewbox') ?? dom.attr(root, 'viewBox') ?? '').split(' ').map(Number);
  const stroke = dom.byTag('path').find((p) => dom.attr(p, 'stroke') !== undefined);
  assert.ok(stroke, 'the SVG has a stroked path of dark modules');
  const d = dom.attr(stroke, 'd') ?? '';
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    const n1 = Number(a);
    const n2 = Number(b ?? 0);
    if (cmd === 'M') [x, y] = [n1, n2];
    else if (cmd === 'm') [x, y] = [x + n1, y + n2];
    else if (cmd === 'h') {
      for (let i = 0; i < n1; i++) dark.add(`${x + i - QR_MARGIN},${Math.floor(y) - QR_MARGIN}`);
      x += n1;
    }
  }
  return { size: (w ?? 0) - 2 * QR_MARGIN, dark };
}

function expectedModules(text: string): { size: number; dark: Set<string> } {
  const qr = QRCode.create(qrSegments(text), { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const dark = new Set<string>();
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) if (qr.modules.get(r, c)) dark.add(`${c},${r}`);
  }
  return { size: qr.modules.size, dark };
}

describe('QR code SVG', () => {
  const urls = [
    'https://ota.example.com/i/01HZX3?t=eyJzdWIiOiIwMUhaWDMiLCJleHAiOjE3MDB9.abc-_',
    'https://ota.example.com/apps/abc',
    'https://例え.jp/i/ü?t=a&b=c',
  ];

  for (const url of urls) {
    test(`encodes exactly the modules of ${url}`, async () => {
      const svg = (await qrSvg(url)).value;
      const got = modulesFromSvg(svg);
      const want = expectedModules(url);
      assert.equal(got.size, want.size);
      assert.equal(got.dark.size, want.dark.size);
      assert.deepEqual([...got.dark].sort(), [...want.dark].sort());
    });
  }

  test('a different URL gives a different matrix (the comparison can fail)', async () => {
    const svg = (await qrSvg('https://ota.example.com/i/A')).value;
    const got = modulesFromSvg(svg);
    const other = expectedModules('https://ota.example.com/i/B');
    assert.notDeepEqual([...got.dark].sort(), [...other.dark].sort());
  });

  test('is well-formed SVG with an accessible, escaped label', async () => {
    const svg = (await qrSvg('https://x.example/', { label: 'Scan "me" <now> & go' })).value;
    const doc = parseDocument(svg, { xmlMode: true });
    const root = doc.children.find((n) => n.type === 'tag') as unknown as { name: string; attribs: Record<string, string> };
    assert.equal(root.name, 'svg');
    assert.equal(root.attribs['xmlns'], 'http://www.w3.org/2000/svg');
    assert.equal(root.attribs['role'], 'img');
    assert.equal(root.attribs['aria-label'], 'Scan "me" <now> & go');
    assert.ok(!svg.includes('<now>'));
    assert.match(svg.trim(), /^<svg [^>]*>[\s\S]*<\/svg>$/);
  });

  test('a repeated URL reuses its drawing but each call keeps its own label', async () => {
    const url = 'https://ota.example.com/apps/public-app';
    const a = (await qrSvg(url, { label: 'first <one>' })).value;
    const b = (await qrSvg(url, { label: 'second' })).value;
    assert.match(a, /aria-label="first &#60;one&#62;"/);
    assert.match(b, /aria-label="second"/);
    assert.doesNotMatch(b, /first/);
    assert.equal(a.replace(/aria-label="[^"]*"/, ''), b.replace(/aria-label="[^"]*"/, ''));
  });
});

