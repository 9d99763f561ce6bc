import type { Kysely, Selectable } from 'kysely';
import type { DeviceRecord, DeviceRepository } from '../ports/repositories.js';
import { newId } from './ids.js';
import { fromDbTime, toDbTime } from './rows.js';
import type { Database, DevicesTable } from './schema.js';

function toRecord(row: Selectable<DevicesTable>): DeviceRecord {
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
  };
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
      const reported = {
        product: device.product,
        version: device.version,
        serial: device.serial,
        device_name: device.deviceName,
        last_registered_at: at,
      };
      // One statement (UPSERT on the unique udid): concurrent registrations of one device, from any
      // instance, end in one row.
      await db
        .insertInto('devices')
        .values({ id: newId(device.at.getTime()), udid: device.udid, label: null, first_registered_at: at, ...reported })
        .onConflict((oc) => oc.column('udid').doUpdateSet(reported))
        .execute();
      const stored = await findByUdid(device.udid);
      if (!stored) throw new Error(`device ${device.udid} vanished right after it was registered`);
      return stored;
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
