// The audit log: who did what, when. Entries are written by the HTTP layer's one hook (server/audit.ts,
// driven by each route's declared `config.audit`) and read here, through authz.ts: admins read every
// entry, an app's managers the entries of their apps.
//
// Secrets never reach the table: details keep only short scalar values under names that do not
// look like credentials, and any value shaped like an API token is replaced (scrubDetails below).
// Webhook URLs are reduced to their origin: a Slack or Teams URL carries its secret in the path.
import { OtashipError } from '../core/errors.js';
import type { AuditActorKind, AuditEntry, AuditFilter, AuditOutcome } from '../ports/audit.js';
import type { Page } from '../ports/repositories.js';
import type { Repositories } from '../ports/repositories.js';
import { auditScope, authorize } from './authz.js';
import type { Clock } from './clock.js';
import { newId } from './ids.js';
import type { Principal } from './principal.js';

/** The most entries one page lists. */
export const MAX_AUDIT_PAGE = 200;
const DEFAULT_AUDIT_PAGE = 50;
/** Longest string kept in a label or a detail (the rest is cut): the log is a record, not a copy. */
const MAX_TEXT = 200;
const MAX_DETAILS = 16;
/** Detail names that could hold a credential: dropped whatever their value. */
const SECRET_NAME = /secret|passw|passcode|token|cookie|authori[sz]ation|otp|signature|credential|code|^t$|key$/i;
/** A value shaped like one of our API tokens (ota_<id>_<secret>) or a session cookie value. */
const SECRET_VALUE = /ota_[0-9a-z]{20,}_|eyJ[A-Za-z0-9_-]{10,}\.|[A-Za-z0-9_-]{40,}/;
/** Actions are dotted lower-case words: also what keeps LIKE wildcards out of the action filter. */
export const ACTION_PATTERN = /^[a-z][a-z-]*(\.[a-z][a-z-]*)*$/;

export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
  label: string | null;
}

export interface AuditInput {
  actor: AuditActor;
  client: string | null;
  action: string;
  target?: { type: string; id: string | null; label?: string | null } | null;
  appId?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  appId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** What an audit target is called and which app it belongs to, looked up by its type and id. */
export interface TargetFacts {
  label: string | null;
  appId: string | null;
}

export const ANONYMOUS: AuditActor = { kind: 'anonymous', id: null, label: null };

/** The actor as the principal is known now (an e-mail may change later; the entry keeps this one). */
export function actorOf(principal: Principal | null | undefined): AuditActor {
  if (!principal) return ANONYMOUS;
  if (principal.person) return { kind: 'person', id: principal.person.id, label: principal.person.email };
  if (principal.tokenId === 'bootstrap') return { kind: 'admin-token', id: null, label: 'admin token' };
  if (principal.tokenId === 'first-run') return { kind: 'bootstrap', id: null, label: 'first-run sign-in link' };
  return { kind: 'token', id: principal.tokenId, label: principal.name };
}

export class AuditService {
  constructor(
    private readonly repos: Pick<Repositories, 'audit' | 'transaction'>,
    private readonly clock: Clock,
    /** Days entries are kept (OTASHIP_AUDIT_RETENTION_DAYS); 0: for ever. */
    readonly retentionDays: number,
  ) {}

  /** Appends one entry. Throws when the database does (the caller decides; see server/audit.ts). */
  async record(input: AuditInput): Promise<AuditEntry> {
    const at = this.clock();
    const entry: AuditEntry = {
      id: newId(at),
      at,
      actorKind: input.actor.kind,
      actorId: cut(input.actor.id),
      actorLabel: cut(input.actor.label),
      client: cut(input.client),
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: cut(input.target?.id ?? null),
      targetLabel: cut(input.target?.label ?? null),
      appId: input.appId ?? null,
      outcome: input.outcome,
      details: scrubDetails(input.details ?? {}),
    };
    if (!ACTION_PATTERN.test(entry.action)) throw new OtashipError('INTERNAL', `audit action "${entry.action.slice(0, 60)}" is not a dotted name`);
    await this.repos.audit.append(entry);
    return entry;
  }

