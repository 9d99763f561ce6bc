import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { OtashipError } from '../core/errors.js';
import type { ApiTokenRecord, TokenRepository } from '../ports/repositories.js';
import { newId } from './ids.js';
import { fromDbBool, fromDbNullableTime, fromDbTime, toDbBool, toDbNullableTime, toDbTime } from './rows.js';
import type { ApiTokensTable, Database } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './sql-errors.js';

function toRecord(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    appId: row.app_id,
    admin: fromDbBool(row.admin),
    createdAt: fromDbTime(row.created_at),
    lastUsedAt: fromDbNullableTime(row.last_used_at),
    revokedAt: fromDbNullableTime(row.revoked_at),
    expiresAt: fromDbNullableTime(row.expires_at),
    // Only personal tokens carry it: a service token's record is as it was before people existed.
    ...(row.person_id ? { personId: row.person_id } : {}),
  };
}

export function tokenRepository(db: Kysely<Database>): TokenRepository {
  return {
    async create(token) {
      const row = {
        id: token.id ?? newId(),
        name: token.name,
        secret_hash: token.secretHash,
        app_id: token.appId,
        admin: toDbBool(token.admin),
        created_at: toDbTime(token.createdAt ?? new Date()),
        last_used_at: null,
        revoked_at: null,
        expires_at: toDbNullableTime(token.expiresAt),
        person_id: token.personId ?? null,
      };
      try {
        await db.insertInto('api_tokens').values(row).execute();
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new OtashipError('NOT_FOUND', `app ${String(token.appId)} does not exist`, { cause: err });
        if (isUniqueViolation(err)) throw new OtashipError('CONFLICT', `token ${row.id} already exists`, { cause: err });
        throw err;
      }
      return toRecord(row);
    },
    async get(id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toRecord);
    },
    async touch(id, at) {
      await db.updateTable('api_tokens').set({ last_used_at: toDbTime(at) }).where('id', '=', id).execute();
    },
    async revoke(id, at) {
      const res = await db
        .updateTable('api_tokens')
        .set({ revoked_at: sql<string>`coalesce(revoked_at, ${toDbTime(at)})` })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
  };
}
