// Authorisation in ONE place. Routes and services call authorize() before acting; nothing else
// decides who may do what. Three kinds of principal:
//   instance admin (admin token, bootstrap token, person with the admin flag)
//                          → everything, including people, groups, tokens, webhooks and devices
//   service API token (CI; every token made before people existed is one)
//     unrestricted         → every app and release (publish, read, edit, delete), no token management
//     app-limited          → only its own app; other apps and their releases look missing (404)
//   person (signed in, or a personal token), by their strongest role on each app (direct or group):
//     tester               → see the app and its releases, install them
//     developer            → + publish builds of the app, edit release notes, run the deployment
//                            doctor on its releases (the server then makes requests: not a tester's)
//     manager              → + change and delete the app and its releases, make builds public,
//                            grant and take back roles on the app (its testers), see who
//                            installed which build and the testers' devices missing from a
//                            build, make, list and revoke its share links, download App Bundles
//                            and manage the app's APK signing key
//     no role on the app   → the app and its releases look missing (404 NOT_FOUND, as an unknown id
//                            does): they learn neither which ids exist nor their bundle ids.
//     A person creates no new app (a first publish of a bundle id): an admin does, then grants roles.
//   personal API tokens    → every person makes, lists and revokes their own; a personal token
//                            acts as its person (their roles, read at each request), never more
//   audit log              → instance admins read every entry; an app's managers (people) the
//                            entries of their apps; service tokens none
//   resumable uploads      → tokens and people who may publish somewhere may start one (what it may
//                            publish is decided when the finished upload is published); only its
//                            creator (or an admin) may continue, inspect, cancel or publish it
import { OtashipError } from '../core/errors.js';
import type { AppRole } from '../ports/people.js';
import type { Principal } from './principal.js';

export type Action =
  | 'app:list'
  | 'app:read'
  | 'app:update'
  | 'app:delete'
  | 'release:publish'
  | 'release:read'
  | 'release:update'
  /** Making a release public or private (a link anyone can open): the app's managers. */
  | 'release:visibility'
  | 'release:delete'
  /** The deployment doctor: the server fetches the release's install page, manifest and package. */
  | 'release:check'
  /** Downloading the Android App Bundle a release was published as (testers get its APK): managers. */
  | 'release:bundle'
  /** An Android app's APK signing key: see it, upload a keystore, drop it (managers). */
  | 'app:signing'
  /** Granting and removing roles on one app. */
  | 'access:manage'
  /** Who installed a release (per-person counts of signed-in testers' install links). */
  | 'release:installs'
  /** The app's testers' devices (missing from its latest build's profile, and their export). */
  | 'app:devices'
  /** Share links of one app (services/share-links.ts): make, list and revoke. */
  | 'share-link:manage'
  | 'token:manage'
  | 'device:manage'
  | 'webhook:manage'
  /** People and groups of the instance, and grants on any app. */
  | 'people:manage'
  /** A person's own API tokens (personal tokens act as that person, with their roles). */
  | 'token:personal'
  /**
   * Making one: only from a person's signed-in session, never with a personal token (a leaked token
   * could otherwise make new ones that outlive its own revocation).
   */
  | 'token:personal-create'
  | 'upload:create'
  | 'upload:use'
  /** Reading the audit log: all of it (admins), or one app's entries (its managers). */
  | 'audit:read';

/** What the action is applied to; appId null means "an app that does not exist yet" (first publish). */
export interface Resource {
  appId?: string | null;
  /** For messages: e.g. "ios com.example.app". */
  label?: string;
  /** Resumable uploads: the token id of the principal that created the upload. */
  ownerTokenId?: string;
  /**
   * How the caller named it (e.g. "release 01h…"), exactly as the caller's "does not exist" message
   * says it: a principal that may not see the app is answered that way.
   */
  ref?: string;
}

/** How strong each role is: a stronger one includes what the weaker ones may do. */
export const RANK: Record<AppRole, number> = { tester: 1, developer: 2, manager: 3 };

