import type { Kysely } from 'kysely';
import type { SettingsRepository } from '../ports/repositories.js';
import type { Database } from './schema.js';

export function settingsRepository(db: Kysely<Database>): SettingsRepository {
  const get = async (key: string): Promise<string | null> => {
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? row.value : null;
  };
  return {
    get,
    async putIfAbsent(key, value) {
      // Insert-or-nothing then read back: when instances race, every one of them returns the
      // single value that won.
      await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
      const stored = await get(key);
      return stored ?? value;
    },
    async delete(key) {
      await db.deleteFrom('settings').where('key', '=', key).execute();
    },
    async put(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async deleteIfValue(key, value) {
      // Compare-and-delete in one statement: of instances racing to use a one-time value, one wins.
      const result = await db.deleteFrom('settings').where('key', '=', key).where('value', '=', value).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
