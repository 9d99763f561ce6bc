// The audit log's side of the database contract: entries are appended, listed newest first with
// filters and keyset pagination, and the ones older than the retention are deleted. Implemented
// once (db/audit.ts) for SQLite and PostgreSQL.
import type { Page } from './repositories.js';

/** Who acted, as they were known at the time (an e-mail or token name may change later). */
export type AuditActorKind = 'person' | 'token' | 'admin-token' | 'bootstrap' | 'anonymous';

export type AuditOutcome = 'success' | 'denied' | 'refused';

export interface AuditEntry {
  id: string;
  at: Date;
  actorKind: AuditActorKind;
  /** Person id or token id; null for the admin token, the first-run link and anonymous callers. */
  actorId: string | null;
  /** The person's e-mail or the token's name at the time. */
  actorLabel: string | null;
  /** The client address (request.ip: the proxy's client when OTASHIP_TRUST_PROXY names the proxy). */
  client: string | null;
  /** Dotted, e.g. "release.publish", "sign-in", "token.revoke". */
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  /** The app the action concerned, when there is one: its managers may read the entry. */
  appId: string | null;
  outcome: AuditOutcome;
  /** A small JSON object: never secrets (services/audit.ts scrubs them before they get here). */
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  appId?: string;
  /** Only entries of these apps (a non-admin reader's scope); an empty list matches nothing. */
  appIds?: readonly string[];
  from?: Date;
  to?: Date;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first, `limit` at most, from an opaque cursor (a previous page's nextCursor). */
  list(filter: AuditFilter, cursor: string | null, limit: number): Promise<Page<AuditEntry>>;
  /** Deletes entries older than `before`; returns how many. Safe to run on several instances at once. */
  deleteBefore(before: Date): Promise<number>;
}