  /** A page of entries the principal may read, newest first. */
  async list(principal: Principal, query: AuditQuery): Promise<Page<AuditEntry>> {
    const filter: AuditFilter = {};
    if (query.appId) {
      authorize(principal, 'audit:read', { appId: query.appId, ref: `app ${query.appId}` });
      filter.appId = query.appId;
    } else {
      const scope = auditScope(principal);
      if (scope !== 'all') {
        if (scope.length === 0) authorize(principal, 'audit:read');
        filter.appIds = scope;
      }
    }
    if (query.actor) filter.actor = query.actor;
    if (query.action) {
      if (!ACTION_PATTERN.test(query.action)) {
        throw new OtashipError('VALIDATION', `action "${query.action.slice(0, 60)}" is not an action name: e.g. release.publish, or release for every release action`);
      }
      filter.action = query.action;
    }
    if (query.from) filter.from = time(query.from, 'from');
    if (query.to) filter.to = time(query.to, 'to');
    return this.repos.audit.list(filter, query.cursor ?? null, Math.min(query.limit ?? DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE));
  }

  /**
   * Deletes entries older than the retention. Every instance may run it at the same time: the
   * delete is one statement on a time bound, so two sweeps at once delete each row once between them.
   */
  async sweep(): Promise<number> {
    if (this.retentionDays === 0) return 0;
    return this.repos.audit.deleteBefore(new Date(this.clock().getTime() - this.retentionDays * 86400_000));
  }

  /** What the target is called and which app it belongs to (null facts when it is gone or unknown). */
  async describe(type: string, id: string): Promise<TargetFacts> {
    const describe = DESCRIBERS[type];
    // Read past the short-lived record cache (db/record-cache.ts): the lookup must not keep another
    // instance's deletion out of sight for a second just because the log looked at the record.
    return describe ? this.repos.transaction((repos) => describe(repos, id)) : { label: null, appId: null };
  }

  /** Whether targets of this kind get a label and an app (test/server/audit-coverage.test.ts asks). */
  describes(type: string): boolean {
    return Object.hasOwn(DESCRIBERS, type);
  }
}

/** One line per kind of target: other features add theirs here. */
const DESCRIBERS: Record<string, (repos: Omit<Repositories, 'transaction' | 'close'>, id: string) => Promise<TargetFacts>> = {
  app: async (repos, id) => {
    const a = await repos.apps.get(id);
    return { label: a ? `${a.name} (${a.platform} ${a.bundleId})` : null, appId: a ? a.id : null };
  },
  release: async (repos, id) => {
    const r = await repos.releases.get(id);
    if (!r) return { label: null, appId: null };
    const a = await repos.apps.get(r.appId);
    const version = r.version ? `${r.version} (${r.build})` : r.build;
    return { label: `${a?.name ?? r.name} ${version}`, appId: r.appId };
  },
  token: async (repos, id) => {
    const t = await repos.tokens.get(id);
    return { label: t?.name ?? null, appId: t?.appId ?? null };
  },
  person: async (repos, id) => ({ label: (await repos.people.getPerson(id))?.email ?? null, appId: null }),
  group: async (repos, id) => ({ label: (await repos.people.getGroup(id))?.name ?? null, appId: null }),
  webhook: async (repos, id) => {
    const w = await repos.webhooks.get(id);
    return { label: w ? webhookLabel(w.url) : null, appId: w?.appId ?? null };
  },
  'share-link': async (repos, id) => {
    const l = await repos.shareLinks.get(id);
    return { label: l?.name ?? null, appId: l?.appId ?? null };
  },
  device: async (repos, id) => {
    const d = await repos.devices.get(id);
    return { label: d ? (d.label ?? d.deviceName ?? d.udid) : null, appId: null };
  },
};

/** A webhook's URL without path, query or user info: those may hold its secret. */
function webhookLabel(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function cut(value: string | null): string | null {
  return value === null ? null : value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

/**
 * Details as stored: scalar values only, under names that cannot hold a credential, strings cut
 * short and anything shaped like a token replaced. Applied to every entry, whoever wrote it.
 */
export function scrubDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(details)) {
    if (Object.keys(out).length >= MAX_DETAILS) break;
    if (SECRET_NAME.test(name) || value === undefined) continue;
    if (value === null || typeof value === 'boolean' || typeof value === 'number') out[name] = value;
    else if (typeof value === 'string') out[name] = SECRET_VALUE.test(value) ? '[redacted]' : cut(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      out[name] = value.slice(0, MAX_DETAILS).map((v) => (SECRET_VALUE.test(v) ? '[redacted]' : cut(v)));
    }
  }
  return out;
}

function time(value: string, name: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) {
    throw new OtashipError('VALIDATION', `${name} must be a date or time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z), not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return d;
}
