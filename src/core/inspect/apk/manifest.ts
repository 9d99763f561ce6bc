// The facts otaship needs from the decoded AndroidManifest.xml tree. Attributes are matched by
// their android.R.attr id first (obfuscators such as those in some release pipelines blank the
// names) and by name second (hand-built or very old manifests without a resource map).
import type { XmlAttribute, XmlElement } from './axml.js';
import type { TypedValue } from './typed-value.js';

const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

export const Attr = {
  label: 0x01010001,
  icon: 0x01010002,
  name: 0x01010003,
  debuggable: 0x0101000f,
  drawable: 0x01010199,
  minSdkVersion: 0x0101020c,
  versionCode: 0x0101021b,
  versionName: 0x0101021c,
  targetSdkVersion: 0x01010270,
  testOnly: 0x01010272,
  required: 0x0101028e,
  roundIcon: 0x0101052c,
  versionCodeMajor: 0x01010576,
} as const;

export type AttrName = keyof typeof Attr;

export function attr(el: XmlElement | undefined, name: AttrName): TypedValue | null {
  if (!el) return null;
  const id = Attr[name];
  const byId = el.attributes.find((a) => a.resId === id);
  if (byId) return byId.value;
  const byName = el.attributes.find((a: XmlAttribute) => a.name === name && (a.namespace === ANDROID_NS || a.namespace === null));
  return byName?.value ?? null;
}

export interface ManifestFacts {
  packageName: string | null;
  versionCode: TypedValue | null;
  /** High 32 bits of the long version code (API 28+); rarely set. */
  versionCodeMajor: TypedValue | null;
  versionName: TypedValue | null;
  minSdk: TypedValue | null;
  targetSdk: TypedValue | null;
  label: TypedValue | null;
  icon: TypedValue | null;
  roundIcon: TypedValue | null;
  debuggable: TypedValue | null;
  testOnly: TypedValue | null;
  features: { name: string; required: TypedValue | null }[];
  /** Some activity's intent filter has category LEANBACK_LAUNCHER (an Android TV entry point). */
  leanbackLauncher: boolean;
}

function* walk(el: XmlElement): Generator<XmlElement> {
  // Iterative: the tree depth is bounded by the parser, but recursion depth need not be.
  const stack = [el];
  while (stack.length) {
    const next = stack.pop();
    if (!next) break;
    yield next;
    for (let i = next.children.length - 1; i >= 0; i--) {
      const child = next.children[i];
      if (child) stack.push(child);
    }
  }
}

export function manifestFacts(root: XmlElement): ManifestFacts {
  const child = (name: string): XmlElement | undefined => root.children.find((c) => c.name === name);
  const app = child('application');
  const sdk = child('uses-sdk');
  const pkg = root.attributes.find((a) => a.name === 'package' && a.namespace === null)?.value.string ?? null;
  const features = root.children
    .filter((c) => c.name === 'uses-feature')
    .map((c) => ({ name: attr(c, 'name')?.string ?? '', required: attr(c, 'required') }));
  let leanbackLauncher = false;
  if (app) {
    for (const el of walk(app)) {
      if (el.name === 'category' && attr(el, 'name')?.string === 'android.intent.category.LEANBACK_LAUNCHER') {
        leanbackLauncher = true;
        break;
      }
    }
  }
  return {
    packageName: pkg,
    versionCode: attr(root, 'versionCode'),
    versionCodeMajor: attr(root, 'versionCodeMajor'),
    versionName: attr(root, 'versionName'),
    minSdk: attr(sdk, 'minSdkVersion'),
    targetSdk: attr(sdk, 'targetSdkVersion'),
    label: attr(app, 'label'),
    icon: attr(app, 'icon'),
    roundIcon: attr(app, 'roundIcon'),
    debuggable: attr(app, 'debuggable'),
    testOnly: attr(app, 'testOnly') ?? attr(root, 'testOnly'),
    features,
    leanbackLauncher,
  };
}
