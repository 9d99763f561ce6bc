// Share links as records: a named link to one release or to an app's latest build, made by the
// app's managers, with its own expiry, install limit, optional passcode and counts, revocable one
// by one. The link URL carries a signed token naming the record; every use reads the record.

export interface ShareLinkRecord {
  id: string;
  appId: string;
  /** The release it opens; null: the app's latest build at the time of each visit. */
  releaseId: string | null;
  name: string;
  createdAt: Date;
  /** Who made it (an e-mail address or a token name), for the list. */
  createdBy: string;
  /** null: never expires (until revoked). */
  expiresAt: Date | null;
  /** Installs allowed (package downloads, counted once per install: see services/share-links.ts); null: no limit. */
  installLimit: number | null;
  /** scrypt hash of the passcode (services/passcode.ts); null: no passcode. */
  passcodeHash: string | null;
  views: number;
  installs: number;
  revokedAt: Date | null;
}

/** A link as made: its id is given by the store, its counts start at 0 and it is not revoked. */
export type NewShareLink = Omit<ShareLinkRecord, 'id' | 'views' | 'installs' | 'revokedAt'>;

/** What claiming an install answers: counted now, counted before (a retry), or refused at the limit. */
export type InstallClaim = 'counted' | 'repeat' | 'limit';

export interface ShareLinkRepository {
  create(link: NewShareLink): Promise<ShareLinkRecord>;
  get(id: string): Promise<ShareLinkRecord | null>;
  /** The app's links, newest first. */
  listByApp(appId: string): Promise<ShareLinkRecord[]>;
  /** Marks the link revoked (once: a second call keeps the first time); null when it does not exist. */
  revoke(id: string, at: Date): Promise<ShareLinkRecord | null>;
  countView(id: string): Promise<void>;
  /** Whether this install (its key) was counted already. */
  hasInstall(id: string, installKey: string): Promise<boolean>;
  /**
   * Counts one install under the link's limit, atomically on both dialects: a key counted before
   * is a 'repeat' (a retried or resumed download), a new key past the limit is refused.
   */
  claimInstall(id: string, installKey: string, at: Date): Promise<InstallClaim>;
}
