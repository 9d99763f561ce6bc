// The database contract: plain records in, plain records out. One implementation (db/*.ts) runs on
// SQLite and PostgreSQL through Kysely; services see only these interfaces.
import type { AabInfo, ApkInfo, PackageInfo } from '../core/types.js';
import type { AuditRepository } from './audit.js';
import type { PeopleRepository } from './people.js';
import type { PersonInstallRepository } from './person-installs.js';
import type { ShareLinkRepository } from './share-links.js';

export type Platform = 'ios' | 'android';

export interface AppRecord {
  id: string;
  platform: Platform;
  bundleId: string;
  name: string;
  /** Public apps' install pages and downloads need no token. */
  isPublic: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReleaseRecord {
  id: string;
  appId: string;
  version: string | null;
  build: string;
  name: string;
  size: number;
  sha256: string;
  /** Blob key of the package in the BlobStore. */
  packageKey: string;
  /** Blob keys of the standard PNG icons (original, 57x57, 512x512); null when the package has none. */
  iconKey: string | null;
  icon57Key: string | null;
  icon512Key: string | null;
  /** Everything inspect() found, as stored at publish time. */
  info: PackageInfo;
  notes: string;
  /** null: inherit from the app. */
  isPublic: boolean | null;
  createdAt: Date;
  /** Where the build came from (CI, branch, commit, build link), as the publisher reported it; null: not said. */
  source: ReleaseSource | null;
  /**
   * Published as an Android App Bundle: the bundle (kept for the app's managers) and whether the
   * universal APK testers install is ready. Until it is, the package fields describe the APK to come
   * (its key) and the bundle's facts; nothing may be downloaded. Null/absent: an .apk or .ipa.
   */
  bundle?: ReleaseBundle | null;
}

export interface ReleaseBundle {
  /** Blob key of the .aab. */
  key: string;
  size: number;
  sha256: string;
  info: AabInfo;
  apkReady: boolean;
  /** Which key signed the APK (once ready): otaship's own for the app, or the keystore its manager uploaded. */
  signer?: 'generated' | 'uploaded';
}

/** The universal APK built from a release's bundle, as the conversion stores it. */
export interface BuiltApk {
  /** Blob key the APK was stored under (one per attempt: see services/bundle/worker.ts). */
  packageKey: string;
  size: number;
  sha256: string;
  info: ApkInfo;
  signer: 'generated' | 'uploaded';
}

export type BundleJobState = 'queued' | 'running' | 'done' | 'failed';

/** A bundle → APK conversion: one per release published as an .aab (services/bundle/worker.ts). */
export interface BundleJobRecord {
  releaseId: string;
  state: BundleJobState;
  /** How many times an instance claimed it. */
  attempts: number;
  /** The instance working on it (running), and until when its claim holds unless renewed. */
  holder: string | null;
  leaseUntil: Date | null;
  /** Why the last attempt failed (failed, or queued again after a fault). */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Conversion jobs as every instance sees them; claims are atomic across instances. */
export interface BundleJobRepository {
  /** A queued job for the release (inside the transaction that records the release). */
  create(releaseId: string, at: Date): Promise<void>;
  get(releaseId: string): Promise<BundleJobRecord | null>;
  /**
   * Claims the oldest queued job, or a running one whose lease lapsed at `now` (its instance died),
   * for `holder` until `until`, counting the attempt; null when there is none. Of instances claiming
   * at once, each job goes to exactly one.
   */
  claimNext(holder: string, now: Date, until: Date): Promise<BundleJobRecord | null>;
  /** Extends the lease while `holder` still holds the job; false when it lost it. */
  renew(releaseId: string, holder: string, until: Date): Promise<boolean>;
  /**
   * Ends `holder`'s attempt: done, failed (with why), or queued again (a fault worth retrying).
   * false when the job is no longer `holder`'s (its lease lapsed and another instance took it).
   */
  finish(releaseId: string, holder: string, outcome: { state: 'done' | 'failed' | 'queued'; error: string | null; at: Date }): Promise<boolean>;
}

/** An app's APK signing key, sealed (services/bundle/seal.ts): never stored in clear. */
export interface SealedSigningKey {
  appId: string;
  origin: 'generated' | 'uploaded';
  keystore: string;
  storePassword: string;
  keyPassword: string;
  alias: string;
  /** SHA-256 of the signing certificate (hex, upper case with colons, as keytool prints it): public. */
  certificateSha256: string;
  createdAt: Date;
}

export interface SigningKeyRepository {
  get(appId: string): Promise<SealedSigningKey | null>;
  /** Stores the key unless the app has one; returns the one now stored (so racing instances agree). */
  putIfAbsent(key: SealedSigningKey): Promise<SealedSigningKey>;
  /** Stores the key, replacing any (an uploaded keystore). */
  put(key: SealedSigningKey): Promise<void>;
  delete(appId: string): Promise<boolean>;
}

/** Provenance of a release, validated by services/release-source.ts; every field but `ci` may be missing. */
export interface ReleaseSource {
  ci: string;
  branch?: string;
  commit?: string;
  buildUrl?: string;
}

export type CounterKind = 'page_view' | 'manifest_fetch' | 'download_complete' | 'download_start';

export interface ReleaseCounts {
  pageViews: number;
  manifestFetches: number;
  downloadsStarted: number;
  downloadsCompleted: number;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  /** SHA-256 of the secret part, hex. The secret itself is never stored. */
  secretHash: string;
  /** null: every app (and token management when admin). */
  appId: string | null;
  admin: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
  /** The person a personal token acts as; null (every token made before people existed): a service token. */
  personId?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AppRepository {
  /** id is generated when omitted. Throws OtashipError CONFLICT when (platform, bundleId) exists. */
  create(app: Omit<AppRecord, 'id' | 'createdAt' | 'updatedAt'> & { id?: string }): Promise<AppRecord>;
  get(id: string): Promise<AppRecord | null>;
  findByBundle(platform: Platform, bundleId: string): Promise<AppRecord | null>;
  list(): Promise<AppRecord[]>;
  update(id: string, patch: Partial<Pick<AppRecord, 'name' | 'isPublic'>>): Promise<AppRecord | null>;
  delete(id: string): Promise<boolean>;
  /**
   * Inside a transaction: holds the app until the transaction ends, so that no release is added to it
   * meanwhile (one being added now is waited for). For a transaction that reads an app's releases and
   * then deletes the app: a release committed in between would otherwise go with the app, its files
   * never removed.
   */
  lockReleases(id: string): Promise<void>;
}

export interface ReleaseRepository {
  /** id is generated when omitted. Throws OtashipError NOT_FOUND when the app does not exist. */
  create(release: Omit<ReleaseRecord, 'id' | 'createdAt' | 'source'> & { id?: string; createdAt?: Date; source?: ReleaseSource | null }): Promise<ReleaseRecord>;
  get(id: string): Promise<ReleaseRecord | null>;
  /** Newest first. */
  listByApp(appId: string, options?: { limit?: number; cursor?: string | null }): Promise<Page<ReleaseRecord>>;
  latest(appId: string): Promise<ReleaseRecord | null>;
  update(id: string, patch: Partial<Pick<ReleaseRecord, 'notes' | 'isPublic'>>): Promise<ReleaseRecord | null>;
  /**
   * A bundle's APK is ready: the release's package becomes it (size, hash, facts) and the bundle is
   * marked ready. Null when the release is gone or was not published as a bundle.
   */
  attachApk(id: string, apk: BuiltApk): Promise<ReleaseRecord | null>;
  delete(id: string): Promise<boolean>;
  /** Every blob key referenced by any release (for storage migration and orphan checks). */
  allBlobKeys(): Promise<string[]>;
  /** Each release's package key and the SHA-256 recorded at publish (storage migration checks copies against it). */
  packageHashes(): Promise<Array<{ releaseId: string; packageKey: string; sha256: string }>>;
}

export interface CounterRepository {
  /** Atomic across instances. Counting for a release that no longer exists is a silent no-op. */
  increment(releaseId: string, kind: CounterKind, by?: number): Promise<void>;
  get(releaseId: string): Promise<ReleaseCounts>;
}

export interface TokenRepository {
  /** id is generated when omitted (ids never contain '_'); createdAt is now when omitted. */
  create(
    token: Omit<ApiTokenRecord, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'> & { id?: string; createdAt?: Date },
  ): Promise<ApiTokenRecord>;
  get(id: string): Promise<ApiTokenRecord | null>;
  list(): Promise<ApiTokenRecord[]>;
  touch(id: string, at: Date): Promise<void>;
  /** false when no such token; revoking twice keeps the first revokedAt. */
  revoke(id: string, at: Date): Promise<boolean>;
}

/** A device registered through the UDID profile service (/udid). */
export interface DeviceRecord {
  id: string;
  /** Canonical spelling: 40 lower-case hex digits, or 8+16 upper-case hex digits with a dash. */
  udid: string;
  /** Model identifier the device reports (PRODUCT), e.g. iPhone16,1. */
  product: string;
  /** OS version the device reports (VERSION; iOS sends its build, e.g. 21E236). */
  version: string;
  serial: string | null;
  deviceName: string | null;
  /** Admin's own name or note for the device. */
  label: string | null;
  firstRegisteredAt: Date;
  lastRegisteredAt: Date;
  /** When an admin reviewed it; null: registered anonymously and not reviewed yet. */
  reviewedAt: Date | null;
  /** The person who registered it while signed in (null: anonymous, or that person was removed). */
  personId: string | null;
  /** What a later registration of this UDID reported, when it differs: kept aside for the admin. */
  claim: DeviceClaim | null;
}

export type DeviceRegistration = Pick<DeviceRecord, 'udid' | 'product' | 'version' | 'serial' | 'deviceName'> & { at: Date };

/** A re-registration's report, not applied to the device until an admin accepts it. */
export interface DeviceClaim {
  product: string;
  version: string;
  serial: string | null;
  deviceName: string | null;
  at: Date;
}

export interface DeviceRepository {
  /**
   * Adds the device (unreviewed), or for a known UDID updates lastRegisteredAt and keeps what the
   * device now reports aside as its claim when it differs from the stored facts (which stay, as do
   * id, label and firstRegisteredAt: an anonymous registration never rewrites a known device). One
   * row per UDID, also when instances register it at once.
   */
  register(device: DeviceRegistration): Promise<DeviceRecord>;
  /** Devices not reviewed yet. */
  countUnreviewed(): Promise<number>;
  /**
   * An admin's review: marks the device reviewed and settles its claim, applying it to the stored
   * facts when `acceptClaim`, dropping it otherwise. Null when no such device.
   */
  review(id: string, at: Date, acceptClaim: boolean): Promise<DeviceRecord | null>;
  get(id: string): Promise<DeviceRecord | null>;
  findByUdid(udid: string): Promise<DeviceRecord | null>;
  /** Most recently registered first. */
  list(): Promise<DeviceRecord[]>;
  setLabel(id: string, label: string | null): Promise<DeviceRecord | null>;
  delete(id: string): Promise<boolean>;
  /**
   * Marks a one-time registration nonce as used by `udid` and returns the UDID it was FIRST used by
   * (so a device retrying its own registration is recognised, any other is not). Atomic across
   * instances. Forgets nonces whose expiry is before `now`.
   */
  useNonce(nonceId: string, udid: string, expiresAt: Date, now: Date): Promise<string>;
}

/** Events a webhook can subscribe to ('ping' is sent only by the test endpoint). */
export type WebhookEvent = 'release.published' | 'release.updated' | 'release.deleted' | 'ping';

export interface WebhookRecord {
  id: string;
  /** Absolute http(s) URL the server POSTs to. */
  url: string;
  events: WebhookEvent[];
  /** null: every app. */
  appId: string | null;
  description: string;
  createdAt: Date;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

/** One event for one webhook: a row of the outbox, and its outcome. */
export interface WebhookDeliveryRecord {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  /** The exact JSON body sent (built when the event happened). */
  payload: string;
  state: WebhookDeliveryState;
  attemptCount: number;
  nextAttemptAt: Date;
  createdAt: Date;
}

export interface WebhookAttemptRecord {
  id: string;
  deliveryId: string;
  webhookId: string;
  attemptedAt: Date;
  /** HTTP status of the answer; null when none came (refused, timed out). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookRepository {
  /** Throws OtashipError NOT_FOUND when appId names no app. */
  create(hook: WebhookRecord): Promise<WebhookRecord>;
  get(id: string): Promise<WebhookRecord | null>;
  /** Newest first. */
  list(): Promise<WebhookRecord[]>;
  /** Also deletes its deliveries (pending ones are never sent) and their attempts. */
  delete(id: string): Promise<boolean>;
  /** Webhooks subscribed to `event` for releases of `appId` (all-app webhooks and those limited to it). */
  subscribers(event: WebhookEvent, appId: string): Promise<WebhookRecord[]>;
  /** Adds pending deliveries, due at once (createdAt). */
  enqueue(deliveries: Array<Pick<WebhookDeliveryRecord, 'id' | 'webhookId' | 'event' | 'payload' | 'createdAt'>>): Promise<void>;
  /** Ids of pending deliveries due at `now` and not claimed by a live claim, oldest first. */
  due(now: Date, limit: number): Promise<string[]>;
  /**
   * Claims a pending, due, unclaimed delivery until `until` and returns it; null when it is not
   * (another instance claimed it first, or it is no longer due). Atomic across instances.
   */
  claim(id: string, now: Date, until: Date): Promise<WebhookDeliveryRecord | null>;
  /** Logs an attempt, counts it, sets the delivery's next state and releases the claim. */
  recordAttempt(attempt: WebhookAttemptRecord, next: { state: WebhookDeliveryState; nextAttemptAt: Date }): Promise<void>;
  getDelivery(id: string): Promise<WebhookDeliveryRecord | null>;
  /**
   * Makes a delivered or failed delivery pending again, due at `at`, with a fresh retry schedule
   * (its logged attempts stay). false when there is no such delivery or it is still pending.
   */
  requeue(id: string, at: Date): Promise<boolean>;
  /** Forgets finished (delivered or failed) deliveries created before `before`, and their attempts. */
  prune(before: Date): Promise<number>;
  /** The webhook's most recent deliveries, newest first, each with its attempts (oldest first). */
  deliveries(webhookId: string, limit: number): Promise<Array<WebhookDeliveryRecord & { attempts: WebhookAttemptRecord[] }>>;
}

/**
 * Resumable uploads as every instance sees them: who started each one and the length it declared
 * (for the per-token quota of unfinished uploads), and a lease naming the one request that may write
 * it. A lease lapses at `leaseUntil` unless renewed, so a crashed instance does not hold an upload
 * for ever. Every method is atomic across instances.
 */
export interface UploadLockRepository {
  /** Records a new upload (no lease). Registering an id twice keeps the first record. */
  register(upload: { uploadId: string; ownerTokenId: string; size: number | null; createdAt: Date }): Promise<void>;
  /** Sets the length of an upload that deferred it. */
  setSize(uploadId: string, size: number): Promise<void>;
  /** The token's recorded uploads: how many, and their declared bytes (deferred lengths count 0). */
  usage(ownerTokenId: string): Promise<{ count: number; bytes: number }>;
  /**
   * Takes the lease for `holder` until `until` when nobody holds it or the holder's lease lapsed
   * (at `now`); an upload with no record gets one (without owner). true when taken.
   */
  acquire(uploadId: string, holder: string, now: Date, until: Date): Promise<boolean>;
  /** Extends a lease `holder` still has: null when it lost it, else whether someone asked for it. */
  renew(uploadId: string, holder: string, until: Date): Promise<{ releaseRequested: boolean } | null>;
  /** Asks whoever holds the lease to let go (it learns so when it next renews). */
  requestRelease(uploadId: string): Promise<void>;
  /** Gives the lease back (nothing when `holder` no longer has it). */
  release(uploadId: string, holder: string): Promise<void>;
  /** Forgets the upload (published, cancelled or expired). */
  remove(uploadId: string): Promise<void>;
  /** Forgets uploads recorded before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** Small key/value settings shared by all instances (e.g. the token-signing key). */
export interface SettingsRepository {
  get(key: string): Promise<string | null>;
  /** Sets the value only if absent; returns the value now stored (so racing instances agree). */
  putIfAbsent(key: string, value: string): Promise<string>;
  /** Removes the key (nothing happens when it is absent). */
  delete(key: string): Promise<void>;
  /** Sets the value, replacing any. */
  put(key: string, value: string): Promise<void>;
  /** Deletes the key only if it still holds this value; true for exactly one of several racing callers. */
  deleteIfValue(key: string, value: string): Promise<boolean>;
}

/** An admin web session (see services/sessions.ts). The id itself is never stored, only its hash. */
export interface SessionRecord {
  idHash: string;
  subject: string;
  /** The person signed in; null/absent for a session opened with a token. */
  personId?: string | null;
  /** A single sign-on session's ID token (the provider's logout takes it as id_token_hint). */
  idToken?: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** Server-side sessions, shared by every instance, so ending one ends it everywhere. */
export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  /** The session, or null when it was ended, never existed or has expired at `now`. */
  getLive(idHash: string, now: Date): Promise<SessionRecord | null>;
  /** Ends one session; false when there was none. */
  delete(idHash: string): Promise<boolean>;
  /** Forgets sessions expired at `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}

/**
 * Blob write intents: a release's blob prefix (`releases/<id>/`) is recorded before any of its blobs
 * is written and forgotten in the transaction that records the release. An intent that outlives
 * its grace period belongs to a process that crashed (or a publish that failed and could not clean
 * up): its blobs are removed by whichever instance claims it.
 */
export interface BlobIntentRepository {
  /** Records the intent at `at`; recording one that exists keeps the first time. */
  record(prefix: string, at: Date): Promise<void>;
  forget(prefix: string): Promise<void>;
  /** Intents recorded before `before` and not under a live claim, oldest first. */
  stale(before: Date, now: Date, limit: number): Promise<Array<{ prefix: string; createdAt: Date }>>;
  /**
   * Claims a stale intent until `until` (one conditional UPDATE, as webhook deliveries are
   * claimed); false when another instance holds a live claim or it is gone. Atomic across instances.
   */
  claim(prefix: string, before: Date, now: Date, until: Date): Promise<boolean>;
  /** Every intent's prefix (live or stale): blobs under them are not orphans. */
  prefixes(): Promise<string[]>;
}

export interface Repositories {
  apps: AppRepository;
  releases: ReleaseRepository;
  counters: CounterRepository;
  tokens: TokenRepository;
  settings: SettingsRepository;
  sessions: SessionRepository;
  devices: DeviceRepository;
  /** Per-person install counts and people's devices (ports/person-installs.ts). */
  personInstalls: PersonInstallRepository;
  webhooks: WebhookRepository;
  blobIntents: BlobIntentRepository;
  uploadLocks: UploadLockRepository;
  people: PeopleRepository;
  /** The audit log (ports/audit.ts). */
  audit: AuditRepository;
  shareLinks: ShareLinkRepository;
  bundleJobs: BundleJobRepository;
  signingKeys: SigningKeyRepository;
  /** Runs fn in one transaction (same repositories, bound to the transaction). */
  transaction<T>(fn: (repos: Omit<Repositories, 'transaction' | 'close'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
