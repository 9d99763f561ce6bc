// Who is making a request. Built by the token/session services; judged only by authz.ts.
export interface Principal {
  /** API token id, or 'bootstrap' for OTASHIP_ADMIN_TOKEN. */
  tokenId: string;
  name: string;
  admin: boolean;
  /** When set, the principal may see and change only this app. */
  appId: string | null;
  via: 'bearer' | 'session';
}
