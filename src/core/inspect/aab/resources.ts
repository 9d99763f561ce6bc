// The decoded resource table of a bundle module (resources.pb), indexed by resource id for the
// few lookups inspection makes: the label's string and the icon's files. Mirrors apk/arsc.ts's
// role for APKs, on aapt2's protobuf table instead of the binary one.
import type { PbConfiguration, PbEntry, PbItem, PbResourceTable } from './schema.js';
import { ConfigurationType } from './schema.js';

/** References followed before giving up: real chains are one or two long; loops end here. */
const MAX_HOPS = 8;

export interface ResourceFile {
  /** Module-relative path, e.g. res/mipmap-xxhdpi-v4/ic_launcher.png. */
  path: string;
  /** Density qualifier in dpi (0 when the configuration names none). */
  density: number;
}

export class BundleResources {
  readonly #entries = new Map<number, PbEntry>();

  constructor(table: PbResourceTable) {
    for (const pkg of table.package) {
      const p = pkg.packageId?.id ?? 0x7f;
      for (const type of pkg.type) {
        const t = type.typeId?.id ?? 0;
        for (const entry of type.entry) {
          const id = ((p & 0xff) << 24) | ((t & 0xff) << 16) | ((entry.entryId?.id ?? 0) & 0xffff);
          this.#entries.set(id >>> 0, entry);
        }
      }
    }
  }

  /** The text of an item in the default configuration, following references; null when none. */
  text(item: PbItem | null): string | null {
    let current = item;
    for (let hop = 0; current && hop < MAX_HOPS; hop++) {
      if (current.str) return current.str.value;
      if (current.rawStr) return current.rawStr.value;
      if (current.prim) return primitiveText(current.prim);
      if (!current.ref || current.ref.id === 0) return null;
      current = this.defaultItem(current.ref.id);
    }
    return null;
  }

  /** The files a resource id stands for in every configuration (e.g. one icon per density). */
  files(id: number): ResourceFile[] {
    const entry = this.#entries.get(id >>> 0);
    if (!entry) return [];
    const files: ResourceFile[] = [];
    for (const cv of entry.configValue) {
      const path = cv.value?.item?.file?.path;
      if (path) files.push({ path, density: density(cv.config) });
    }
    // Highest density first: the best candidate is read first.
    return files.sort((a, b) => b.density - a.density);
  }

  /** The value in the default configuration (no qualifiers), or the first one when there is none. */
  defaultItem(id: number): PbItem | null {
    const values = this.#entries.get(id >>> 0)?.configValue ?? [];
    const plain = values.find((v) => v.config.length === 0) ?? values[0];
    return plain?.value?.item ?? null;
  }
}

export function primitiveText(prim: NonNullable<PbItem['prim']>): string | null {
  // protobufjs sets own properties only for fields on the wire (defaults live on the prototype),
  // which tells which member of the oneof is set even when its value is 0 or false.
  const has = (k: keyof typeof prim): boolean => Object.prototype.hasOwnProperty.call(prim, k);
  if (has('intDecimalValue')) return String(prim.intDecimalValue);
  if (has('intHexadecimalValue')) return String(prim.intHexadecimalValue >>> 0);
  if (has('booleanValue')) return String(prim.booleanValue);
  return null;
}

function density(config: Uint8Array): number {
  if (config.length === 0) return 0;
  try {
    // A Configuration has only scalar fields here, so decoding builds one small object.
    return (ConfigurationType.decode(config) as unknown as PbConfiguration).density;
  } catch {
    return 0;
  }
}
