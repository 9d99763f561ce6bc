// The people side of the database contract: people, groups, memberships, role grants on apps, and
// single-use sign-in tickets. Implemented once (db/people.ts) for SQLite and PostgreSQL.

export type AppRole = 'manager' | 'developer' | 'tester';
export const APP_ROLES: readonly AppRole[] = ['manager', 'developer', 'tester'];

export interface PersonRecord {
  id: string;
  /** As first given (display); matched case-insensitively. */
  email: string;
  name: string;
  /** Instance admin: everything, everywhere. */
  admin: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
}

export interface GroupRecord {
  id: string;
  name: string;
  createdAt: Date;
  /** Members are mailed a notice when a build of an app the group has a role on is published. */
  notifyNewBuilds: boolean;
}

/** How someone became a group member: by hand, or mapped from the identity provider's groups claim. */
export type MembershipVia = 'admin' | 'claim';

export interface MemberRecord {
  groupId: string;
  person: PersonRecord;
  via: MembershipVia;
}

export type GrantSubject = { personId: string; groupId?: never } | { groupId: string; personId?: never };

export interface GrantRecord {
  id: string;
  appId: string;
  personId: string | null;
  groupId: string | null;
  role: AppRole;
  createdAt: Date;
}

export type TicketPurpose = 'email-sign-in' | 'invitation' | 'oidc';

export interface TicketRecord {
  /** SHA-256 of the secret the link or cookie carries. */
  idHash: string;
  purpose: TicketPurpose;
  emailKey: string | null;
  personId: string | null;
  /** Purpose-specific JSON (e.g. the PKCE verifier and nonce of an OpenID Connect attempt). */
  data: string | null;
  /** The requesting client (clientKey), for throttling. */
  clientKey: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface PeopleRepository {
  /** CONFLICT when the e-mail (case-insensitively) is taken. */
  createPerson(p: { email: string; name: string; admin: boolean; createdAt: Date }): Promise<PersonRecord>;
  getPerson(id: string): Promise<PersonRecord | null>;
  /** Case-insensitive. */
  getPersonByEmail(email: string): Promise<PersonRecord | null>;
  listPeople(): Promise<PersonRecord[]>;
  updatePerson(id: string, patch: { name?: string; admin?: boolean; disabledAt?: Date | null; lastSignInAt?: Date }): Promise<PersonRecord | null>;
  /** Also ends their sessions, memberships, grants and personal tokens (cascade). */
  deletePerson(id: string): Promise<boolean>;

  /** CONFLICT when the name (case-insensitively) is taken. */
  createGroup(g: { name: string; createdAt: Date }): Promise<GroupRecord>;
  getGroup(id: string): Promise<GroupRecord | null>;
  getGroupByName(name: string): Promise<GroupRecord | null>;
  listGroups(): Promise<GroupRecord[]>;
  deleteGroup(id: string): Promise<boolean>;
  /** Adds (or re-labels) a membership; NOT_FOUND when the group or person does not exist. */
  addMember(groupId: string, personId: string, via: MembershipVia, at: Date): Promise<void>;
  removeMember(groupId: string, personId: string): Promise<boolean>;
  listMembers(groupId: string): Promise<MemberRecord[]>;
  groupsOf(personId: string): Promise<Array<{ group: GroupRecord; via: MembershipVia }>>;
  /**
   * Makes the person's claim-mapped memberships exactly `groupIds`; memberships added by hand stay.
   * One transaction.
   */
  syncClaimMemberships(personId: string, groupIds: readonly string[], at: Date): Promise<void>;

  /** Sets the subject's role on the app (replacing its earlier one); NOT_FOUND for an unknown app/subject. */
  setGrant(appId: string, subject: GrantSubject, role: AppRole, at: Date): Promise<GrantRecord>;
  removeGrant(appId: string, subject: GrantSubject): Promise<boolean>;
  listGrants(filter: { appId?: string; personId?: string; groupId?: string }): Promise<GrantRecord[]>;
  /** Every role the person holds, directly or through a group, one row per grant. */
  rolesOf(personId: string): Promise<Array<{ appId: string; role: AppRole }>>;

  /** Turns the group's "new build" notices on or off; false when the group does not exist. */
  setGroupNotices(groupId: string, on: boolean): Promise<boolean>;
  /**
   * Who is mailed when a build of the app is published: active people in a group that has a role
   * on the app and notices on, who have not opted out. Each person once, however many such groups.
   */
  noticeRecipients(appId: string): Promise<PersonRecord[]>;
  /** The person's opt-out of notices: a time sets it, null clears it; false when they do not exist. */
  setNoticesOff(personId: string, at: Date | null): Promise<boolean>;
  noticesOff(personId: string): Promise<boolean>;

  createTicket(t: TicketRecord): Promise<void>;
  /** Marks the ticket used and returns it, once: null when unknown, expired at `now`, of another purpose or used. */
  consumeTicket(idHash: string, purpose: TicketPurpose, now: Date): Promise<TicketRecord | null>;
  /** Tickets of this purpose created for the address since `since` (the per-address throttle). */
  countTickets(filter: { purpose: TicketPurpose; since: Date; emailKey?: string }): Promise<number>;
  deleteExpiredTickets(now: Date): Promise<number>;
}

/** The one spelling of "the same address": trimmed, lower-cased. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
