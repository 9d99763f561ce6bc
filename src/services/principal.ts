// Who is making a request. Built by the token/session services; judged only by authz.ts.
import type { AppRole } from '../ports/people.js';

export interface Principal {
  /** API token id, 'bootstrap' for OTASHIP_ADMIN_TOKEN, or `person.<id>` for a signed-in person. */
  tokenId: string;
  name: string;
  /** Instance admin (admin token, or a person with the admin flag). */
  admin: boolean;
  /** Service tokens: when set, the principal may see and change only this app. Null for people. */
  appId: string | null;
  via: 'bearer' | 'session';
  /** Set for a person (a session signed in by e-mail or single sign-on, or a personal token): their roles decide. */
  person?: PersonPrincipal;
}

export interface PersonPrincipal {
  id: string;
  email: string;
  /** The strongest role per app, directly or through a group, read when the request began. */
  roles: ReadonlyMap<string, AppRole>;
}

/** The tokenId of a person principal (also owns their resumable uploads). */
export function personTokenId(personId: string): string {
  return `person.${personId}`;
}
