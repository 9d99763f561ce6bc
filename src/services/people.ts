// People, groups and roles: who a signed-in person is (principalFor, read on every request so a
// removal or a revoked role takes effect at once on every instance), and the admin's and managers'
// changes to them, each authorised in authz.ts.
import { OtashipError } from '../core/errors.js';
import { APP_ROLES, type AppRole, type GrantRecord, type GrantSubject, type GroupRecord, type PersonRecord } from '../ports/people.js';
import type { Repositories } from '../ports/repositories.js';
import { RANK, authorize, isAllowed } from './authz.js';
import type { Clock } from './clock.js';
import { isId } from './ids.js';
import { personTokenId, type Principal } from './principal.js';

/** Deliberately loose (one @, something on each side, no spaces): the mail server is the real judge. */
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,190}\.[^\s@<>"]{1,63}$/;

export interface PersonView {
  id: string;
  email: string;
  name: string;
  admin: boolean;
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface GroupView {
  id: string;
  name: string;
  /** Members are mailed when a build of an app the group has a role on is published. */
  notifyNewBuilds: boolean;
  members: Array<{ personId: string; email: string; via: 'admin' | 'claim' }>;
}

export interface GrantView {
  appId: string;
  role: AppRole;
  subject: { kind: 'person'; id: string; label: string } | { kind: 'group'; id: string; label: string };
}

export function personView(p: PersonRecord): PersonView {
  return {
    id: p.id,
    email: p.email,
    name: p.name,
    admin: p.admin,
    disabled: p.disabledAt !== null,
    createdAt: p.createdAt.toISOString(),
    lastSignInAt: p.lastSignInAt?.toISOString() ?? null,
  };
}

/** Checks and normalises an e-mail address from a form, an invitation or an identity provider. */
export function checkEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (!EMAIL.test(email)) throw new OtashipError('VALIDATION', 'email must be an e-mail address like ann@example.com');
  return email;
}

function checkName(value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !value.trim() || value.length > 200) throw new OtashipError('VALIDATION', 'name must be 1-200 characters of text');
  return value.trim();
}

export function checkRole(value: unknown): AppRole {
  if (typeof value === 'string' && (APP_ROLES as readonly string[]).includes(value)) return value as AppRole;
  throw new OtashipError('VALIDATION', `role must be one of ${APP_ROLES.join(', ')}`);
}

export class PeopleService {
  constructor(
    private readonly repos: Pick<Repositories, 'people' | 'apps'>,
    private readonly clock: Clock,
  ) {}

  /** The person as a principal with their roles now; UNAUTHENTICATED when removed or disabled. */
  async principalFor(personId: string, via: Principal['via']): Promise<Principal> {
    const p = await this.repos.people.getPerson(personId);
    if (!p) throw new OtashipError('UNAUTHENTICATED', 'this person no longer exists on this server: ask an admin to invite you again');
    if (p.disabledAt) throw new OtashipError('UNAUTHENTICATED', `the account ${p.email} is disabled: ask an admin`);
    const roles = new Map<string, AppRole>();
    for (const { appId, role } of await this.repos.people.rolesOf(p.id)) {
      const had = roles.get(appId);
      if (!had || RANK[role] > RANK[had]) roles.set(appId, role);
    }
    return { tokenId: personTokenId(p.id), name: p.name || p.email, admin: p.admin, appId: null, via, person: { id: p.id, email: p.email, roles } };
  }

  // People (instance admins).

  async list(principal: Principal): Promise<PersonView[]> {
    authorize(principal, 'people:manage');
    return (await this.repos.people.listPeople()).map(personView);
  }

  /** Creates the person (the invitation itself is sent by the sign-in service). CONFLICT when known. */
  async create(principal: Principal, input: { email: unknown; name?: unknown; admin?: unknown }): Promise<PersonRecord> {
    authorize(principal, 'people:manage');
    const email = checkEmail(input.email);
    if (input.admin !== undefined && typeof input.admin !== 'boolean') throw new OtashipError('VALIDATION', 'admin must be true or false');
    return this.repos.people.createPerson({ email, name: checkName(input.name, ''), admin: input.admin === true, createdAt: this.clock() });
  }

