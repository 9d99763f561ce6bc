// People, groups, memberships, grants and sign-in tickets on either dialect (see migration 0009).
import type { Kysely, Selectable } from 'kysely';
import { OtashipError } from '../core/errors.js';
import {
  emailKey,
  type AppRole,
  type GrantRecord,
  type GrantSubject,
  type GroupRecord,
  type MembershipVia,
  type PeopleRepository,
  type PersonRecord,
  type TicketRecord,
} from '../ports/people.js';
import { newId } from './ids.js';
import { fromDbBool, fromDbNullableTime, fromDbNumber, fromDbTime, toDbBool, toDbNullableTime, toDbTime } from './rows.js';
import type { AuthTicketsTable, Database, GrantsTable, GroupsTable, PeopleTable } from './schema.js';
import { isForeignKeyViolation, isUniqueViolation } from './sql-errors.js';

function person(row: Omit<Selectable<PeopleTable>, 'notices_off_at'>): PersonRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    admin: fromDbBool(row.admin),
    disabledAt: fromDbNullableTime(row.disabled_at),
    createdAt: fromDbTime(row.created_at),
    lastSignInAt: fromDbNullableTime(row.last_sign_in_at),
  };
}

function group(row: Pick<Selectable<GroupsTable>, 'id' | 'name' | 'created_at' | 'notify_new_builds'>): GroupRecord {
  return { id: row.id, name: row.name, createdAt: fromDbTime(row.created_at), notifyNewBuilds: fromDbBool(row.notify_new_builds) };
}

function grant(row: Selectable<GrantsTable>): GrantRecord {
  return {
    id: row.id,
    appId: row.app_id,
    personId: row.person_id,
    groupId: row.group_id,
    role: row.role as AppRole,
    createdAt: fromDbTime(row.created_at),
  };
}

function ticket(row: Selectable<AuthTicketsTable>): TicketRecord {
  return {
    idHash: row.id_hash,
    purpose: row.purpose as TicketRecord['purpose'],
    emailKey: row.email_key,
    personId: row.person_id,
    data: row.data,
    clientKey: row.client_key,
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTime(row.expires_at),
    usedAt: fromDbNullableTime(row.used_at),
  };
}

function subjectKey(s: GrantSubject): string {
  return s.personId !== undefined ? `p:${s.personId}` : `g:${s.groupId}`;
}

const PERSON_COLUMNS = ['id', 'email', 'email_key', 'name', 'admin', 'disabled_at', 'created_at', 'last_sign_in_at'] as const;

