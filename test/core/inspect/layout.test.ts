// surveyZip() walks names with index arithmetic (it runs once per entry); this checks it against a
// straightforward regular-expression version of the same rules on generated entry names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isIgnored, surveyZip } from '../../../src/core/inspect/ipa/layout.js';
import type { ZipSurvey } from '../../../src/core/inspect/ipa/layout.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const MAIN_INFO_PLIST = /^(Payload\/[^/]+\.app)\/Info\.plist$/;
const NESTED_BUNDLE = /^(Payload\/[^/]+\.app)\/((?:PlugIns|Extensions)\/[^/]+\.appex|(?:Watch|AppClips)\/[^/]+\.app)\/./;
const ROOT_FILE = /^(Payload\/[^/]+\.app)\/([^/]+)$/;
const ANY_APP_PLIST = /(?:^|\/)[^/]+\.app\/Info\.plist$/;

function oracle(names: readonly string[]): ZipSurvey {
  const s: ZipSurvey = { apps: [], nested: new Map(), rootFiles: new Map(), strayAppPlist: null, payloadEntries: 0, payloadApps: new Set(), androidManifest: false };
  for (const name of names) {
    if (isIgnored(name)) continue;
    if (!name.startsWith('Payload/')) {
      if (name === 'AndroidManifest.xml') s.androidManifest = true;
      else if (s.strayAppPlist === null && ANY_APP_PLIST.test(name)) s.strayAppPlist = name;
      continue;
    }
    s.payloadEntries++;
    const main = MAIN_INFO_PLIST.exec(name);
    if (main?.[1]) {
      s.apps.push(main[1]);
      continue;
    }
    const nested = NESTED_BUNDLE.exec(name);
    if (nested?.[1] && nested[2]) {
      let set = s.nested.get(nested[1]);
      if (!set) s.nested.set(nested[1], (set = new Set()));
      set.add(`${nested[1]}/${nested[2]}`);
      continue;
    }
    const root = ROOT_FILE.exec(name);
    if (root?.[1] && root[2]) {
      let list = s.rootFiles.get(root[1]);
      if (!list) s.rootFiles.set(root[1], (list = []));
      list.push(root[2]);
      continue;
    }
    const appDir = /^Payload\/([^/]+\.app)\//.exec(name);
    if (appDir?.[1]) s.payloadApps.add(appDir[1]);
    else if (s.strayAppPlist === null && ANY_APP_PLIST.test(name)) s.strayAppPlist = name;
  }
  return s;
}

const segment = fc.constantFrom(
  'Payload', 'A.app', 'B.app', '.app', 'x.appex', 'Ext.appex', 'PlugIns', 'Extensions', 'Watch', 'AppClips', 'Frameworks',
  'Info.plist', 'AppIcon60x60@2x.png', 'embedded.mobileprovision', '__MACOSX', '.DS_Store', 'W.app', '', 'r.txt', 'AndroidManifest.xml',
);
const name = fc.array(segment, { minLength: 1, maxLength: 6 }).chain((segs) => fc.boolean().map((dir) => segs.join('/') + (dir ? '/' : '')));

describe('surveyZip', () => {
  test('matches the regular-expression rules on generated names', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), (names) => {
        assert.deepEqual(surveyZip(names), oracle(names));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  test('a typical app: main app, nested bundles, root files', () => {
    const s = surveyZip([
      'Payload/',
      'Payload/My.app/',
      'Payload/My.app/PlugIns/Share.appex/Info.plist',
      'Payload/My.app/PlugIns/Share.appex/Share',
      'Payload/My.app/Watch/W.app/Info.plist',
      'Payload/My.app/Info.plist',
      'Payload/My.app/AppIcon60x60@2x.png',
      'Payload/My.app/Frameworks/F.framework/F',
      '__MACOSX/Payload/My.app/._Info.plist',
    ]);
    assert.deepEqual(s.apps, ['Payload/My.app']);
    assert.deepEqual([...(s.nested.get('Payload/My.app') ?? [])], ['Payload/My.app/PlugIns/Share.appex', 'Payload/My.app/Watch/W.app']);
    assert.deepEqual(s.rootFiles.get('Payload/My.app'), ['AppIcon60x60@2x.png']);
  });
});
