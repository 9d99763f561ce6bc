// Which root files of an .app are icon candidates: found in one pass over the files (names looked up,
// not compared with every file), with exactly the answers of the plain nested loop it replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { iconCandidates } from '../../../src/core/inspect/ipa/icons.js';
import type { PlistDict } from '../../../src/core/plist/read.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const ICON_SUFFIX = /^(?:\d+(?:\.\d+)?x\d+(?:\.\d+)?)?(?:@\d(?:\.\d+)?x)?(?:~ipad|~iphone)?\.png$/i;

/** The reference: every name against every file, in name order. */
function nested(names: string[], rootFiles: string[]): string[] {
  const bases = (names.length > 0 ? names : ['AppIcon', 'Icon']).map((n) => n.replace(/\.png$/i, '').toLowerCase());
  const out: string[] = [];
  const seen = new Set<string>();
  for (const base of bases) {
    for (const file of rootFiles) {
      const lower = file.toLowerCase();
      if (seen.has(file) || !lower.startsWith(base)) continue;
      if (ICON_SUFFIX.test(lower.slice(base.length))) {
        seen.add(file);
        out.push(file);
      }
    }
  }
  return out;
}

const plistOf = (names: string[]): PlistDict => (names.length > 0 ? { CFBundleIconFiles: names } : {});

test('Xcode-style names and files: the candidates in name order', () => {
  const names = ['AppIcon20x20', 'AppIcon60x60'];
  const files = ['Info.plist', 'AppIcon60x60@3x.png', 'AppIcon20x20@2x.png', 'AppIcon60x60@2x.png', 'Assets.car', 'appicon20x20@3x~ipad.PNG'];
  assert.deepEqual(iconCandidates(plistOf(names), files), ['AppIcon20x20@2x.png', 'appicon20x20@3x~ipad.PNG', 'AppIcon60x60@3x.png', 'AppIcon60x60@2x.png']);
  assert.deepEqual(iconCandidates(plistOf([]), ['Icon.png', 'AppIcon76x76@2x~ipad.png', 'Iconic.png']), ['AppIcon76x76@2x~ipad.png', 'Icon.png']);
});

test('property: the same candidates as comparing every name with every file', () => {
  const stem = fc.constantFrom('AppIcon', 'Icon', 'appicon', 'Icon-', 'A', '', 'Icon60x60', 'AppIcon60x60@2x');
  const suffix = fc.constantFrom('', '60x60', '20x20', '83.5x83.5', '@2x', '@3x', '~ipad', '~iphone', '@2x~ipad', '.png', '.PNG', 'x.png', '.txt');
  const file = fc.tuple(stem, suffix, suffix).map(([a, b, c]) => `${a}${b}${c}`);
  fc.assert(
    fc.property(fc.array(file, { maxLength: 12 }), fc.array(file, { maxLength: 30 }), (names, files) => {
      const listed = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
      assert.deepEqual(iconCandidates(plistOf(names), files), nested(listed, files));
    }),
    { numRuns: propertyRuns(500) },
  );
});

test('100,000 names beside 100,000 files: one pass (a nested loop here would be 10^10 comparisons)', () => {
  const names = Array.from({ length: 100_000 }, (_, i) => `Name${i}`);
  const files = Array.from({ length: 100_000 }, (_, i) => `File${i}.png`);
  files.push('Name99999@2x.png');
  assert.deepEqual(iconCandidates(plistOf(names), files), ['Name99999@2x.png']);
});