/** The least role each per-app action needs. */
const NEEDS: Partial<Record<Action, AppRole>> = {
  'app:read': 'tester',
  'release:read': 'tester',
  'release:publish': 'developer',
  'release:update': 'developer',
  'release:check': 'developer',
  'release:visibility': 'manager',
  'app:update': 'manager',
  'app:delete': 'manager',
  'release:delete': 'manager',
  'release:bundle': 'manager',
  'app:signing': 'manager',
  'access:manage': 'manager',
  'release:installs': 'manager',
  'app:devices': 'manager',
  'audit:read': 'manager',
  'share-link:manage': 'manager',
};

/** Instance-wide actions only admins take. */
const ADMIN_ONLY: ReadonlySet<Action> = new Set(['token:manage', 'device:manage', 'webhook:manage', 'people:manage']);

export function isAllowed(principal: Principal, action: Action, resource: Resource = {}): boolean {
  // Only people have personal tokens: an admin token is not a person either.
  if (action === 'token:personal') return principal.person !== undefined;
  if (action === 'token:personal-create') return principal.person !== undefined && principal.via === 'session';
  if (principal.admin) return true;
  if (ADMIN_ONLY.has(action)) return false;
  if (action === 'upload:use') return resource.ownerTokenId === principal.tokenId;
  if (action === 'app:list') return true; // the listing itself is filtered (visibleAppIds)
  const person = principal.person;
  if (person) {
    if (action === 'upload:create') return [...person.roles.values()].some((r) => RANK[r] >= RANK.developer);
    const needed = NEEDS[action];
    const role = resource.appId ? person.roles.get(resource.appId) : undefined;
    return needed !== undefined && role !== undefined && RANK[role] >= RANK[needed];
  }
  if (action === 'access:manage') return false; // service tokens grant no roles
  if (action === 'audit:read') return false; // CI tokens have no business reading who did what
  if (action === 'upload:create') return true;
  if (principal.appId === null) return true;
  return resource.appId === principal.appId;
}

/**
 * What the principal may do on one app, for pages that offer only the controls that would work
 * (the admin app page). The API still decides each request through authorize().
 */
export interface AppActions {
  publish: boolean;
  editNotes: boolean;
  visibility: boolean;
  rename: boolean;
  deleteApp: boolean;
  deleteRelease: boolean;
  check: boolean;
  access: boolean;
  /** Who installed which build (per-person counts). */
  installs: boolean;
  /** The testers' devices missing from the latest build. */
  devices: boolean;
  shareLinks: boolean;
  /** Download bundles and manage the APK signing key (Android). */
  bundles: boolean;
}

export function appActions(principal: Principal, appId: string): AppActions {
  const may = (action: Action) => isAllowed(principal, action, { appId });
  return {
    publish: may('release:publish'),
    editNotes: may('release:update'),
    visibility: may('release:visibility'),
    rename: may('app:update'),
    deleteApp: may('app:delete'),
    deleteRelease: may('release:delete'),
    check: may('release:check'),
    access: may('access:manage'),
    installs: may('release:installs'),
    devices: may('app:devices'),
    shareLinks: may('share-link:manage'),
    bundles: may('release:bundle'),
  };
}

/** The principal's role on the app (admins and unrestricted tokens: manager), or null when it may not see it. */
export function roleOn(principal: Principal, appId: string): AppRole | null {
  if (principal.admin) return 'manager';
  if (principal.person) return principal.person.roles.get(appId) ?? null;
  return principal.appId === null || principal.appId === appId ? 'manager' : null;
}

