import type { Kysely, Selectable } from 'kysely';
import type { DeviceClaim, DeviceRecord, DeviceRepository } from '../ports/repositories.js';
import { newId } from './ids.js';
import { fromDbNullableTime, fromDbTime, toDbTime } from './rows.js';
import type { Database, DevicesTable } from './schema.js';

/** Also read by db/person-installs.ts (testers' devices). */
export function toRecord(row: Selectable<DevicesTable>): DeviceRecord {
  return {
    id: row.id,
    udid: row.udid,
    product: row.product,
    version: row.version,
    serial: row.serial,
    deviceName: row.device_name,
    label: row.label,
    firstRegisteredAt: fromDbTime(row.first_registered_at),
    lastRegisteredAt: fromDbTime(row.last_registered_at),
    reviewedAt: fromDbNullableTime(row.reviewed_at),
    personId: row.person_id ?? null,
    claim: readClaim(row.claim),
  };
}

function readClaim(text: string | null): DeviceClaim | null {
  if (text === null) return null;
  const c = JSON.parse(text) as Omit<DeviceClaim, 'at'> & { at: string };
  return { product: c.product, version: c.version, serial: c.serial, deviceName: c.deviceName, at: new Date(c.at) };
}

function sameFacts(a: Omit<DeviceClaim, 'at'>, b: Omit<DeviceClaim, 'at'>): boolean {
  return a.product === b.product && a.version === b.version && a.serial === b.serial && a.deviceName === b.deviceName;
}

export function deviceRepository(db: Kysely<Database>): DeviceRepository {
  const get = async (id: string): Promise<DeviceRecord | null> => {
    const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  const findByUdid = async (udid: string): Promise<DeviceRecord | null> => {
    const row = await db.selectFrom('devices').selectAll().where('udid', '=', udid).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    async register(device) {
      const at = toDbTime(device.at);
      // One row per UDID, also when instances register it at once: the insert does nothing on a
      // known UDID, which is then only touched (never rewritten: see the port).
      const inserted = await db
        .insertInto('devices')
        .values({
          id: newId(device.at.getTime()),
          udid: device.udid,
          product: device.product,
          version: device.version,
          serial: device.serial,
          device_name: device.deviceName,
          label: null,
          first_registered_at: at,
          last_registered_at: at,
          reviewed_at: null,
          claim: null,
        })
        .onConflict((oc) => oc.column('udid').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
        const known = await findByUdid(device.udid);
        if (known) {
          const reported = { product: device.product, version: device.version, serial: device.serial, deviceName: device.deviceName };
          const claim = sameFacts(known, reported) ? null : JSON.stringify({ ...reported, at });
          await db.updateTable('devices').set({ last_registered_at: at, claim }).where('id', '=', known.id).execute();
        }
      }
      const stored = await findByUdid(device.udid);
      if (!stored) throw new Error(`device ${device.udid} vanished right after it was registered`);
      return stored;
    },
    async countUnreviewed() {
      const row = await db
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('reviewed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async review(id, at, acceptClaim) {
      const device = await get(id);
      if (!device) return null;
      const claim = acceptClaim ? device.claim : null;
      await db
        .updateTable('devices')
        .set({
          reviewed_at: toDbTime(at),
          claim: null,
          ...(claim ? { product: claim.product, version: claim.version, serial: claim.serial, device_name: claim.deviceName } : {}),
        })
        .where('id', '=', id)
        .execute();
      return get(id);
    },
    get,
    findByUdid,
    async list() {
      const rows = await db.selectFrom('devices').selectAll().orderBy('last_registered_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },
    async setLabel(id, label) {
      const res = await db.updateTable('devices').set({ label }).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0 ? get(id) : null;
    },
    async delete(id) {
      const res = await db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async useNonce(nonceId, udid, expiresAt, now) {
      await db.deleteFrom('device_nonces').where('expires_at', '<', toDbTime(now)).execute();
      await db
        .insertInto('device_nonces')
        .values({ id: nonceId, udid, expires_at: toDbTime(expiresAt) })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const row = await db.selectFrom('device_nonces').select('udid').where('id', '=', nonceId).executeTakeFirst();
      // Only a concurrent prune of an already-expired nonce can remove the row: treat it as used by us.
      return row?.udid ?? udid;
    },
  };
}
