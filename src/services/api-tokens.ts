// API tokens: `ota_<id>_<secret>`. The id finds the record; only the SHA-256 of the secret is stored
// and compared in constant time. The bootstrap OTASHIP_ADMIN_TOKEN (hashed in the config) is an
// admin too. Revoked or expired tokens stop working at once (sessions check their token each time).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type { ApiTokenRecord, Repositories } from '../ports/repositories.js';
import type { Clock } from './clock.js';
import { isId, newId } from './ids.js';
import type { Principal } from './principal.js';
import { authorize } from './authz.js';
import type { PeopleService } from './people.js';

export const BOOTSTRAP_TOKEN_ID = 'bootstrap';

export interface TokenView {
  id: string;
  name: string;
  appId: string | null;
  admin: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  appId?: string | null;
  admin?: boolean;
  expiresInDays?: number | null;
}

type Repos = Pick<Repositories, 'tokens' | 'apps'>;

/** The longest an API token may be made to live (100 years: 'practically never', but a date). */
const MAX_TOKEN_DAYS = 36500;

export class ApiTokenService {
  constructor(
    private readonly repos: Repos,
    private readonly clock: Clock,
    private readonly adminTokenSha256: string | null,
    /** Personal tokens act as their person, with the person's roles at the time of each request. */
    private readonly people?: Pick<PeopleService, 'principalFor'>,
  ) {}

  /** Bearer token → principal, or UNAUTHENTICATED with the reason. */
  async authenticate(token: string): Promise<Principal> {
    const t = token.trim();
    if (this.adminTokenSha256 && equalHex(sha256(t), this.adminTokenSha256)) {
      return { tokenId: BOOTSTRAP_TOKEN_ID, name: 'bootstrap admin', admin: true, appId: null, via: 'bearer' };
    }
    const m = /^ota_([0-9a-z]{26})_([A-Za-z0-9_-]{20,200})$/.exec(t);
    if (!m) throw new OtashipError('UNAUTHENTICATED', 'the API token is not an otaship token (ota_<id>_<secret>)');
    const record = await this.repos.tokens.get(m[1]!);
    // Same message for unknown id and wrong secret: do not reveal which ids exist.
    if (!record || !equalHex(sha256(m[2]!), record.secretHash)) {
      throw new OtashipError('UNAUTHENTICATED', 'the API token is not known to this server');
    }
    this.#checkUsable(record);
    // Best effort: a failed "last used" update must not fail the request.
    this.repos.tokens.touch(record.id, this.clock()).catch(() => undefined);
    return this.#principalOf(record, 'bearer');
  }

  /**
   * What a session names: the token id, and for the bootstrap admin also WHICH admin token (a digest
   * of its hash), so that changing OTASHIP_ADMIN_TOKEN ends the sessions signed in with the old one.
   */
  sessionSubject(principal: Principal): string {
    if (principal.tokenId !== BOOTSTRAP_TOKEN_ID || !this.adminTokenSha256) return principal.tokenId;
    return `${BOOTSTRAP_TOKEN_ID}.${sha256(`otaship session ${this.adminTokenSha256}`).slice(0, 32)}`;
  }

  /** Re-checks the token a session names (see sessionSubject): it may have been revoked or replaced since. */
  async principalForId(id: string, via: Principal['via']): Promise<Principal> {
    if (id === BOOTSTRAP_TOKEN_ID || id.startsWith(`${BOOTSTRAP_TOKEN_ID}.`)) {
      if (!this.adminTokenSha256) throw new OtashipError('UNAUTHENTICATED', 'the bootstrap admin token is no longer configured');
      const bootstrap: Principal = { tokenId: BOOTSTRAP_TOKEN_ID, name: 'bootstrap admin', admin: true, appId: null, via };
      if (id !== this.sessionSubject(bootstrap)) {
        throw new OtashipError('UNAUTHENTICATED', 'the admin token (OTASHIP_ADMIN_TOKEN) has changed since this session began: sign in again');
      }
      return bootstrap;
    }
    const record = isId(id) ? await this.repos.tokens.get(id) : null;
    if (!record) throw new OtashipError('UNAUTHENTICATED', 'the token behind this session no longer exists');
    this.#checkUsable(record);
    return this.#principalOf(record, via);
  }

  async create(principal: Principal, input: CreateTokenInput): Promise<{ token: string; record: TokenView }> {
    authorize(principal, 'token:manage');
    const name = tokenName(input.name);
    const appId = input.appId ?? null;
    if (appId !== null && typeof appId !== 'string') throw new OtashipError('VALIDATION', 'appId must be an app id or null');
    if (appId !== null && (!isId(appId) || !(await this.repos.apps.get(appId)))) {
      throw new OtashipError('NOT_FOUND', `app ${appId} does not exist`);
    }
    const admin = input.admin === true;
    if (admin && appId !== null) throw new OtashipError('VALIDATION', 'an admin token cannot be limited to one app');
    return this.#mint({ name, appId, admin, personId: null, days: expiryDays(input.expiresInDays) });
  }