  async update(principal: Principal, id: string, patch: { name?: unknown; admin?: unknown; disabled?: unknown }): Promise<PersonView> {
    authorize(principal, 'people:manage');
    const person = await this.#person(id);
    const clean: { name?: string; admin?: boolean; disabledAt?: Date | null } = {};
    if (patch.name !== undefined) clean.name = checkName(patch.name, '');
    if (patch.admin !== undefined) {
      if (typeof patch.admin !== 'boolean') throw new OtashipError('VALIDATION', 'admin must be true or false');
      clean.admin = patch.admin;
    }
    if (patch.disabled !== undefined) {
      if (typeof patch.disabled !== 'boolean') throw new OtashipError('VALIDATION', 'disabled must be true or false');
      clean.disabledAt = patch.disabled ? (person.disabledAt ?? this.clock()) : null;
    }
    if (principal.person?.id === person.id && (clean.admin === false || clean.disabledAt)) {
      throw new OtashipError('VALIDATION', 'you cannot take away your own admin rights or disable yourself: ask another admin');
    }
    const updated = await this.repos.people.updatePerson(person.id, clean);
    if (!updated) throw notFound('person', id);
    return personView(updated);
  }

  /** Removes the person: their sessions, memberships, grants and personal tokens end at once. */
  async remove(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'people:manage');
    if (principal.person?.id === id) throw new OtashipError('VALIDATION', 'you cannot remove yourself: ask another admin');
    if (!(isId(id) && (await this.repos.people.deletePerson(id)))) throw notFound('person', id);
  }

  // Groups (instance admins).

  async listGroups(principal: Principal): Promise<GroupView[]> {
    authorize(principal, 'people:manage');
    const groups = await this.repos.people.listGroups();
    return Promise.all(groups.map((g) => this.#groupView(g)));
  }

  async createGroup(principal: Principal, name: unknown): Promise<GroupView> {
    authorize(principal, 'people:manage');
    if (typeof name !== 'string' || !name.trim() || name.length > 100) throw new OtashipError('VALIDATION', 'name must be 1-100 characters of text');
    return this.#groupView(await this.repos.people.createGroup({ name, createdAt: this.clock() }));
  }

  /** Turns the group's "new build" notices on or off (they are sent only with a mail server). */
  async updateGroup(principal: Principal, id: string, patch: { notifyNewBuilds?: unknown }): Promise<GroupView> {
    authorize(principal, 'people:manage');
    const group = await this.#group(id);
    if (patch.notifyNewBuilds !== undefined) {
      if (typeof patch.notifyNewBuilds !== 'boolean') throw new OtashipError('VALIDATION', 'notifyNewBuilds must be true or false');
      await this.repos.people.setGroupNotices(group.id, patch.notifyNewBuilds);
    }
    return this.#groupView((await this.repos.people.getGroup(group.id)) ?? group);
  }

  async removeGroup(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'people:manage');
    if (!(isId(id) && (await this.repos.people.deleteGroup(id)))) throw notFound('group', id);
  }

  async addMember(principal: Principal, groupId: string, personId: string): Promise<GroupView> {
    authorize(principal, 'people:manage');
    const group = await this.#group(groupId);
    await this.#person(personId);
    await this.repos.people.addMember(group.id, personId, 'admin', this.clock());
    return this.#groupView(group);
  }

  async removeMember(principal: Principal, groupId: string, personId: string): Promise<void> {
    authorize(principal, 'people:manage');
    const group = await this.#group(groupId);
    if (!(isId(personId) && (await this.repos.people.removeMember(group.id, personId)))) {
      throw new OtashipError('NOT_FOUND', `person ${personId.slice(0, 64)} is not a member of group ${group.name}`);
    }
  }

  // Roles on one app (its managers and instance admins).

  async listGrants(principal: Principal, appId: string): Promise<GrantView[]> {
    const app = await this.#visibleApp(appId);
    authorize(principal, 'access:manage', { appId: app.id, label: `app ${app.bundleId}`, ref: `app ${appId}` });
    return this.#grantViews(await this.repos.people.listGrants({ appId: app.id }));
  }

  async grant(principal: Principal, appId: string, input: { personId?: unknown; groupId?: unknown; email?: unknown; role?: unknown }): Promise<GrantView> {
    const app = await this.#visibleApp(appId);
    authorize(principal, 'access:manage', { appId: app.id, label: `app ${app.bundleId}`, ref: `app ${appId}` });
    const role = checkRole(input.role);
    const subject = await this.#subject(principal, input);
    const g = await this.repos.people.setGrant(app.id, subject, role, this.clock());
    return (await this.#grantViews([g]))[0]!;
  }

  async revokeGrant(principal: Principal, appId: string, subject: { personId?: unknown; groupId?: unknown }): Promise<void> {
    const app = await this.#visibleApp(appId);
    authorize(principal, 'access:manage', { appId: app.id, label: `app ${app.bundleId}`, ref: `app ${appId}` });
    const s = grantSubject(subject);
    if (!(await this.repos.people.removeGrant(app.id, s))) throw new OtashipError('NOT_FOUND', 'that person or group has no role on this app');
  }

  /** The groups a principal may pick from when granting (managers see names only, to grant to them). */
  async groupChoices(): Promise<GroupRecord[]> {
    return this.repos.people.listGroups();
  }

  async #subject(principal: Principal, input: { personId?: unknown; groupId?: unknown; email?: unknown }): Promise<GrantSubject> {
    if (input.email !== undefined) {
      // A manager names a tester by address; people unknown to the server are created by admins only.
      const email = checkEmail(input.email);
      const known = await this.repos.people.getPersonByEmail(email);
      if (known) return { personId: known.id };
      if (!isAllowed(principal, 'people:manage')) {
        throw new OtashipError('NOT_FOUND', `nobody with the e-mail ${email} is on this server: ask an admin to invite them`);
      }
      return { personId: (await this.repos.people.createPerson({ email, name: '', admin: false, createdAt: this.clock() })).id };
    }
    return grantSubject(input);
  }

  async #grantViews(grants: GrantRecord[]): Promise<GrantView[]> {
    const out: GrantView[] = [];
    for (const g of grants) {
      if (g.personId) {
        const p = await this.repos.people.getPerson(g.personId);
        out.push({ appId: g.appId, role: g.role, subject: { kind: 'person', id: g.personId, label: p?.email ?? g.personId } });
      } else if (g.groupId) {
        const grp = await this.repos.people.getGroup(g.groupId);
        out.push({ appId: g.appId, role: g.role, subject: { kind: 'group', id: g.groupId, label: grp?.name ?? g.groupId } });
      }
    }
    return out;
  }

  async #groupView(g: GroupRecord): Promise<GroupView> {
    const members = await this.repos.people.listMembers(g.id);
    return { id: g.id, name: g.name, notifyNewBuilds: g.notifyNewBuilds, members: members.map((m) => ({ personId: m.person.id, email: m.person.email, via: m.via })) };
  }

  async #person(id: string): Promise<PersonRecord> {
    const p = isId(id) ? await this.repos.people.getPerson(id) : null;
    if (!p) throw notFound('person', id);
    return p;
  }

  async #group(id: string): Promise<GroupRecord> {
    const g = isId(id) ? await this.repos.people.getGroup(id) : null;
    if (!g) throw notFound('group', id);
    return g;
  }

  async #visibleApp(appId: string) {
    const app = isId(appId) ? await this.repos.apps.get(appId) : null;
    if (!app) throw notFound('app', appId);
    return app; // someone with no role on it is then told it does not exist (authz, access:manage)
  }
}

function grantSubject(input: { personId?: unknown; groupId?: unknown }): GrantSubject {
  const person = typeof input.personId === 'string' ? input.personId : undefined;
  const group = typeof input.groupId === 'string' ? input.groupId : undefined;
  if ((person === undefined) === (group === undefined)) throw new OtashipError('VALIDATION', 'name exactly one of personId, groupId (or email)');
  if (person !== undefined) {
    if (!isId(person)) throw notFound('person', person);
    return { personId: person };
  }
  if (!isId(group!)) throw notFound('group', group!);
  return { groupId: group! };
}

function notFound(kind: string, id: string): OtashipError {
  return new OtashipError('NOT_FOUND', `${kind} ${id.slice(0, 64)} does not exist`);
}
