// The validated, frozen server configuration. Built once by loadConfig() from a JSON file and the
// OTASHIP_* environment; everything else receives it as a value and never reads process.env.
import type { PeopleSettings } from './people.js';

export type TlsSettings =
  | { readonly mode: 'off' }
  | { readonly mode: 'files'; readonly certFile: string; readonly keyFile: string }
  | { readonly mode: 'self-signed' };

export type StorageSettings =
  | { readonly kind: 'fs'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      readonly endpoint: string | null;
      readonly forcePathStyle: boolean;
      readonly accessKeyId: string | null;
      readonly secretAccessKey: string | null;
      readonly prefix: string;
      readonly checksum: 'when_required' | 'when_supported';
    };

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Origin every link is built from (scheme://host[:port], no trailing slash, no path unless configured). */
  readonly publicUrl: string;
  /** iOS refuses OTA installs over plain http; the server runs anyway but says so loudly. */
  readonly publicUrlIsHttps: boolean;
  readonly dataDir: string;
  /** SHA-256 (hex) of the bootstrap admin token; the token itself is not kept. */
  readonly adminTokenSha256: string | null;
  readonly tls: TlsSettings;
  /** Token-signing key; null: generated once into <dataDir>/signing.key (server/signing-key.ts), never the database. */
  readonly secret: string | null;
  /** Lifetime of signed install links (install page, latest page, share links). */
  readonly linkTtlSeconds: number;
  /** Lifetime of the tokens inside a manifest (package + icons): must outlive a slow download. */
  readonly assetTtlSeconds: number;
  /** Lifetime of an admin web session. */
  readonly sessionTtlSeconds: number;
  /** Lifetime of an unfinished resumable (tus) upload; older ones are swept. */
  readonly uploadTtlSeconds: number;
  /** An upload body that receives no byte for this long is cancelled (server/http/body-idle.ts). */
  readonly uploadIdleTimeoutSeconds: number;
  /** A download whose client takes no byte for this long (while bytes wait) is cut. */
  readonly downloadIdleTimeoutSeconds: number;
  /** Downloads one client address may have in flight at once (429 beyond); 0: no limit. */
  readonly downloadsPerClient: number;
  /** One package's inspection is stopped (and the upload refused) after this long. */
  readonly inspectTimeoutSeconds: number;
  readonly maxUploadBytes: number;
  /** Unfinished resumable uploads one token may hold at once (429 QUOTA_EXCEEDED beyond). */
  readonly uploadQuotaCount: number;
  /** Their declared bytes, all together (a deferred length counts as maxUploadBytes until declared). */
  readonly uploadQuotaBytes: number;
  /** sqlite:<path>, a plain path, or postgres://… */
  readonly databaseUrl: string;
  readonly storage: StorageSettings;
  readonly downloadMode: 'proxy' | 'redirect';
  readonly presignTtlSeconds: number;
  /** Base URL under which blobs are publicly reachable by key (redirect mode), or null. */
  readonly cdnUrl: string | null;
  /** Device registration (/udid): 'open' to anyone who reaches the server, or 'off'. */
  readonly udidRegistration: 'open' | 'off';
  /** Devices registered anonymously that may wait for an admin's review; more are refused (429). */
  readonly udidMaxUnreviewed: number;
  /** Device registrations accepted from one client address per hour (per instance); more are refused (429). */
  readonly udidPerIpPerHour: number;
  /** Deliver webhooks to loopback and private-network addresses too (off: public addresses only). */
  readonly webhookAllowPrivate: boolean;
  /** Folder for staged uploads (same disk as dataDir by default). */
  readonly tmpDir: string;
  /** Failed sign-ins / rejected bearer tokens allowed per client address per 15 minutes; 0: no limit. */
  readonly authFailureLimit: number;
  /**
   * Reverse proxies whose X-Forwarded-For names the client (addresses or CIDRs, as fastify's
   * trustProxy takes them), so throttling counts clients, not the proxy. Empty: the socket's peer.
   */
  readonly trustProxy: readonly string[];
  /** A body from a request without valid credentials must arrive whole within this time. */
  readonly unauthenticatedBodyTimeoutSeconds: number;
  /** Strict-Transport-Security on every answer (the public URL is https, or the server serves TLS). */
  readonly hsts: boolean;
  /** Days audit entries are kept before the hourly sweep deletes them; 0: for ever. */
  readonly auditRetentionDays: number;
  /** People's sign-in: single sign-on, e-mail links (config/people.ts). */
  readonly people: PeopleSettings;
}