  /** Stores a new token and answers its secret (shown once; only its hash is kept). */
  async #mint(fields: { name: string; appId: string | null; admin: boolean; personId: string | null; days: number | null }): Promise<{
    token: string;
    record: TokenView;
  }> {
    const now = this.clock();
    const id = newId(now);
    const secret = randomBytes(32).toString('base64url');
    const record = await this.repos.tokens.create({
      id,
      name: fields.name,
      secretHash: sha256(secret),
      appId: fields.appId,
      admin: fields.admin,
      ...(fields.personId ? { personId: fields.personId } : {}),
      // One clock reading for both ends, so a 7-day token lives exactly 7 days.
      createdAt: now,
      expiresAt: fields.days === null ? null : new Date(now.getTime() + fields.days * 86400_000),
    });
    return { token: `ota_${id}_${secret}`, record: tokenView(record) };
  }

  /** A personal token of the signed-in person: it acts as them, with their roles at each request, and ends with them. */
  async createPersonal(principal: Principal, input: { name: unknown; expiresInDays?: unknown }): Promise<{ token: string; record: TokenView }> {
    authorize(principal, 'token:personal-create');
    // Not an admin token: the person's own admin flag applies, read at each request.
    return this.#mint({ name: tokenName(input.name), appId: null, admin: false, personId: principal.person!.id, days: expiryDays(input.expiresInDays) });
  }

  /** The person's own tokens. */
  async listPersonal(principal: Principal): Promise<TokenView[]> {
    authorize(principal, 'token:personal');
    return (await this.repos.tokens.list()).filter((t) => t.personId === principal.person!.id).map(tokenView);
  }

  /** Revokes one of the person's own tokens; another's is answered as missing. */
  async revokePersonal(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'token:personal');
    const record = isId(id) ? await this.repos.tokens.get(id) : null;
    if (!record || record.personId !== principal.person!.id) throw new OtashipError('NOT_FOUND', `token ${id.slice(0, 64)} does not exist`);
    await this.repos.tokens.revoke(record.id, this.clock());
  }

  async list(principal: Principal): Promise<TokenView[]> {
    authorize(principal, 'token:manage');
    return (await this.repos.tokens.list()).map(tokenView);
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    authorize(principal, 'token:manage');
    const ok = isId(id) && (await this.repos.tokens.revoke(id, this.clock()));
    if (!ok) throw new OtashipError('NOT_FOUND', `token ${id.slice(0, 64)} does not exist`);
  }

  async #principalOf(record: ApiTokenRecord, via: Principal['via']): Promise<Principal> {
    if (!record.personId) return principalOf(record, via);
    if (!this.people) throw new OtashipError('UNAUTHENTICATED', `the API token "${record.name}" belongs to a person and people are not set up`);
    return { ...(await this.people.principalFor(record.personId, via)), tokenId: record.id };
  }

  #checkUsable(record: ApiTokenRecord): void {
    if (record.revokedAt) throw new OtashipError('UNAUTHENTICATED', `the API token "${record.name}" was revoked`);
    if (record.expiresAt && record.expiresAt.getTime() <= this.clock().getTime()) {
      throw new OtashipError('UNAUTHENTICATED', `the API token "${record.name}" expired on ${record.expiresAt.toISOString()}`);
    }
  }
}

export function tokenView(r: ApiTokenRecord): TokenView {
  return {
    id: r.id,
    name: r.name,
    appId: r.appId,
    admin: r.admin,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

function principalOf(r: ApiTokenRecord, via: Principal['via']): Principal {
  return { tokenId: r.id, name: r.name, admin: r.admin, appId: r.appId, via };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function tokenName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name || name.length > 100) throw new OtashipError('VALIDATION', 'name must be 1-100 characters');
  return name;
}

/**
 * Whole days only: a fraction (0.0001 days) would make a token that is dead on arrival or that
 * expires at a moment nobody asked for. Null: it never expires.
 */
function expiryDays(value: unknown): number | null {
  const days = value ?? null;
  if (days !== null && (typeof days !== 'number' || !Number.isSafeInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)) {
    throw new OtashipError('VALIDATION', `expiresInDays must be a whole number of days from 1 to ${MAX_TOKEN_DAYS} (or null: never)`);
  }
  return days;
}
