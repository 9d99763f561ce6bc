// Judge a manifest: every problem with a stable code, a severity and a message that names the field.
// One walk produces both the problems and, when the required structure is there, the typed object,
// so parseManifest() and validateManifest() can never disagree about what a manifest holds.
import { OtashipError } from '../errors.js';
import { hasErrors, problem } from './problems.js';
import { readManifestPlist } from './read-plist.js';
import { ASSET_KINDS, type Manifest, type ManifestAsset, type ManifestItem, type ManifestMetadata, type ManifestProblem } from './types.js';
import { checkAssetUrl, urlExtension } from './urls.js';

type Dict = Record<string, unknown>;

export interface ManifestAnalysis {
  /** The typed manifest, or null when a required part is missing or of the wrong type. */
  manifest: Manifest | null;
  problems: ManifestProblem[];
  /** No problem of severity 'error'. */
  valid: boolean;
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

function typeName(v: unknown): string {
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a real';
  if (typeof v === 'boolean') return 'a boolean';
  if (v instanceof Date) return 'a date';
  if (v instanceof Uint8Array) return 'data';
  if (Array.isArray(v)) return 'an array';
  if (isDict(v)) return 'a dict';
  return 'nothing';
}

function get(d: Dict, key: string): unknown {
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

const HEX = { sha256: /^[0-9a-fA-F]{64}$/, md5: /^[0-9a-fA-F]{32}$/ } as const;
const BUNDLE_ID_CHARS = /^[A-Za-z0-9.-]+$/;

class Walker {
  readonly problems: ManifestProblem[] = [];

  private add(code: Parameters<typeof problem>[0], message: string, path?: string): void {
    this.problems.push(problem(code, message, path));
  }

  private wrongType(path: string, key: string, v: unknown, want: string): void {
    this.add('WRONG_TYPE', `${key} is ${typeName(v)}; it must be ${want}`, path);
  }

  root(value: unknown): Manifest | null {
    if (!isDict(value)) {
      this.add('ROOT_NOT_DICT', `the manifest's root is ${typeName(value)}; it must be a dict holding "items"`);
      return null;
    }
    const items = get(value, 'items');
    if (items === undefined) {
      this.add('MISSING_ITEMS', 'the manifest has no "items" array', 'items');
      return null;
    }
    if (!Array.isArray(items)) {
      this.wrongType('items', 'items', items, 'an array of one dict');
      return null;
    }
    if (items.length === 0) {
      this.add('NO_ITEMS', '"items" is empty: it must hold the one app to install', 'items');
      return null;
    }
    if (items.length > 1) {
      this.add('SEVERAL_ITEMS', `"items" holds ${items.length} entries: a manifest installs one app; give each app its own manifest`, 'items');
    }
    const typed = items.map((it, i) => this.item(it, `items[${i}]`));
    return typed.every((t): t is ManifestItem => t !== null) ? { items: typed } : null;
  }

  private item(value: unknown, path: string): ManifestItem | null {
    if (!isDict(value)) {
      this.add('ITEM_NOT_DICT', `${path} is ${typeName(value)}; it must be a dict with "assets" and "metadata"`, path);
      return null;
    }
    let ok = true;
    const assets = get(value, 'assets');
    const typedAssets: ManifestAsset[] = [];
    if (assets === undefined) {
      this.add('MISSING_ASSETS', `${path} has no "assets" array (the software-package URL goes there)`, `${path}.assets`);
      ok = false;
    } else if (!Array.isArray(assets)) {
      this.wrongType(`${path}.assets`, 'assets', assets, 'an array of dicts');
      ok = false;
    } else {
      assets.forEach((a, i) => {
        const t = this.asset(a, `${path}.assets[${i}]`);
        if (t) typedAssets.push(t);
        else ok = false;
      });
      // Judge the set by every asset that names a kind, typed or not, so one missing url does not
      // also read as a missing software-package.
      this.assetSet(assets.filter(isDict).filter((a): a is Dict & { kind: string } => typeof a.kind === 'string'), `${path}.assets`);
    }
    const metadata = get(value, 'metadata');
    let typedMeta: ManifestMetadata | null = null;
    if (metadata === undefined) {
      this.add('MISSING_METADATA', `${path} has no "metadata" dict (bundle-identifier, title, kind)`, `${path}.metadata`);
    } else if (!isDict(metadata)) {
      this.wrongType(`${path}.metadata`, 'metadata', metadata, 'a dict');
    } else {
      typedMeta = this.metadata(metadata, `${path}.metadata`);
    }
    return ok && typedMeta ? { assets: typedAssets, metadata: typedMeta } : null;
  }

  private asset(value: unknown, path: string): ManifestAsset | null {
    if (!isDict(value)) {
      this.add('ASSET_NOT_DICT', `${path} is ${typeName(value)}; every asset must be a dict with "kind" and "url"`, path);
      return null;
    }
    const kind = get(value, 'kind');
    const url = get(value, 'url');
    let ok = true;
    if (kind === undefined) {
      this.add('MISSING_ASSET_KIND', `${path} has no "kind" (software-package, display-image or full-size-image)`, `${path}.kind`);
      ok = false;
    } else if (typeof kind !== 'string') {
      this.wrongType(`${path}.kind`, 'kind', kind, 'a string');
      ok = false;
    } else if (!(ASSET_KINDS as readonly string[]).includes(kind)) {
      const guess = kind.trim().toLowerCase().replace(/[_\s]+/g, '-');
      const hint = (ASSET_KINDS as readonly string[]).includes(guess) ? `did you mean "${guess}"?` : `known kinds: ${ASSET_KINDS.join(', ')}`;
      this.add('UNKNOWN_ASSET_KIND', `asset kind "${kind}" is unknown to iOS and ignored: ${hint}`, `${path}.kind`);
    }
    const label = typeof kind === 'string' && kind !== '' ? kind : 'asset';
    if (url === undefined) {
      this.add('MISSING_ASSET_URL', `the ${label} asset has no "url"`, `${path}.url`);
      ok = false;
    } else if (typeof url !== 'string') {
      this.wrongType(`${path}.url`, 'url', url, 'a string');
      ok = false;
    } else {
      this.problems.push(...checkAssetUrl(url, `${path}.url`, label));
      if (kind === 'software-package' && urlExtension(url) === 'plist') {
        this.add(
          'PACKAGE_URL_IS_MANIFEST',
          'the software-package URL ends in .plist: it must be the .ipa itself, or iOS downloads a manifest as the app',
          `${path}.url`,
        );
      }
      if (kind === 'display-image' || kind === 'full-size-image') {
        const ext = urlExtension(url);
        if (ext !== null && ext !== 'png') {
          this.add('IMAGE_NOT_PNG', `the ${kind} URL ends in .${ext}: iOS expects a PNG`, `${path}.url`);
        }
      }
    }
    if (!ok || typeof kind !== 'string' || typeof url !== 'string') return null;
    const out: ManifestAsset = { kind, url };
    for (const algo of ['sha256', 'md5'] as const) this.hashes(value, algo, path, out);
    const shine = get(value, 'needs-shine');
    if (typeof shine === 'boolean') out['needs-shine'] = shine;
    return out;
  }

  /** Whole and chunk hashes of one algorithm; copies the well-typed ones into `out`. */
  private hashes(value: Dict, algo: 'sha256' | 'md5', path: string, out: ManifestAsset): void {
    const digits = algo === 'sha256' ? 64 : 32;
    const whole = get(value, algo);
    if (whole !== undefined) {
      if (typeof whole !== 'string') this.wrongType(`${path}.${algo}`, algo, whole, 'a string');
      else {
        if (!HEX[algo].test(whole)) this.add('BAD_HASH', `${algo} "${whole.slice(0, 80)}" is not ${digits} hex digits`, `${path}.${algo}`);
        out[algo] = whole;
      }
    }
    const sizeKey = `${algo}-size` as const;
    const listKey = `${algo}s` as const;
    const size = get(value, sizeKey);
    const list = get(value, listKey);
    let sizeOk = false;
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size)) this.wrongType(`${path}.${sizeKey}`, sizeKey, size, 'an integer (bytes)');
      else if (size <= 0) this.add('BAD_CHUNK_SIZE', `${sizeKey} is ${size}; it must be a positive number of bytes`, `${path}.${sizeKey}`);
      else {
        out[sizeKey] = size;
        sizeOk = true;
      }
    }
    let listLength = 0;
    if (list !== undefined) {
      if (!Array.isArray(list) || !list.every((h) => typeof h === 'string')) {
        this.wrongType(`${path}.${listKey}`, listKey, list, `an array of ${algo} strings`);
      } else {
        const bad = list.findIndex((h) => !HEX[algo].test(h));
        if (bad !== -1) {
          this.add('BAD_HASH', `${listKey}[${bad}] "${String(list[bad]).slice(0, 80)}" is not ${digits} hex digits`, `${path}.${listKey}[${bad}]`);
        }
        out[listKey] = [...list];
        listLength = list.length;
      }
    }
    if (list !== undefined && size === undefined) {
      this.add('CHUNK_HASHES_WITHOUT_SIZE', `${listKey} is given without ${sizeKey}: the device cannot tell where chunks end`, `${path}.${sizeKey}`);
    }
    if (sizeOk && (list === undefined || (Array.isArray(list) && listLength === 0))) {
      this.add('CHUNK_SIZE_WITHOUT_HASHES', `${sizeKey} is given but ${listKey} ${list === undefined ? 'is missing' : 'is empty'}`, `${path}.${listKey}`);
    }
  }

  private assetSet(assets: (Dict & { kind: string })[], path: string): void {
    const count = (kind: string): number => assets.filter((a) => a.kind === kind).length;
    const packages = count('software-package');
    if (packages === 0) {
      this.add('MISSING_SOFTWARE_PACKAGE', 'no asset of kind "software-package": iOS has no .ipa URL to download', path);
    } else if (packages > 1) {
      this.add('SEVERAL_SOFTWARE_PACKAGES', `${packages} software-package assets: give exactly one .ipa URL`, path);
    }
    for (const kind of ['display-image', 'full-size-image']) {
      const n = count(kind);
      if (n > 1) this.add('DUPLICATE_ASSET', `${n} ${kind} assets: iOS uses one`, path);
    }
    const pkg = assets.find((a) => a.kind === 'software-package');
    const has = (key: string): boolean => pkg !== undefined && get(pkg, key) !== undefined;
    if ((has('md5') || has('md5s')) && !has('sha256') && !has('sha256s')) {
      this.add('MD5_ONLY', 'the software-package is verified by MD5 only: Apple recommends SHA-256 (sha256 or sha256-size + sha256s)', path);
    }
  }

  private metadata(value: Dict, path: string): ManifestMetadata | null {
    let ok = true;
    const required = (key: string, code: 'MISSING_BUNDLE_IDENTIFIER' | 'MISSING_TITLE' | 'MISSING_KIND', what: string): string | null => {
      const v = get(value, key);
      if (v === undefined) {
        this.add(code, `metadata has no "${key}" (${what})`, `${path}.${key}`);
        ok = false;
        return null;
      }
      if (typeof v !== 'string') {
        this.wrongType(`${path}.${key}`, key, v, 'a string');
        ok = false;
        return null;
      }
      if (v.trim() === '') this.add(code, `metadata "${key}" is empty (${what})`, `${path}.${key}`);
      return v;
    };
    const bundleId = required('bundle-identifier', 'MISSING_BUNDLE_IDENTIFIER', "the app's CFBundleIdentifier");
    const title = required('title', 'MISSING_TITLE', 'the name shown while installing');
    const kind = required('kind', 'MISSING_KIND', 'must be "software"');
    if (bundleId !== null && bundleId.trim() !== '' && !BUNDLE_ID_CHARS.test(bundleId)) {
      this.add(
        'BUNDLE_IDENTIFIER_CHARACTERS',
        `bundle-identifier "${bundleId}" has characters other than A–Z, a–z, 0–9, "." and "-": it cannot match a real app`,
        `${path}.bundle-identifier`,
      );
    }
    if (kind !== null && kind.trim() !== '' && kind !== 'software') {
      this.add('KIND_NOT_SOFTWARE', `metadata kind is "${kind}"; for an app it must be "software"`, `${path}.kind`);
    }
    if (!ok || bundleId === null || title === null || kind === null) return null;
    const out: ManifestMetadata = { 'bundle-identifier': bundleId, kind, title };
    for (const key of ['bundle-version', 'subtitle', 'platform-identifier'] as const) {
      const v = get(value, key);
      if (v === undefined) continue;
      if (typeof v === 'string') out[key] = v;
      else this.wrongType(`${path}.${key}`, key, v, 'a string');
    }
    return out;
  }
}

