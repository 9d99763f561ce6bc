// The OpenID Connect provider as the sign-in service sees it: start an attempt, and turn the
// browser's return into the person's claims, every protocol check done. One adapter
// (sso/openid-client.ts, on openid-client); the service keeps attempts single-use and maps claims.

/** What one sign-in attempt must remember between leaving for the provider and coming back. */
export interface OidcAttempt {
  /** PKCE code verifier. */
  verifier: string;
  state: string;
  nonce: string;
}

export interface IdentityProvider {
  /** A fresh attempt and the provider URL to send the browser to for it. */
  begin(redirectUri: string, scope: string): Promise<{ attempt: OidcAttempt; url: string }>;
  /**
   * The claims of the person the provider signed in, from the callback URL the browser came back
   * with: code exchanged with the verifier, state and nonce checked, the ID token verified, userinfo
   * merged in when the ID token lacks `wanted` claims. Throws UNAUTHENTICATED (refused answer) or
   * UNAVAILABLE (provider unreachable).
   */
  finish(callbackUrl: URL, attempt: OidcAttempt, wanted: readonly string[]): Promise<{ claims: Record<string, unknown>; idToken: string | null }>;
  /**
   * Where to send the browser to end the person's session at the provider too (RP-initiated
   * logout, with the ID token as id_token_hint); null when the provider advertises no
   * end_session_endpoint or cannot be reached (signing out of otaship then ends there).
   */
  endSessionUrl(idToken: string, postLogoutRedirectUri: string): Promise<string | null>;
}
