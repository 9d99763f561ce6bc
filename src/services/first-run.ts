// The first admin's one-time sign-in link. A new server has no admin: rather than making the operator
// invent a token and pass it around, `otaship serve` prints a link when no OTASHIP_ADMIN_TOKEN is set,
// and no admin token was ever made (using the link makes one). The link's code is random (256 bits,
// so guessing needs no throttle), kept only as its SHA-256 with an expiry in the shared settings table,
// works once (a compare-and-delete decides between racing visitors) and for an hour. Redeeming it
// creates a real admin API token and signs a session in with it: the session then behaves like any
// other (revoking that token on the Tokens page ends it), and nothing new is trusted by auth.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { OtashipError } from '../core/errors.js';
import type { Repositories } from '../ports/repositories.js';
import { sha256, type ApiTokenService } from './api-tokens.js';
import type { Clock } from './clock.js';
import type { Principal } from './principal.js';
import type { Session, SessionService } from './sessions.js';

export const FIRST_RUN_PATH = '/admin/first-run';
export const FIRST_RUN_TTL_SECONDS = 3600;
/** `<sha256 of the code>:<expiry in ms>`; replaced at each start, deleted when used. */
const CODE_SETTING = 'first_run_sign_in';
const FIRST_ADMIN_TOKEN_NAME = 'first admin (sign-in link)';

/** Who creates the first admin token: the link itself, which only the server's operator has seen. */
const FIRST_RUN_PRINCIPAL: Principal = { tokenId: 'first-run', name: 'first-run sign-in link', admin: true, appId: null, via: 'session' };

export interface FirstRunLink {
  url: string;
  expiresAt: Date;
}

export class FirstRunService {
  constructor(
    private readonly repos: Pick<Repositories, 'settings' | 'tokens'>,
    private readonly tokens: ApiTokenService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly adminTokenConfigured: boolean,
    private readonly publicUrl: string,
  ) {}

  /** A fresh one-time sign-in link (replacing any earlier one) while the server has no admin; else null. */
  async issue(): Promise<FirstRunLink | null> {
    if (this.adminTokenConfigured) return null;
    // Any admin token ever made (even revoked or expired; using the link makes one) means an admin
    // exists or existed: then the way back in is `otaship token create --admin`, not a link in a log.
    if ((await this.repos.tokens.list()).some((t) => t.admin)) return null;
    const code = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock().getTime() + FIRST_RUN_TTL_SECONDS * 1000);
    await this.repos.settings.put(CODE_SETTING, `${sha256(code)}:${expiresAt.getTime()}`);
    return { url: `${this.publicUrl}${FIRST_RUN_PATH}?code=${code}`, expiresAt };
  }

  /** Uses the link's code: creates the first admin token and returns a session signed in with it. */
  async redeem(code: string): Promise<Session> {
    const stored = await this.repos.settings.get(CODE_SETTING);
    const [hash = '', expiry = '0'] = (stored ?? '').split(':');
    if (!stored || !equalHex(sha256(code), hash)) {
      throw new OtashipError(
        'UNAUTHENTICATED',
        'this sign-in link is not valid: it was used already or replaced by the one printed at the latest start. ' +
          'Sign in with an admin token, or create one on the server with `otaship token create --name admin --admin`',
      );
    }
    if (Number(expiry) <= this.clock().getTime()) {
      throw new OtashipError('UNAUTHENTICATED', 'this sign-in link has expired (it works for an hour): restart the server for a new one');
    }
    if (!(await this.repos.settings.deleteIfValue(CODE_SETTING, stored))) {
      throw new OtashipError('UNAUTHENTICATED', 'this sign-in link was just used: it works once');
    }
    const { token } = await this.tokens.create(FIRST_RUN_PRINCIPAL, { name: FIRST_ADMIN_TOKEN_NAME, admin: true });
    return this.sessions.signIn(token);
  }
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
