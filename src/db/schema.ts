// The tables as Kysely sees them. One schema for SQLite and PostgreSQL; the column types are the
// union of what either driver hands back (pg returns bigint as string and timestamptz as Date,
// SQLite returns numbers and ISO text), and rows.ts turns them into the port's records.
import type { ColumnType } from 'kysely';

/** Written as an ISO 8601 string (both dialects accept it); read as text (SQLite) or Date (pg). */
export type DbTimestamp = ColumnType<string | Date, string, string>;
export type DbNullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;
/** Written as 0/1 (SQLite has no boolean; PostgreSQL parses '1'/'0' into boolean); read as either. */
export type DbBool = ColumnType<number | boolean, number, number>;
export type DbNullableBool = ColumnType<number | boolean | null, number | null, number | null>;
/** bigint on PostgreSQL (pg returns it as a string), integer on SQLite. */
export type DbBigInt = ColumnType<number | string | bigint, number, number>;

export interface AppsTable {
  id: string;
  platform: string;
  bundle_id: string;
  name: string;
  is_public: DbBool;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface ReleasesTable {
  id: string;
  app_id: string;
  version: string | null;
  build: string;
  name: string;
  size: DbBigInt;
  sha256: string;
  package_key: string;
  icon_key: string | null;
  icon57_key: string | null;
  icon512_key: string | null;
  /** JSON text of the PackageInfo (see migrations.ts for why text and not jsonb). */
  info: string;
  notes: string;
  is_public: DbNullableBool;
  created_at: DbTimestamp;
  /** JSON text of the ReleaseSource, or null (migration 0008). */
  source: string | null;
  /** JSON text of the ReleaseBundle when published as an .aab, else null (0010). */
  bundle: string | null;
}

export interface BundleJobsTable {
  release_id: string;
  state: string;
  attempts: number;
  holder: string | null;
  lease_until: DbNullableTimestamp;
  error: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

export interface AppSigningKeysTable {
  app_id: string;
  origin: string;
  /** Sealed (services/bundle/seal.ts), base64url. */
  keystore: string;
  store_password: string;
  key_password: string;
  alias: string;
  certificate_sha256: string;
  created_at: DbTimestamp;
}

export interface CountersTable {
  release_id: string;
  kind: string;
  n: DbBigInt;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  secret_hash: string;
  app_id: string | null;
  admin: DbBool;
  created_at: DbTimestamp;
  last_used_at: DbNullableTimestamp;
  revoked_at: DbNullableTimestamp;
  expires_at: DbNullableTimestamp;
  /** Null: a service token (0009). */
  person_id: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface DevicesTable {
  id: string;
  udid: string;
  product: string;
  version: string;
  serial: string | null;
  device_name: string | null;
  label: string | null;
  first_registered_at: DbTimestamp;
  last_registered_at: DbTimestamp;
  /** Null until an admin reviewed the device (0007). */
  reviewed_at: DbTimestamp | null;
  /** JSON DeviceClaim: what a later registration of this UDID reported, awaiting the admin (0007). */
  claim: string | null;
  /** The person who registered it while signed in (0012); null: registered anonymously. */
  person_id: string | null;
}

export interface DeviceNoncesTable {
  id: string;
  udid: string;
  expires_at: DbTimestamp;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** Comma-separated event names. */
  events: string;
  app_id: string | null;
  description: string;
  created_at: DbTimestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  state: string;
  attempt_count: number;
  next_attempt_at: DbTimestamp;
  claimed_until: DbNullableTimestamp;
  created_at: DbTimestamp;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  webhook_id: string;
  attempted_at: DbTimestamp;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface BlobIntentsTable {
  prefix: string;
  created_at: DbTimestamp;
  claimed_until: DbNullableTimestamp;
}

export interface UploadLocksTable {
  upload_id: string;
  owner_token_id: string | null;
  /** Declared length; null while the client defers it. */
  size: DbBigInt | null;
  created_at: DbTimestamp;
  holder: string | null;
  lease_until: DbNullableTimestamp;
  release_requested: DbBool;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session id the signed cookie carries. */
  id_hash: string;
  /** What the session signs in as (ApiTokenService.sessionSubject). */
  subject: string;
  created_at: DbTimestamp;
  expires_at: DbTimestamp;
  /** The person signed in (0009); null for token sessions. */
  person_id: string | null;
  /** The ID token of a single sign-on session, for the provider's logout (0014). */
  id_token: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PeopleTable {
  id: string;
  email: string;
  /** email lowercased: the unique key. */
  email_key: string;
  name: string;
  admin: DbBool;
  disabled_at: DbNullableTimestamp;
  created_at: DbTimestamp;
  last_sign_in_at: DbNullableTimestamp;
  /** Opted out of "new build" notices (0014). */
  notices_off_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_key: string;
  created_at: DbTimestamp;
  /** Mail members "new build" notices for the apps the group has a role on (0014). */
  notify_new_builds: ColumnType<number | boolean, number | undefined, number>;
}

export interface GroupMembersTable {
  group_id: string;
  person_id: string;
  via: string;
  created_at: DbTimestamp;
}

export interface GrantsTable {
  id: string;
  app_id: string;
  /** 'p:<person id>' or 'g:<group id>'. */
  subject_key: string;
  person_id: string | null;
  group_id: string | null;
  role: string;
  created_at: DbTimestamp;
}

export interface AuthTicketsTable {
  id_hash: string;
  purpose: string;
  email_key: string | null;
  person_id: string | null;
  data: string | null;
  client_key: string | null;
  created_at: DbTimestamp;
  expires_at: DbTimestamp;
  used_at: DbNullableTimestamp;
}

/** Per-person install counts of a release (0012). */
export interface PersonInstallsTable {
  release_id: string;
  person_id: string;
  manifest_fetches: number;
  downloads: number;
  first_at: DbTimestamp;
  last_at: DbTimestamp;
}

/** Who did what, when (migration 0013; ports/audit.ts). */
export interface AuditLogTable {
  id: string;
  at: DbTimestamp;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string | null;
  client: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  app_id: string | null;
  outcome: string;
  /** JSON text (text, not jsonb, for the same reasons as releases.info). */
  details: string;
}

/** Share links as records (migration 0011). */
export interface ShareLinksTable {
  id: string;
  app_id: string;
  release_id: string | null;
  name: string;
  created_at: DbTimestamp;
  created_by: string;
  expires_at: DbNullableTimestamp;
  install_limit: number | null;
  passcode_hash: string | null;
  views: DbBigInt;
  installs: DbBigInt;
  revoked_at: DbNullableTimestamp;
}

/** The installs a share link counted, one row per install key (migration 0011). */
export interface ShareLinkInstallsTable {
  link_id: string;
  install_key: string;
  created_at: DbTimestamp;
}

export interface Database {
  apps: AppsTable;
  releases: ReleasesTable;
  counters: CountersTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  devices: DevicesTable;
  device_nonces: DeviceNoncesTable;
  person_installs: PersonInstallsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  blob_intents: BlobIntentsTable;
  upload_locks: UploadLocksTable;
  sessions: SessionsTable;
  people: PeopleTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  grants: GrantsTable;
  auth_tickets: AuthTicketsTable;
  audit_log: AuditLogTable;
  share_links: ShareLinksTable;
  share_link_installs: ShareLinkInstallsTable;
  bundle_jobs: BundleJobsTable;
  app_signing_keys: AppSigningKeysTable;
}

export type SqlDialect = 'sqlite' | 'postgres';
