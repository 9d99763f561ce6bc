// One pass over the zip's entry names finds everything IPA inspection needs: the main app, its
// nested bundles, its root files (icons), its profile and code signature. Zip order varies (nested
// Info.plists often come first), so the main app is decided only by the exact path pattern.
import type { ZipEntryInfo } from '../../zip/archive.js';

const MAIN_INFO_PLIST = /^(Payload\/[^/]+\.app)\/Info\.plist$/;
const NESTED_BUNDLE = /^(Payload\/[^/]+\.app)\/((?:PlugIns|Extensions)\/[^/]+\.appex|(?:Watch|AppClips)\/[^/]+\.app)\/./;
const ROOT_FILE = /^(Payload\/[^/]+\.app)\/([^/]+)$/;
const ANY_APP_PLIST = /(?:^|\/)[^/]+\.app\/Info\.plist$/;

export interface IpaLayout {
  appPath: string;
  /** Other Payload/*.app bundles that also had an Info.plist (not chosen). */
  otherApps: string[];
  extensions: string[];
  /** File names directly inside the .app folder, for icon lookup. */
  rootFiles: string[];
  infoPlist: string;
  profileEntry: string | null;
  codeSignature: boolean;
}

export interface ZipSurvey {
  /** Main-app candidates, in zip order. */
  apps: string[];
  nested: Map<string, Set<string>>;
  rootFiles: Map<string, string[]>;
  /** Facts for a helpful NO_APP_BUNDLE message. */
  strayAppPlist: string | null;
  payloadEntries: number;
  payloadApps: Set<string>;
  androidManifest: boolean;
}

export function isIgnored(name: string): boolean {
  return name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

export function surveyZip(entries: readonly ZipEntryInfo[]): ZipSurvey {
  const s: ZipSurvey = {
    apps: [],
    nested: new Map(),
    rootFiles: new Map(),
    strayAppPlist: null,
    payloadEntries: 0,
    payloadApps: new Set(),
    androidManifest: false,
  };
  for (const e of entries) {
    const name = e.name;
    if (isIgnored(name)) continue;
    if (!name.startsWith('Payload/')) {
      if (name === 'AndroidManifest.xml') s.androidManifest = true;
      else if (s.strayAppPlist === null && ANY_APP_PLIST.test(name)) s.strayAppPlist = name;
      continue;
    }
    s.payloadEntries++;
    const main = MAIN_INFO_PLIST.exec(name);
    if (main?.[1]) {
      if (!e.isDirectory) s.apps.push(main[1]);
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
    if (root?.[1] && root[2] && !e.isDirectory) {
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

/** The main app of a surveyed IPA, or null when there is none. */
export function ipaLayout(s: ZipSurvey): IpaLayout | null {
  // Every candidate has the same depth (Payload/X.app), so "fewest segments" ties: first in zip order.
  const unique = [...new Set(s.apps)];
  const appPath = unique[0];
  if (appPath === undefined) return null;
  const rootFiles = s.rootFiles.get(appPath) ?? [];
  return {
    appPath,
    otherApps: unique.slice(1),
    extensions: [...(s.nested.get(appPath) ?? [])].sort(),
    rootFiles,
    infoPlist: `${appPath}/Info.plist`,
    profileEntry: rootFiles.includes('embedded.mobileprovision') ? `${appPath}/embedded.mobileprovision` : null,
    codeSignature: false, // decided by the caller with one map lookup
  };
}

/** Says what the zip holds instead of an app, for the NO_APP_BUNDLE message. */
export function describeMissingApp(s: ZipSurvey, entryCount: number): string {
  if (s.strayAppPlist) {
    return `found ${s.strayAppPlist}, but an app's Info.plist must sit at Payload/<Name>.app/Info.plist`;
  }
  const app = [...s.payloadApps][0];
  if (app) return `Payload/${app}/ has no Info.plist`;
  if (s.payloadEntries > 0) return 'Payload/ holds no .app bundle';
  return `none of its ${entryCount} entries is in a Payload/ folder`;
}
