// The audit log's HTTP side: every route says in its options what it records, and ONE set of hooks
// records it, so a route cannot change something without leaving an entry unless it says why not:
//
//   app.delete('/api/v1/tokens/:id', { schema, config: { audit: { action: 'token.revoke', target: { type: 'token', id: 'params.id' } } } }, …)
//   scope.route({ method: 'PATCH', url, schema, config: { audit: { exempt: 'tus chunks: the publish is recorded' } }, handler })
//
// test/server/audit-coverage.test.ts walks every registered route and fails for a POST, PUT, PATCH
// or DELETE that declares neither.
//
// Values are read by path: `params.id`, `query.personId`, `body.email`, `response.release.id` (the
// JSON the route answered). A target given by type and id is described by services/audit.ts (its
// label and app), looked up BEFORE the handler runs when the id is in the request (so a deletion
// still names what it deleted) and after it when the id is in the response (a created thing).
//
// When it is written: in onSend, before the answer leaves, so a client that has its answer can
// already read the entry. Successes (status < 400) are recorded; so are 403 refusals (someone
// signed in tried something they may not); with `refusals: true` every other 4xx but 429 (failed sign-ins).
// If the insert fails, the action has already happened and is NOT undone or reported as failed
// (a retried publish or delete would do it twice): the whole entry is logged at error level
// instead, so it is not lost silently (docs/audit.md).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isOtashipError } from '../core/errors.js';
import type { AuditOutcome } from '../ports/audit.js';
import { actorOf, scrubDetails, type AuditActor, type TargetFacts } from '../services/audit.js';
import type { Principal, Services } from '../services/index.js';
import { AuthThrottle } from '../services/auth-throttle.js';
import { SESSION_COOKIE } from '../services/sessions.js';
import { knownPrincipal } from './auth.js';

/**
 * Entries with no one signed in (refused sign-ins) allowed per client address per 15 minutes, per
 * instance. Anyone can send those requests: without a bound, a flood of them would fill the table
 * (entries are kept for a year). Past it they are not recorded, and one warning says so.
 */
export const ANONYMOUS_ENTRIES_PER_WINDOW = 30;

/** Where a value is read from: params.x, query.x, body.x or response.x.y. */
export type AuditPath = `${'params' | 'query' | 'body' | 'response'}.${string}`;

export interface RouteAudit {
  /** Dotted action name, e.g. "release.delete". */
  action: string;
  target?: { type: string; id: AuditPath };
  /** The app, when the target does not tell it. */
  app?: AuditPath;
  /** Request or response values copied into the details (named by their last segment); scrubbed of secrets. */
  details?: readonly AuditPath[];
  /** Fixed details, e.g. the sign-in method. */
  note?: Record<string, string>;
  /** Also record 4xx answers but 429 (sign-in attempts that were refused). */
  refusals?: boolean;
  /**
   * Who acted when the route does not authenticate: 'session' — the session cookie the request
   * brought (sign-out); 'signed-in' — the session the answer sets (sign-in).
   */
  actor?: 'session' | 'signed-in';
}

/** A state-changing route that records nothing itself, and why. */
export interface AuditExempt {
  exempt: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: RouteAudit | AuditExempt;
  }
}

interface Pending {
  actor?: Principal | null;
  target?: TargetFacts;
  errorCode?: string;
}

const pending = new WeakMap<FastifyRequest, Pending>();

function routeAudit(request: FastifyRequest): RouteAudit | null {
  const audit = (request.routeOptions.config as { audit?: RouteAudit | AuditExempt } | undefined)?.audit;
  return audit && 'action' in audit ? audit : null;
}

function state(request: FastifyRequest): Pending {
  let s = pending.get(request);
  if (!s) pending.set(request, (s = {}));
  return s;
}