/**
 * Read and judge a manifest: XML text or bytes (checked from the very first byte), or an already
 * parsed plist value / Manifest object (structure checks only).
 */
export function analyseManifest(input: string | Uint8Array | object): ManifestAnalysis {
  const problems: ManifestProblem[] = [];
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const read = readManifestPlist(input);
    problems.push(...read.problems);
    if (read.value === undefined) return { manifest: null, problems, valid: false };
    value = read.value;
  }
  const walker = new Walker();
  const manifest = walker.root(value);
  problems.push(...walker.problems);
  return { manifest, problems, valid: !hasErrors(problems) };
}

/** Every problem of a manifest (empty when it is clean). Never throws on bad input. */
export function validateManifest(input: string | Uint8Array | object): ManifestProblem[] {
  return analyseManifest(input).problems;
}

/**
 * The manifest as a typed object. Throws BAD_MANIFEST when it cannot be read or lacks a required
 * part; other problems (an http URL, a bad hash) do not stop parsing: use validateManifest for those.
 */
export function parseManifest(input: string | Uint8Array | object): Manifest {
  const { manifest, problems } = analyseManifest(input);
  if (manifest) return manifest;
  const errors = problems.filter((p) => p.severity === 'error');
  const list = errors.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw new OtashipError('BAD_MANIFEST', `the manifest cannot be read: ${list}`, { details: { problems: errors } });
}
