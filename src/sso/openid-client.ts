// The identity provider adapter, on openid-client (the certified relying-party library): issuer
// discovery, authorization code with PKCE (S256), state and nonce, ID token verification, userinfo.
// Built by the composition root from OTASHIP_OIDC_*; nothing else imports it.
import * as client from 'openid-client';
import { OtashipError, isOtashipError } from '../core/errors.js';
import type { OidcSettings } from '../config/people.js';
import type { IdentityProvider, OidcAttempt } from '../ports/identity-provider.js';

/** http issuers are accepted only on loopback (a provider run beside otaship for tests or development). */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || /^127\./.test(host) || host === '::1';
}

export function openIdProvider(settings: OidcSettings): IdentityProvider {
  let configuration: Promise<client.Configuration> | null = null;
  // Discovery once; a failure is retried at the next sign-in (the provider may have been down).
  const config = (): Promise<client.Configuration> => {
    configuration ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret ?? undefined,
        settings.clientSecret ? undefined : client.None(),
        { timeout: 10, ...(settings.issuer.startsWith('http:') && isLoopback(settings.issuer) ? { execute: [client.allowInsecureRequests] } : {}) },
      )
      .catch((err: unknown) => {
        configuration = null;
        throw new OtashipError(
          'UNAVAILABLE',
          `the identity provider ${settings.issuer} could not be reached or its discovery document is not valid (${describe(err)}): try again, or check OTASHIP_OIDC_ISSUER`,
          { cause: err },
        );
      });
    return configuration;
  };

  return {
    async begin(redirectUri, scope) {
      const c = await config();
      const attempt: OidcAttempt = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
        code_challenge_method: 'S256',
        state: attempt.state,
        nonce: attempt.nonce,
      });
      return { attempt, url: url.href };
    },

    async finish(callbackUrl, attempt, wanted) {
      const c = await config();
      try {
        const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: attempt.verifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
        const claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
        // Many providers put e-mail and groups only in userinfo; its subject must be the ID token's.
        if (typeof claims.sub === 'string' && wanted.some((k) => claims[k] === undefined)) {
          const info = await client.fetchUserInfo(c, tokens.access_token, claims.sub).catch(() => null);
          for (const k of wanted) if (claims[k] === undefined && info?.[k] !== undefined) claims[k] = info[k];
        }
        return { claims, idToken: tokens.id_token ?? null };
      } catch (err) {
        if (isOtashipError(err)) throw err;
        throw new OtashipError('UNAUTHENTICATED', `single sign-on failed: the identity provider's answer was refused (${describe(err)}). Start again from the sign-in page`, {
          cause: err,
        });
      }
    },

    async endSessionUrl(idToken, postLogoutRedirectUri) {
      // Signing out of otaship must work while the provider is down: no provider logout then.
      const c = await config().catch(() => null);
      if (!c?.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(c, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri }).href;
    },
  };
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; error?: unknown; message?: unknown };
  const code = typeof e.error === 'string' ? e.error : typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  // openid-client names the claim that failed its check (nonce, iss, aud…) down its cause chain.
  let claim = '';
  for (let c: unknown = err, depth = 0; c && typeof c === 'object' && depth < 5 && !claim; c = (c as { cause?: unknown }).cause, depth++) {
    const named = (c as { claim?: unknown }).claim;
    if (typeof named === 'string') claim = ` (claim ${named})`;
  }
  return `${code ? `${code}: ` : ''}${message}${claim}`.slice(0, 300);
}