export function peopleRepository(db: Kysely<Database>): PeopleRepository {
  return {
    async createPerson(p) {
      const row = {
        id: newId(p.createdAt.getTime()),
        email: p.email.trim(),
        email_key: emailKey(p.email),
        name: p.name,
        admin: toDbBool(p.admin),
        disabled_at: null,
        created_at: toDbTime(p.createdAt),
        last_sign_in_at: null,
      };
      try {
        await db.insertInto('people').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new OtashipError('CONFLICT', `a person with the e-mail ${row.email} already exists`, { cause: err });
        throw err;
      }
      return person(row);
    },
    async getPerson(id) {
      const row = await db.selectFrom('people').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? person(row) : null;
    },
    async getPersonByEmail(email) {
      const row = await db.selectFrom('people').select(PERSON_COLUMNS).where('email_key', '=', emailKey(email)).executeTakeFirst();
      return row ? person(row) : null;
    },
    async listPeople() {
      const rows = await db.selectFrom('people').select(PERSON_COLUMNS).orderBy('email_key').execute();
      return rows.map(person);
    },
    async updatePerson(id, patch) {
      const set: Partial<{ name: string; admin: number; disabled_at: string | null; last_sign_in_at: string }> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.admin !== undefined) set.admin = toDbBool(patch.admin);
      if (patch.disabledAt !== undefined) set.disabled_at = toDbNullableTime(patch.disabledAt);
      if (patch.lastSignInAt !== undefined) set.last_sign_in_at = toDbTime(patch.lastSignInAt);
      if (Object.keys(set).length > 0) await db.updateTable('people').set(set).where('id', '=', id).execute();
      const row = await db.selectFrom('people').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? person(row) : null;
    },
    async deletePerson(id) {
      const res = await db.deleteFrom('people').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async createGroup(g) {
      const row = { id: newId(g.createdAt.getTime()), name: g.name.trim(), name_key: g.name.trim().toLowerCase(), created_at: toDbTime(g.createdAt), notify_new_builds: 0 };
      try {
        await db.insertInto('groups').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new OtashipError('CONFLICT', `a group named "${row.name}" already exists`, { cause: err });
        throw err;
      }
      return group(row);
    },
    async getGroup(id) {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? group(row) : null;
    },
    async getGroupByName(name) {
      const row = await db.selectFrom('groups').selectAll().where('name_key', '=', name.trim().toLowerCase()).executeTakeFirst();
      return row ? group(row) : null;
    },
    async listGroups() {
      return (await db.selectFrom('groups').selectAll().orderBy('name_key').execute()).map(group);
    },
    async deleteGroup(id) {
      const res = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async addMember(groupId, personId, via, at) {
      try {
        await db
          .insertInto('group_members')
          .values({ group_id: groupId, person_id: personId, via, created_at: toDbTime(at) })
          .onConflict((oc) => oc.columns(['group_id', 'person_id']).doUpdateSet({ via }))
          .execute();
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new OtashipError('NOT_FOUND', 'that group or person does not exist', { cause: err });
        throw err;
      }
    },
    async removeMember(groupId, personId) {
      const res = await db.deleteFrom('group_members').where('group_id', '=', groupId).where('person_id', '=', personId).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async listMembers(groupId) {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('people', 'people.id', 'group_members.person_id')
        .select(PERSON_COLUMNS.map((c) => `people.${c}` as const))
        .select(['group_members.group_id', 'group_members.via'])
        .where('group_members.group_id', '=', groupId)
        .orderBy('people.email_key')
        .execute();
      return rows.map((r) => ({ groupId: r.group_id, via: r.via as MembershipVia, person: person(r) }));
    },
    async groupsOf(personId) {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['groups.id', 'groups.name', 'groups.name_key', 'groups.created_at', 'groups.notify_new_builds', 'group_members.via'])
        .where('group_members.person_id', '=', personId)
        .orderBy('groups.name_key')
        .execute();
      return rows.map((r) => ({ group: group(r), via: r.via as MembershipVia }));
    },
    async syncClaimMemberships(personId, groupIds, at) {
      await db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('group_members').select(['group_id', 'via']).where('person_id', '=', personId).execute();
        const wanted = new Set(groupIds);
        const stale = current.filter((m) => m.via === 'claim' && !wanted.has(m.group_id)).map((m) => m.group_id);
        if (stale.length > 0) {
          await trx.deleteFrom('group_members').where('person_id', '=', personId).where('group_id', 'in', stale).execute();
        }
        const have = new Set(current.map((m) => m.group_id));
        const missing = [...wanted].filter((g) => !have.has(g));
        if (missing.length > 0) {
          await trx
            .insertInto('group_members')
            .values(missing.map((g) => ({ group_id: g, person_id: personId, via: 'claim', created_at: toDbTime(at) })))
            .execute();
        }
      });
    },

    async setGrant(appId, subject, role, at) {
      const row = {
        id: newId(at.getTime()),
        app_id: appId,
        subject_key: subjectKey(subject),
        person_id: subject.personId ?? null,
        group_id: subject.groupId ?? null,
        role,
        created_at: toDbTime(at),
      };
      try {
        await db
          .insertInto('grants')
          .values(row)
          .onConflict((oc) => oc.columns(['app_id', 'subject_key']).doUpdateSet({ role }))
          .execute();
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new OtashipError('NOT_FOUND', 'that app, person or group does not exist', { cause: err });
        throw err;
      }
      const stored = await db.selectFrom('grants').selectAll().where('app_id', '=', appId).where('subject_key', '=', row.subject_key).executeTakeFirstOrThrow();
      return grant(stored);
    },
    async removeGrant(appId, subject) {
      const res = await db.deleteFrom('grants').where('app_id', '=', appId).where('subject_key', '=', subjectKey(subject)).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async listGrants(filter) {
      let q = db.selectFrom('grants').selectAll();
      if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
      if (filter.personId !== undefined) q = q.where('person_id', '=', filter.personId);
      if (filter.groupId !== undefined) q = q.where('group_id', '=', filter.groupId);
      return (await q.orderBy('created_at').orderBy('id').execute()).map(grant);
    },
    async rolesOf(personId) {
      // Direct grants and grants of the person's groups, in one round trip (checked on every request).
      const rows = await db
        .selectFrom('grants')
        .select(['grants.app_id', 'grants.role'])
        .where((eb) =>
          eb.or([
            eb('grants.person_id', '=', personId),
            eb('grants.group_id', 'in', eb.selectFrom('group_members').select('group_members.group_id').where('group_members.person_id', '=', personId)),
          ]),
        )
        .execute();
      return rows.map((r) => ({ appId: r.app_id, role: r.role as AppRole }));
    },

    async setGroupNotices(groupId, on) {
      const res = await db.updateTable('groups').set({ notify_new_builds: toDbBool(on) }).where('id', '=', groupId).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async noticeRecipients(appId) {
      // distinct: a person in two notified groups (or in one with a grant of its own too) is one row.
      const rows = await db
        .selectFrom('people')
        .select(PERSON_COLUMNS.map((c) => `people.${c}` as const))
        .where('people.disabled_at', 'is', null)
        .where('people.notices_off_at', 'is', null)
        .where('people.id', 'in', (eb) =>
          eb
            .selectFrom('group_members')
            .innerJoin('groups', 'groups.id', 'group_members.group_id')
            .innerJoin('grants', 'grants.group_id', 'groups.id')
            .select('group_members.person_id')
            .where('grants.app_id', '=', appId)
            .where('groups.notify_new_builds', '=', toDbBool(true)),
        )
        .orderBy('people.email_key')
        .execute();
      return rows.map(person);
    },
    async setNoticesOff(personId, at) {
      const res = await db.updateTable('people').set({ notices_off_at: toDbNullableTime(at) }).where('id', '=', personId).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async noticesOff(personId) {
      const row = await db.selectFrom('people').select('notices_off_at').where('id', '=', personId).executeTakeFirst();
      return row?.notices_off_at != null;
    },

    async createTicket(t) {
      await db
        .insertInto('auth_tickets')
        .values({
          id_hash: t.idHash,
          purpose: t.purpose,
          email_key: t.emailKey,
          person_id: t.personId,
          data: t.data,
          client_key: t.clientKey,
          created_at: toDbTime(t.createdAt),
          expires_at: toDbTime(t.expiresAt),
          used_at: null,
        })
        .execute();
    },
    async consumeTicket(idHash, purpose, now) {
      // The conditional update is the single use: of two instances consuming at once, one updates.
      const res = await db
        .updateTable('auth_tickets')
        .set({ used_at: toDbTime(now) })
        .where('id_hash', '=', idHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', toDbTime(now))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      const row = await db.selectFrom('auth_tickets').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row ? ticket(row) : null;
    },
    async countTickets(filter) {
      let q = db
        .selectFrom('auth_tickets')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('purpose', '=', filter.purpose)
        .where('created_at', '>=', toDbTime(filter.since));
      if (filter.emailKey !== undefined) q = q.where('email_key', '=', filter.emailKey);
      const row = await q.executeTakeFirst();
      return row ? fromDbNumber(row.n) : 0;
    },
    async deleteExpiredTickets(now) {
      const res = await db.deleteFrom('auth_tickets').where('expires_at', '<=', toDbTime(now)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