export function authorize(principal: Principal, action: Action, resource: Resource = {}): void {
  if (isAllowed(principal, action, resource)) return;
  const who = principal.person ? principal.person.email : `token "${principal.name}"`;
  if (ADMIN_ONLY.has(action)) {
    const not = principal.person ? 'not an instance admin' : 'not an admin token';
    throw new OtashipError('FORBIDDEN', `${who} is ${not} and cannot ${ADMIN_VERB[action as keyof typeof ADMIN_VERB]}`);
  }
  if (action === 'upload:use') {
    throw new OtashipError('FORBIDDEN', `${who} did not start this upload and may not use it`);
  }
  if (action === 'upload:create') {
    throw new OtashipError('FORBIDDEN', `${who} is a developer or manager of no app and may not upload builds`);
  }
  if (action === 'token:personal' || (action === 'token:personal-create' && !principal.person)) {
    throw new OtashipError('FORBIDDEN', `${who} is a service token, not a person: personal tokens belong to people signed in`);
  }
  if (action === 'token:personal-create') {
    throw new OtashipError('FORBIDDEN', `${who} may make personal tokens only while signed in (My apps › Tokens), not with a token`);
  }
  if (action === 'audit:read' && !resource.appId) {
    throw new OtashipError(
      'FORBIDDEN',
      `${who} manages no app and may not read the audit log: instance admins read all of it, an app's managers its entries`,
    );
  }
  // An app the principal may not see at all is answered as if it did not exist.
  const invisible = resource.appId ? roleOn(principal, resource.appId) === null : true;
  if (resource.ref !== undefined && invisible && HIDDEN.has(action)) {
    throw new OtashipError('NOT_FOUND', `${resource.ref} does not exist`);
  }
  const what = resource.label ?? (resource.appId ? `app ${resource.appId}` : 'a new app');
  if (principal.person) {
    const role = resource.appId ? principal.person.roles.get(resource.appId) : undefined;
    if (!resource.appId) {
      throw new OtashipError('FORBIDDEN', `${who} may not create ${what}: an instance admin publishes its first build, then grants roles on it`);
    }
    const needed = NEEDS[action] ?? 'manager';
    throw new OtashipError(
      'FORBIDDEN',
      `${who} is ${role ? `a ${role}` : 'not a member'} of ${what} and may not ${verb(action)} it (a ${needed} may: ask a manager of the app)`,
    );
  }
  if (action === 'access:manage') {
    throw new OtashipError('FORBIDDEN', `${who} is a service token and cannot grant roles: sign in as a manager of the app or an admin`);
  }
  if (action === 'audit:read') {
    throw new OtashipError('FORBIDDEN', `${who} is a service token and cannot read the audit log: sign in as a manager of the app or an admin`);
  }
  throw new OtashipError('FORBIDDEN', `${who} is limited to one app and may not ${verb(action)} ${what}`);
}

const ADMIN_VERB = {
  'token:manage': 'manage tokens',
  'device:manage': 'see or change registered devices',
  'webhook:manage': 'see or change webhooks',
  'people:manage': 'manage people and groups',
} as const;

/** Actions on existing apps and releases: refused as if the resource did not exist (see the top). */
const HIDDEN: ReadonlySet<Action> = new Set(
  // Every per-app action but publishing, which may name an app that does not exist yet.
  (Object.keys(NEEDS) as Action[]).filter((a) => a !== 'release:publish'),
);

/** Narrows a listing to what the principal may see. */
export function visibleAppIds(principal: Principal): 'all' | string[] {
  if (principal.admin) return 'all';
  if (principal.person) return [...principal.person.roles.keys()];
  if (principal.appId === null) return 'all';
  return [principal.appId];
}

/** Whose audit entries the principal may read: every entry (admins), those of the apps they manage, or none. */
export function auditScope(principal: Principal): 'all' | string[] {
  if (principal.admin) return 'all';
  if (!principal.person) return [];
  return [...principal.person.roles].filter(([, role]) => role === 'manager').map(([appId]) => appId);
}

function verb(action: Action): string {
  switch (action) {
    case 'audit:read':
      return 'read the audit log of';
    case 'release:publish':
      return 'publish builds of';
    case 'app:read':
    case 'release:read':
      return 'read';
    case 'app:update':
    case 'release:update':
      return 'change';
    case 'release:visibility':
      return 'make builds public or private in';
    case 'release:check':
      return 'run the deployment doctor on';
    case 'release:bundle':
      return 'download the App Bundles of';
    case 'app:signing':
      return 'manage the APK signing key of';
    case 'app:delete':
    case 'release:delete':
      return 'delete';
    case 'access:manage':
      return 'grant roles on';
    case 'release:installs':
      return 'see who installed builds of';
    case 'app:devices':
      return "see the testers' devices of";
    case 'share-link:manage':
      return 'manage the share links of';
    default:
      return 'act on';
  }
}
