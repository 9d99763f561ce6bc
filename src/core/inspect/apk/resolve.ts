// Following resource references (@0x7f...) through resources.arsc the way a launcher would on a
// device with no particular locale: default configuration first.
import type { ResConfig, ResolvedValue, ResourceTable } from './arsc.js';
import { type TypedValue, isReference } from './typed-value.js';

const MAX_HOPS = 16; // reference chains (aliases) are short; a cycle must not loop forever

function configRank(c: ResConfig): number {
  if (c.isDefault) return 0;
  if (c.language === '') return 1;
  if (c.language === 'en') return 2;
  return 3;
}

function preferred(values: ResolvedValue[]): ResolvedValue | undefined {
  return [...values].sort((a, b) => configRank(a.config) - configRank(b.config))[0];
}

/** The value a reference settles on (default configuration preferred); non-references as is. */
export function resolveValue(table: ResourceTable | null, v: TypedValue | null): TypedValue | null {
  let cur = v;
  for (let hop = 0; cur && isReference(cur); hop++) {
    if (!table || hop >= MAX_HOPS) return null;
    cur = preferred(table.lookup(cur.data))?.value ?? null;
  }
  return cur;
}

export interface FileCandidate {
  /** Zip entry path, e.g. res/mipmap-xxhdpi-v4/ic_launcher.png. */
  path: string;
  density: number;
  typeName: string;
  key: string;
}

/** Every file a file resource (drawable/mipmap) points to, over all configurations and aliases. */
export function fileCandidates(table: ResourceTable, resId: number): FileCandidate[] {
  const out: FileCandidate[] = [];
  const seen = new Set<number>();
  const visit = (id: number, depth: number): void => {
    if (seen.has(id) || depth > MAX_HOPS) return;
    seen.add(id);
    for (const r of table.lookup(id)) {
      if (isReference(r.value)) visit(r.value.data, depth + 1);
      else if (r.value.string) {
        out.push({ path: r.value.string, density: r.config.density, typeName: r.typeName, key: r.key });
      }
    }
  };
  visit(resId, 0);
  return out;
}
