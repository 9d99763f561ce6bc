// What every route plugin receives. Route plugins are `(app, deps: ServerDeps) => Promise<void>`,
// registered by buildServer (src/server/build.ts). They stay thin: parse the request, call a service,
// render. Useful pieces for page/admin routes:
//   deps.services.install.release(id, token) / .latest(appId, token)   → access-checked data + fresh links
//   deps.services.counters.pageView(releaseId)                        → count an install page view
//   deps.services.status                                              → https / CA page / warnings
//   deps.services.sessions.signIn(token) → {value, expiresAt, principal}; set it with
//     reply.setCookie(SESSION_COOKIE, value, deps.services.sessions.cookieOptions(expiresAt))
//   authenticate(request, deps.services) from ./auth.js                → Principal (bearer or session cookie)
//   deps.services.catalog / .tokens                                  → apps, releases, tokens (authorised)
//   deps.ca                                                          → CA cert + fingerprint (self-signed TLS)
import type { Config } from '../config/types.js';
import type { Services } from '../services/index.js';
import type { DownloadGuard } from './http/download-guard.js';

export interface ServerDeps {
  config: Config;
  services: Services;
  /** Self-signed TLS: the local CA testers must trust (the /ca page shows it); null otherwise. */
  ca: CaInfo | null;
}

/** What buildServer adds for the route plugins: pieces of the HTTP layer that routes share. */
export interface RouteDeps extends ServerDeps {
  /** Bounds every download the server streams (http/download-guard.ts). */
  downloads: DownloadGuard;
}

export interface CaInfo {
  certPem: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint: string;
}