export function installAuditLog(app: FastifyInstance, services: Services): void {
  const anonymous = new AuthThrottle(services.clock, ANONYMOUS_ENTRIES_PER_WINDOW);
  app.addHook('preHandler', async (request) => {
    const audit = routeAudit(request);
    if (!audit) return;
    const s = state(request);
    if (audit.actor === 'session') s.actor = await sessionPrincipal(services, request.cookies?.[SESSION_COOKIE]);
    if (audit.target && !audit.target.id.startsWith('response.')) {
      const id = read(audit.target.id, request, undefined);
      if (id) s.target = await describe(services, audit.target.type, id);
    }
  });

  app.addHook('onError', async (request, _reply, err) => {
    if (routeAudit(request)) state(request).errorCode = isOtashipError(err) ? err.code : undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const audit = routeAudit(request);
    if (!audit) return payload;
    const outcome = outcomeOf(reply.statusCode, audit);
    if (!outcome) return payload;
    const s = state(request);
    const response = outcome === 'success' ? jsonOf(reply, payload) : undefined;
    let actor: AuditActor = actorOf(knownPrincipal(request) ?? s.actor);
    if (audit.actor === 'signed-in' && outcome === 'success') actor = actorOf(await sessionPrincipal(services, newSessionCookie(reply)));
    // A sign-out without a session ended nothing.
    if (audit.actor === 'session' && !s.actor) return payload;
    if (actor.kind === 'anonymous') {
      try {
        anonymous.check(request.ip);
      } catch {
        if (anonymous.firstRefusal(request.ip)) {
          request.log.warn({ client: request.ip, action: audit.action }, 'too many attempts from this address with no one signed in: not recording more for now');
        }
        return payload;
      }
      anonymous.fail(request.ip);
    }
    const targetId = audit.target ? read(audit.target.id, request, response) : null;
    let facts = s.target;
    if (audit.target && targetId && !facts) facts = await describe(services, audit.target.type, targetId);
    const details: Record<string, unknown> = { ...audit.note };
    for (const path of audit.details ?? []) {
      const value = valueAt(path, request, response);
      if (value !== undefined) details[path.slice(path.lastIndexOf('.') + 1)] = value;
    }
    if (outcome !== 'success') {
      details.status = reply.statusCode;
      if (s.errorCode) details.error = s.errorCode;
    }
    const input = {
      actor,
      client: request.ip,
      action: audit.action,
      target: audit.target ? { type: audit.target.type, id: targetId, label: facts?.label ?? null } : null,
      appId: (audit.app ? read(audit.app, request, response) : null) ?? facts?.appId ?? null,
      outcome,
      // Scrubbed here too: if the insert fails, this goes to the log as it is.
      details: scrubDetails(details),
    };
    try {
      await services.audit.record(input);
    } catch (err) {
      request.log.error({ err, audit: input }, 'the audit entry could not be written; it is in this log line instead');
    }
    return payload;
  });
}

function outcomeOf(status: number, audit: RouteAudit): AuditOutcome | null {
  if (status < 400) return 'success';
  if (status === 403) return 'denied';
  // Sign-in refusals: a wrong or used-up secret, a tampered callback. 429s are not recorded: the
  // throttle answers them without looking, and a guesser must not be able to flood the log.
  if (audit.refusals && status < 500 && status !== 429) return 'refused';
  return null;
}

async function describe(services: Services, type: string, id: string): Promise<TargetFacts> {
  // A lookup that fails leaves the entry without a label, never the action without its entry.
  return services.audit.describe(type, id).catch(() => ({ label: null, appId: null }));
}

async function sessionPrincipal(services: Services, cookie: string | undefined): Promise<Principal | null> {
  if (!cookie) return null;
  return services.sessions.resolve(cookie).catch(() => null);
}

/** The session cookie value the answer sets (a sign-in), if any. */
function newSessionCookie(reply: FastifyReply): string | undefined {
  const header = reply.getHeader('set-cookie');
  for (const line of [header ?? []].flat()) {
    const m = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(String(line));
    if (m && m[1]) return decodeURIComponent(m[1]);
  }
  return undefined;
}

/** The answer as JSON, when it is a small JSON document (created things' ids are read from it). */
function jsonOf(reply: FastifyReply, payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length > 256 * 1024) return undefined;
  if (!String(reply.getHeader('content-type') ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function valueAt(path: AuditPath, request: FastifyRequest, response: unknown): unknown {
  const [root, ...rest] = path.split('.');
  let value: unknown =
    root === 'params' ? request.params : root === 'query' ? request.query : root === 'body' ? request.body : response;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function read(path: AuditPath, request: FastifyRequest, response: unknown): string | null {
  const value = valueAt(path, request, response);
  return typeof value === 'string' && value !== '' ? value : null;
}
