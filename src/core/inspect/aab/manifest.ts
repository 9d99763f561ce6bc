// The facts inspection needs from a bundle module's AndroidManifest.xml, which aapt2 stores as a
// protobuf XmlNode tree. Attributes are matched by android.R.attr id first and by name second,
// as for APK manifests (apk/manifest.ts holds the ids).
import { Attr, type AttrName } from '../apk/manifest.js';
import type { PbItem, PbXmlAttribute, PbXmlElement } from './schema.js';

const ANDROID_NS = 'http://schemas.android.com/apk/res/android';

/** An attribute's value as aapt2 stored it: compiled (a reference, string or number) and its source text. */
export interface ProtoValue {
  item: PbItem | null;
  text: string;
}

export interface BundleManifestFacts {
  packageName: string | null;
  versionCode: ProtoValue | null;
  versionCodeMajor: ProtoValue | null;
  versionName: ProtoValue | null;
  minSdk: ProtoValue | null;
  targetSdk: ProtoValue | null;
  label: ProtoValue | null;
  icon: ProtoValue | null;
  roundIcon: ProtoValue | null;
}

export function protoAttr(el: PbXmlElement | undefined, name: AttrName): ProtoValue | null {
  if (!el) return null;
  const id = Attr[name];
  const found =
    el.attribute.find((a) => a.resourceId === id) ??
    el.attribute.find((a: PbXmlAttribute) => a.name === name && (a.namespaceUri === ANDROID_NS || a.namespaceUri === ''));
  return found ? { item: found.compiledItem, text: found.value } : null;
}

export function childElements(el: PbXmlElement, name: string): PbXmlElement[] {
  return el.child.flatMap((c) => (c.element && c.element.name === name ? [c.element] : []));
}

export function bundleManifestFacts(root: PbXmlElement): BundleManifestFacts {
  const app = childElements(root, 'application')[0];
  const sdk = childElements(root, 'uses-sdk')[0];
  const pkg = root.attribute.find((a) => a.name === 'package' && a.namespaceUri === '')?.value ?? null;
  return {
    packageName: pkg || null,
    versionCode: protoAttr(root, 'versionCode'),
    versionCodeMajor: protoAttr(root, 'versionCodeMajor'),
    versionName: protoAttr(root, 'versionName'),
    minSdk: protoAttr(sdk, 'minSdkVersion'),
    targetSdk: protoAttr(sdk, 'targetSdkVersion'),
    label: protoAttr(app, 'label'),
    icon: protoAttr(app, 'icon'),
    roundIcon: protoAttr(app, 'roundIcon'),
  };
}
