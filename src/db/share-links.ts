// Share links and their counted installs on either dialect (see migration 0011).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { InstallClaim, ShareLinkRecord, ShareLinkRepository } from '../ports/share-links.js';
import { newId } from './ids.js';
import { fromDbNullableTime, fromDbNumber, fromDbTime, toDbNullableTime, toDbTime } from './rows.js';
import type { Database, ShareLinksTable } from './schema.js';

function link(row: Selectable<ShareLinksTable>): ShareLinkRecord {
  return {
    id: row.id,
    appId: row.app_id,
    releaseId: row.release_id,
    name: row.name,
    createdAt: fromDbTime(row.created_at),
    createdBy: row.created_by,
    expiresAt: fromDbNullableTime(row.expires_at),
    installLimit: row.install_limit === null ? null : Number(row.install_limit),
    passcodeHash: row.passcode_hash,
    views: fromDbNumber(row.views),
    installs: fromDbNumber(row.installs),
    revokedAt: fromDbNullableTime(row.revoked_at),
  };
}

export function shareLinkRepository(db: Kysely<Database>): ShareLinkRepository {
  const get = async (id: string) => {
    const row = await db.selectFrom('share_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? link(row) : null;
  };

  /** The claim itself, inside one transaction (see claimInstall). */
  async function claim(trx: Kysely<Database>, id: string, installKey: string, at: Date): Promise<InstallClaim> {
    const inserted = await trx
      .insertInto('share_link_installs')
      .values({ link_id: id, install_key: installKey, created_at: toDbTime(at) })
      .onConflict((oc) => oc.columns(['link_id', 'install_key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return 'repeat';
    // One conditional UPDATE: two installs racing for the last place cannot both pass.
    const counted = await trx
      .updateTable('share_links')
      .set({ installs: sql<number>`installs + 1` })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('install_limit', 'is', null), eb('installs', '<', eb.ref('install_limit'))]))
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) > 0) return 'counted';
    // Over the limit: this key was not an install after all (a later retry is refused again).
    await trx.deleteFrom('share_link_installs').where('link_id', '=', id).where('install_key', '=', installKey).execute();
    return 'limit';
  }

  return {
    async create(l) {
      const row = {
        id: newId(l.createdAt.getTime()),
        app_id: l.appId,
        release_id: l.releaseId,
        name: l.name,
        created_at: toDbTime(l.createdAt),
        created_by: l.createdBy,
        expires_at: toDbNullableTime(l.expiresAt),
        install_limit: l.installLimit,
        passcode_hash: l.passcodeHash,
        views: 0,
        installs: 0,
        revoked_at: null,
      };
      await db.insertInto('share_links').values(row).execute();
      return link(row);
    },

    get,

    async listByApp(appId) {
      const rows = await db.selectFrom('share_links').selectAll().where('app_id', '=', appId).orderBy('id', 'desc').execute();
      return rows.map(link);
    },

    async revoke(id, at) {
      await db.updateTable('share_links').set({ revoked_at: toDbTime(at) }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return get(id);
    },

    async countView(id) {
      await db
        .updateTable('share_links')
        .set({ views: sql<number>`views + 1` })
        .where('id', '=', id)
        .execute();
    },

    async hasInstall(id, installKey) {
      const row = await db
        .selectFrom('share_link_installs')
        .select('link_id')
        .where('link_id', '=', id)
        .where('install_key', '=', installKey)
        .executeTakeFirst();
      return row !== undefined;
    },

    async claimInstall(id, installKey, at) {
      // Bound to a transaction already (repos.transaction): claim in it; otherwise open one.
      if (db.isTransaction) return claim(db, id, installKey, at);
      return db.transaction().execute((trx) => claim(trx, id, installKey, at));
    },
  };
}
