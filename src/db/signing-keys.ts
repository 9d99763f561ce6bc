// Apps' APK signing keys, stored sealed (see SigningKeyRepository in ports/repositories.ts).
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { SealedSigningKey, SigningKeyRepository } from '../ports/repositories.js';
import { fromDbTime, toDbTime } from './rows.js';
import type { AppSigningKeysTable, Database } from './schema.js';

function toRecord(row: Selectable<AppSigningKeysTable>): SealedSigningKey {
  return {
    appId: row.app_id,
    origin: row.origin === 'uploaded' ? 'uploaded' : 'generated',
    keystore: row.keystore,
    storePassword: row.store_password,
    keyPassword: row.key_password,
    alias: row.alias,
    certificateSha256: row.certificate_sha256,
    createdAt: fromDbTime(row.created_at),
  };
}

function toRow(key: SealedSigningKey): Insertable<AppSigningKeysTable> {
  return {
    app_id: key.appId,
    origin: key.origin,
    keystore: key.keystore,
    store_password: key.storePassword,
    key_password: key.keyPassword,
    alias: key.alias,
    certificate_sha256: key.certificateSha256,
    created_at: toDbTime(key.createdAt),
  };
}

export function signingKeyRepository(db: Kysely<Database>): SigningKeyRepository {
  const get = async (appId: string): Promise<SealedSigningKey | null> => {
    const row = await db.selectFrom('app_signing_keys').selectAll().where('app_id', '=', appId).executeTakeFirst();
    return row ? toRecord(row) : null;
  };
  return {
    get,
    async putIfAbsent(key) {
      await db.insertInto('app_signing_keys').values(toRow(key)).onConflict((oc) => oc.column('app_id').doNothing()).execute();
      return (await get(key.appId)) ?? key;
    },
    async put(key) {
      const row = toRow(key);
      const { app_id: _appId, ...rest } = row;
      await db.insertInto('app_signing_keys').values(row).onConflict((oc) => oc.column('app_id').doUpdateSet(rest)).execute();
    },
    async delete(appId) {
      const res = await db.deleteFrom('app_signing_keys').where('app_id', '=', appId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
