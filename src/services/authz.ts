// Authorisation in ONE place. Routes and services call authorize() before acting; nothing else
// decides who may do what.
//   admin token            → everything, including token management, webhooks and registered devices (UDIDs)
//   unrestricted API token → every app and release (publish, read, edit, delete), no token management
//   app-limited API token  → only its own app: publish builds of that app's bundle id and platform,
//                            read/edit/delete that app and its releases; other apps and their
//                            releases look missing (404 NOT_FOUND, as an unknown id does): the token
//                            learns neither which ids exist nor their bundle ids
//   resumable uploads      → any principal may start one (what it may publish is decided when the
//                            finished upload is published); only its creator (or an admin) may
//                            continue, inspect, cancel or publish it
import { OtashipError } from '../core/errors.js';
import type { Principal } from './principal.js';

export type Action =
  | 'app:list'
  | 'app:read'
  | 'app:update'
  | 'app:delete'
  | 'release:publish'
  | 'release:read'
  | 'release:update'
  | 'release:delete'
  | 'token:manage'
  | 'device:manage'
  | 'webhook:manage'
  | 'upload:create'
  | 'upload:use';

/** What the action is applied to; appId null means "an app that does not exist yet" (first publish). */
export interface Resource {
  appId?: string | null;
  /** For messages: e.g. "ios com.example.app". */
  label?: string;
  /** Resumable uploads: the token id of the principal that created the upload. */
  ownerTokenId?: string;
  /**
   * How the caller named it (e.g. "release 01h…"), exactly as the caller's "does not exist" message
   * says it: an app-limited token is answered that way for other apps' resources.
   */
  ref?: string;
}

export function isAllowed(principal: Principal, action: Action, resource: Resource = {}): boolean {
  if (principal.admin) return true;
  if (action === 'token:manage' || action === 'device:manage' || action === 'webhook:manage') return false;
  if (action === 'upload:create') return true;
  if (action === 'upload:use') return resource.ownerTokenId === principal.tokenId;
  if (principal.appId === null) return true;
  if (action === 'app:list') return true; // the listing itself is filtered to the token's app
  return resource.appId === principal.appId;
}

export function authorize(principal: Principal, action: Action, resource: Resource = {}): void {
  if (isAllowed(principal, action, resource)) return;
  if (action === 'token:manage') {
    throw new OtashipError('FORBIDDEN', `token "${principal.name}" is not an admin token and cannot manage tokens`);
  }
  if (action === 'device:manage') {
    throw new OtashipError('FORBIDDEN', `token "${principal.name}" is not an admin token and cannot see or change registered devices`);
  }
  if (action === 'webhook:manage') {
    throw new OtashipError('FORBIDDEN', `token "${principal.name}" is not an admin token and cannot see or change webhooks`);
  }
  if (action === 'upload:use') {
    throw new OtashipError('FORBIDDEN', `token "${principal.name}" did not start this upload and may not use it`);
  }
  if (resource.ref !== undefined && HIDDEN.has(action)) {
    throw new OtashipError('NOT_FOUND', `${resource.ref} does not exist`);
  }
  const what = resource.label ?? (resource.appId ? `app ${resource.appId}` : 'a new app');
  throw new OtashipError('FORBIDDEN', `token "${principal.name}" is limited to one app and may not ${verb(action)} ${what}`);
}

/** Actions on existing apps and releases: refused as if the resource did not exist (see the top). */
const HIDDEN: ReadonlySet<Action> = new Set(['app:read', 'app:update', 'app:delete', 'release:read', 'release:update', 'release:delete']);

/** Narrows a listing to what the principal may see. */
export function visibleAppIds(principal: Principal): 'all' | string[] {
  if (principal.admin || principal.appId === null) return 'all';
  return [principal.appId];
}

function verb(action: Action): string {
  switch (action) {
    case 'release:publish':
      return 'publish builds of';
    case 'app:read':
    case 'release:read':
      return 'read';
    case 'app:update':
    case 'release:update':
      return 'change';
    case 'app:delete':
    case 'release:delete':
      return 'delete';
    default:
      return 'act on';
  }
}
