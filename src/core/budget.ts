// Work budgets for the hand-written parsers of untrusted input (plists, AXML, resources.arsc,
// CMS/DER, the zip central directory). Bounds checks alone do not stop a small file from asking for
// a great deal of work: a binary plist whose arrays each point twice at the previous one expands as
// 2^depth from ~400 bytes, a string pool can point a thousand indices at one long string, a zip
// directory of empty names makes a hash table quadratic. So each parse counts what it produces
// (objects, bytes) and how deep it goes, and stops with PARSE_BUDGET past the limit.
//
// The limits live here, one set per parser family, each far above any real file (figures below) and
// far below what hurts a server: each is reached in well under a second of CPU and a few hundred MiB
// at most. Depth is checked before recursing, so no limit can be reached by a stack overflow first.
import { OtashipError } from './errors.js';

export interface BudgetLimits {
  /** Values, elements, records… the parser creates. */
  readonly objects: number;
  /** Bytes (or UTF-16 units) of strings and buffers the parser produces. */
  readonly bytes: number;
  /** Nesting levels. */
  readonly depth: number;
}

/**
 * Property lists (binary and XML). Real Info.plists hold a few thousand objects and a few hundred
 * KiB of strings; the largest profiles (enterprise, 100 devices and many certificates) ~1,000
 * objects and ~1 MiB; 200,000 objects take ~0.1 s to build. The byte limit covers copies: a binary
 * plist string referenced N times is produced N times.
 */
export const PLIST_LIMITS: BudgetLimits = Object.freeze({ objects: 200_000, bytes: 64 * 1024 * 1024, depth: 128 });

/**
 * CMS/DER envelopes of profiles and device answers: the walker follows one path and the content
 * may be split into chunked OCTET STRINGs (a few hundred in practice). Content bytes are counted
 * each time a chunk level re-assembles them.
 */
export const DER_LIMITS: BudgetLimits = Object.freeze({ objects: 100_000, bytes: 64 * 1024 * 1024, depth: 32 });

/**
 * Binary XML (AndroidManifest.xml, res/**.xml). The largest manifests seen (apps with hundreds of
 * activities and providers) have ~20,000 chunks and attributes; `bytes` counts strings decoded,
 * which many pool indices pointing at one long string would otherwise multiply.
 */
export const AXML_LIMITS: BudgetLimits = Object.freeze({ objects: 500_000, bytes: 64 * 1024 * 1024, depth: 512 });

/**
 * resources.arsc: real tables have 100k+ entries and tens of thousands of type chunks in apps with
 * many locales, but inspection walks only the chunks (parse), the configurations of a few resources
 * (lookups) and the drawable/mipmap entries (icon search by name): `objects` counts those, shared
 * by every lookup on one table (2 million entries take ~0.5 s); `bytes` counts strings decoded.
 * The table is flat, so `depth` is unused.
 */
export const ARSC_LIMITS: BudgetLimits = Object.freeze({ objects: 2_000_000, bytes: 128 * 1024 * 1024, depth: 4 });

/**
 * Protobuf parts of an Android App Bundle (base/manifest/AndroidManifest.xml, base/resources.pb),
 * checked by one pass over the wire format before protobufjs decodes them (inspect/aab/decode.ts).
 * `objects` counts the messages of the fields inspection declares (undeclared fields are skipped and
 * build nothing): a resource table costs ~5 per value (ConfigValue, Value, Item, String…), so
 * 4 million is ~800,000 values, several times the largest apps' tables. `bytes` counts the
 * length-delimited scalars (strings, bytes) seen. `depth` counts message nesting: an XML element is
 * two levels (XmlNode, XmlElement), so 256 allows 128-deep manifests, far past the ~10 of real ones.
 */
export const AAB_LIMITS: BudgetLimits = Object.freeze({ objects: 4_000_000, bytes: 128 * 1024 * 1024, depth: 256 });

/**
 * The zip central directory: the largest real packages (games) have ~100,000 entries; a 256 MiB
 * directory (its byte cap) could describe 5.8 million. Name-table probes stay near 1.5 per entry for
 * real names (the table is at most half full and the hash is seeded per process); only crafted
 * colliding names go past 32.
 */
export interface ZipLimits {
  readonly entries: number;
  readonly probesPerEntry: number;
}
export const ZIP_LIMITS: ZipLimits = Object.freeze({ entries: 2_000_000, probesPerEntry: 32 });

/** Counts work for one parse of one input; `what` names the input in the error. */
export class ParseBudget {
  #objects = 0;
  #bytes = 0;

  constructor(
    readonly what: string,
    readonly limits: BudgetLimits,
  ) {}

  /** Counts n produced objects. */
  objects(n = 1): void {
    this.#objects += n;
    if (this.#objects > this.limits.objects) throw overBudget(this.what, `more than ${this.limits.objects} values`);
  }

  /** Counts n produced bytes (or string units). */
  bytes(n: number): void {
    this.#bytes += n;
    if (this.#bytes > this.limits.bytes) throw overBudget(this.what, `more than ${this.limits.bytes} bytes of content`);
  }

  /** Refuses nesting beyond the limit. */
  depth(level: number): void {
    if (level > this.limits.depth) throw overBudget(this.what, `values nested more than ${this.limits.depth} levels deep`);
  }
}

export function overBudget(what: string, problem: string): OtashipError {
  return new OtashipError('PARSE_BUDGET', `${what} holds ${problem}, more than any real file; reading stopped there`);
}

export function isParseBudgetError(err: unknown): err is OtashipError {
  return err instanceof OtashipError && err.code === 'PARSE_BUDGET';
}
