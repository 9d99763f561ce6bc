import type { Kysely } from 'kysely';
import type { SessionRepository } from '../ports/repositories.js';
import { fromDbTime, toDbTime } from './rows.js';
import type { Database } from './schema.js';

export function sessionRepository(db: Kysely<Database>): SessionRepository {
  return {
    async create(session) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: session.idHash,
          subject: session.subject,
          created_at: toDbTime(session.createdAt),
          expires_at: toDbTime(session.expiresAt),
          person_id: session.personId ?? null,
          ...(session.idToken ? { id_token: session.idToken } : {}),
        })
        .execute();
    },
    async getLive(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', toDbTime(now))
        .executeTakeFirst();
      return row
        ? {
            idHash: row.id_hash,
            subject: row.subject,
            ...(row.person_id ? { personId: row.person_id } : {}),
            ...(row.id_token ? { idToken: row.id_token } : {}),
            createdAt: fromDbTime(row.created_at), expiresAt: fromDbTime(row.expires_at) }
        : null;
    },
    async delete(idHash) {
      const res = await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async deleteExpired(now) {
      const res = await db.deleteFrom('sessions').where('expires_at', '<=', toDbTime(now)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
