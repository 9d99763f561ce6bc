// Per-person install counts and people's devices on either dialect (see migration 0012).
import { sql, type Kysely } from 'kysely';
import type { PersonInstallRepository } from '../ports/person-installs.js';
import { toRecord } from './devices.js';
import { fromDbNumber, fromDbTime, toDbTime } from './rows.js';
import type { Database } from './schema.js';

export function personInstallRepository(db: Kysely<Database>): PersonInstallRepository {
  return {
    async count(releaseId, personId, event, at) {
      const time = toDbTime(at);
      const manifest = event === 'manifest' ? 1 : 0;
      const download = event === 'download' ? 1 : 0;
      // One row per (release, person), also when instances count at once: an upsert adds to it.
      await db
        .insertInto('person_installs')
        .values({ release_id: releaseId, person_id: personId, manifest_fetches: manifest, downloads: download, first_at: time, last_at: time })
        .onConflict((oc) =>
          oc.columns(['release_id', 'person_id']).doUpdateSet({
            manifest_fetches: sql`person_installs.manifest_fetches + ${manifest}`,
            downloads: sql`person_installs.downloads + ${download}`,
            last_at: time,
          }),
        )
        .execute();
    },

    async forRelease(releaseId) {
      const rows = await db
        .selectFrom('person_installs')
        .innerJoin('people', 'people.id', 'person_installs.person_id')
        .select([
          'person_installs.release_id',
          'person_installs.person_id',
          'people.email',
          'people.name',
          'person_installs.manifest_fetches',
          'person_installs.downloads',
          'person_installs.first_at',
          'person_installs.last_at',
        ])
        .where('person_installs.release_id', '=', releaseId)
        .orderBy('person_installs.last_at', 'desc')
        .orderBy('people.email_key')
        .execute();
      return rows.map((r) => ({
        releaseId: r.release_id,
        personId: r.person_id,
        email: r.email,
        name: r.name,
        manifestFetches: fromDbNumber(r.manifest_fetches),
        downloads: fromDbNumber(r.downloads),
        firstAt: fromDbTime(r.first_at),
        lastAt: fromDbTime(r.last_at),
      }));
    },

    async attachDevice(udid, personId) {
      await db.updateTable('devices').set({ person_id: personId }).where('udid', '=', udid).execute();
    },

    async testerDevices(appId) {
      const rows = await db
        .selectFrom('devices')
        .innerJoin('people', 'people.id', 'devices.person_id')
        .selectAll('devices')
        .select(['people.email as person_email', 'people.name as person_name'])
        .where('people.disabled_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb.exists(eb.selectFrom('grants').select('grants.id').where('grants.app_id', '=', appId).whereRef('grants.person_id', '=', 'people.id')),
            eb.exists(
              eb
                .selectFrom('grants')
                .innerJoin('group_members', 'group_members.group_id', 'grants.group_id')
                .select('grants.id')
                .where('grants.app_id', '=', appId)
                .whereRef('group_members.person_id', '=', 'people.id'),
            ),
          ]),
        )
        .orderBy('devices.first_registered_at')
        .orderBy('devices.id')
        .execute();
      return rows.map((r) => ({
        device: toRecord(r),
        person: { id: r.person_id!, email: r.person_email, name: r.person_name },
      }));
    },
  };
}
