// Fuzzing the CMS/DER walker (profiles, device answers) and the zip central-directory reader with
// damaged valid inputs: every failure is a catalogue error, and what comes out is bounded by what
// went in (content no longer than the envelope, no more records than the directory can hold).
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readDeviceResponse } from '../../../src/core/device/index.js';
import { cmsContent } from '../../../src/core/inspect/profile/cms.js';
import { decodeProfile } from '../../../src/core/inspect/profile/index.js';
import { findRecord, nameAt, readCentralDirectory, recordAt } from '../../../src/core/zip/central-directory.js';
import { bareCms, referenceBomb, tlv } from '../../helpers/bombs.js';
import { RUNS, assertCatalogued, mutated } from './mutate.js';
import { propertyRuns } from '../../helpers/property-runs.js';

const PROFILE_ERRORS = ['BAD_PROFILE', 'BAD_PLIST', 'PARSE_BUDGET'] as const;
const DEVICE_ERRORS = ['DEVICE_REGISTRATION', 'PARSE_BUDGET'] as const;
const ZIP_ERRORS = ['TRUNCATED_ZIP', 'CORRUPT_ZIP', 'PARSE_BUDGET'] as const;

const answerPlist = Buffer.from(
  '<?xml version="1.0"?><plist version="1.0"><dict><key>UDID</key><string>00008030-001A2B3C4D5E802E</string><key>PRODUCT</key><string>iPhone16,1</string><key>VERSION</key><string>21E236</string><key>CHALLENGE</key><string>n</string></dict></plist>',
);

/** An envelope around `content`: primitive, chunked (constructed) or nested, definite or indefinite. */
const envelope = fc
  .tuple(fc.oneof({ arbitrary: fc.constant(answerPlist), weight: 5 }, { arbitrary: fc.constant(referenceBomb(40)), weight: 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 200 }), fc.boolean())
  .map(([content, nesting, chunk, indefinite]) => {
    let os = tlv(0x04, content);
    if (nesting > 0) {
      const parts: Buffer[] = [];
      for (let i = 0; i < content.length; i += chunk) parts.push(tlv(0x04, content.subarray(i, i + chunk)));
      os = indefinite ? Buffer.concat([Buffer.from([0x24, 0x80]), ...parts, Buffer.from([0, 0])]) : tlv(0x24, Buffer.concat(parts));
      for (let i = 1; i < nesting; i++) os = tlv(0x24, os);
    }
    return bareCms(os);
  });

/** A zip that is only a central directory, with names, extras (zip64, Unicode path) and flags. */
const directory = fc
  .array(
    fc.record({
      name: fc.oneof(fc.constantFrom('', 'Payload/A.app/Info.plist', 'AndroidManifest.xml', 'res/a1'), fc.string({ maxLength: 20 })),
      utf8: fc.boolean(),
      zip64: fc.boolean(),
    }),
    { maxLength: 12 },
  )
  .map((recs) => {
    const parts = recs.map((r, i) => {
      const name = Buffer.from(r.name, 'utf8');
      const extra = r.zip64 ? Buffer.concat([Buffer.from([0x01, 0x00, 24, 0]), Buffer.alloc(24, i)]) : Buffer.alloc(0);
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(r.utf8 ? 0x800 : 0, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt32LE(r.zip64 ? 0xffffffff : i, 20);
      h.writeUInt32LE(r.zip64 ? 0xffffffff : i, 24);
      h.writeUInt16LE(name.length, 28);
      h.writeUInt16LE(extra.length, 30);
      h.writeUInt32LE(r.zip64 ? 0xffffffff : 0, 42);
      return Buffer.concat([h, name, extra]);
    });
    const cd = Buffer.concat(parts);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(recs.length, 8);
    eocd.writeUInt16LE(recs.length, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(0, 16);
    return Buffer.concat([cd, eocd]);
  });

describe('fuzz: CMS envelopes and zip directories', () => {
  test('CMS: damaged envelopes, as a profile and as a device answer', () => {
    fc.assert(
      fc.property(mutated(envelope), (der) => {
        try {
          const content = cmsContent(der, 'fuzz.mobileprovision');
          // Chunks are re-assembled, never invented: the content fits in the envelope.
          if (content.length > der.length) throw new Error(`${content.length} content bytes from a ${der.length}-byte envelope`);
        } catch (err) {
          assertCatalogued(err, PROFILE_ERRORS);
        }
        try {
          decodeProfile(der, 'fuzz.mobileprovision');
        } catch (err) {
          assertCatalogued(err, PROFILE_ERRORS);
        }
        try {
          readDeviceResponse(der);
        } catch (err) {
          assertCatalogued(err, DEVICE_ERRORS);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });

  test('zip: damaged central directories, then every name, record and lookup', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(directory), async (zip) => {
        const readAt = async (buf: Buffer, pos: number): Promise<number> => (pos >= zip.length ? 0 : zip.copy(buf, 0, pos, Math.min(zip.length, pos + buf.length)));
        try {
          const dir = await readCentralDirectory(readAt, 'fuzz.zip', zip.length);
          try {
            if (dir.positions.length > zip.length / 46) throw new Error(`${dir.positions.length} records in ${zip.length} bytes`);
            for (const pos of dir.positions) {
              const name = nameAt(dir.bytes, pos);
              recordAt(dir.bytes, pos);
              if (findRecord(dir, name) < 0) throw new Error(`record "${name}" is not found by its name`);
            }
          } finally {
            dir.release();
          }
        } catch (err) {
          assertCatalogued(err, ZIP_ERRORS);
        }
      }),
      { numRuns: propertyRuns(RUNS) },
    );
  });
});
