// loadConfig: defaults ← JSON config file ← OTASHIP_* environment ← explicit overrides (CLI flags),
// validated and frozen. This is the ONLY module that reads process.env for the server.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { OtashipError } from '../core/errors.js';
import type { Config, StorageSettings, TlsSettings } from './types.js';
import { PEOPLE_SETTINGS, peopleSettings } from './people.js';
import {
  bad,
  parseBaseUrl,
  parseBoolean,
  parseByteSize,
  parseCount,
  parseLimit,
  parseDuration,
  parseEnum,
  parsePort,
} from './parse.js';

/** Raw settings, as written in a config file (camelCase) or given as overrides. */
export interface RawSettings {
  host?: string;
  port?: number | string;
  publicUrl?: string;
  dataDir?: string;
  adminToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  tls?: string;
  secret?: string;
  linkTtl?: string | number;
  assetTtl?: string | number;
  sessionTtl?: string | number;
  uploadTtl?: string | number;
  uploadIdleTimeout?: string | number;
  downloadIdleTimeout?: string | number;
  downloadsPerClient?: string | number;
  inspectTimeout?: string | number;
  maxUploadBytes?: string | number;
  uploadQuotaCount?: string | number;
  uploadQuotaBytes?: string | number;
  databaseUrl?: string;
  storage?: string;
  s3Bucket?: string;
  s3Region?: string;
  s3Endpoint?: string;
  s3ForcePathStyle?: string | boolean;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
  s3Prefix?: string;
  s3Checksum?: string;
  downloadMode?: string;
  presignTtl?: string | number;
  cdnUrl?: string;
  udidRegistration?: string;
  udidMaxUnreviewed?: string | number;
  udidPerIpPerHour?: string | number;
  webhookAllowPrivate?: string | boolean;
  authFailureLimit?: string | number;
  trustProxy?: string;
  unauthenticatedBodyTimeout?: string | number;
  auditRetentionDays?: string | number;
  // People's sign-in (config/people.ts).
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcName?: string;
  oidcScopes?: string;
  oidcGroupsClaim?: string;
  oidcGroupMap?: string;
  ssoOnlyDomains?: string;
  smtpUrl?: string;
  mailFrom?: string;
  signInLinkTtl?: string | number;
  invitationTtl?: string | number;
}

type Key = keyof RawSettings;

/** Every setting and its environment variable (documented in docs/server.md). */
export const SETTINGS: Readonly<Record<Key, string>> = {
  host: 'OTASHIP_HOST',
  port: 'OTASHIP_PORT',
  publicUrl: 'OTASHIP_PUBLIC_URL',
  dataDir: 'OTASHIP_DATA_DIR',
  adminToken: 'OTASHIP_ADMIN_TOKEN',
  tlsCert: 'OTASHIP_TLS_CERT',
  tlsKey: 'OTASHIP_TLS_KEY',
  tls: 'OTASHIP_TLS',
  secret: 'OTASHIP_SECRET',
  linkTtl: 'OTASHIP_LINK_TTL',
  assetTtl: 'OTASHIP_ASSET_TTL',
  sessionTtl: 'OTASHIP_SESSION_TTL',
  uploadTtl: 'OTASHIP_UPLOAD_TTL',
  uploadIdleTimeout: 'OTASHIP_UPLOAD_IDLE_TIMEOUT',
  downloadIdleTimeout: 'OTASHIP_DOWNLOAD_IDLE_TIMEOUT',
  downloadsPerClient: 'OTASHIP_DOWNLOADS_PER_CLIENT',
  inspectTimeout: 'OTASHIP_INSPECT_TIMEOUT',
  maxUploadBytes: 'OTASHIP_MAX_UPLOAD_BYTES',
  uploadQuotaCount: 'OTASHIP_UPLOAD_QUOTA_COUNT',
  uploadQuotaBytes: 'OTASHIP_UPLOAD_QUOTA_BYTES',
  databaseUrl: 'OTASHIP_DATABASE_URL',
  storage: 'OTASHIP_STORAGE',
  s3Bucket: 'OTASHIP_S3_BUCKET',
  s3Region: 'OTASHIP_S3_REGION',
  s3Endpoint: 'OTASHIP_S3_ENDPOINT',
  s3ForcePathStyle: 'OTASHIP_S3_FORCE_PATH_STYLE',
  s3AccessKeyId: 'OTASHIP_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'OTASHIP_S3_SECRET_ACCESS_KEY',
  s3Prefix: 'OTASHIP_S3_PREFIX',
  s3Checksum: 'OTASHIP_S3_CHECKSUM',
  downloadMode: 'OTASHIP_DOWNLOAD_MODE',
  presignTtl: 'OTASHIP_PRESIGN_TTL',
  cdnUrl: 'OTASHIP_CDN_URL',
  udidRegistration: 'OTASHIP_UDID_REGISTRATION',
  udidMaxUnreviewed: 'OTASHIP_UDID_MAX_UNREVIEWED',
  udidPerIpPerHour: 'OTASHIP_UDID_PER_IP_PER_HOUR',
  webhookAllowPrivate: 'OTASHIP_WEBHOOK_ALLOW_PRIVATE',
  authFailureLimit: 'OTASHIP_AUTH_FAILURE_LIMIT',
  trustProxy: 'OTASHIP_TRUST_PROXY',
  unauthenticatedBodyTimeout: 'OTASHIP_UNAUTHENTICATED_BODY_TIMEOUT',
  auditRetentionDays: 'OTASHIP_AUDIT_RETENTION_DAYS',
  ...PEOPLE_SETTINGS,
};

const DAY = 86400;
/** The longest presigned URL S3 (SigV4) accepts. */
const MAX_PRESIGN_SECONDS = 7 * DAY;

export interface LoadConfigOptions {
  /** JSON config file; defaults to OTASHIP_CONFIG when set. */
  file?: string;
  env?: Readonly<Record<string, string | undefined>>;
  overrides?: RawSettings;
  /** Base for relative paths given in the environment or overrides (default: process.cwd()). */
  cwd?: string;
  /** This machine's network interfaces (default: os.networkInterfaces()); tests inject a table. */
  networkInterfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.file ?? nonEmpty(env.OTASHIP_CONFIG);

  // Each value remembers where it came from, so errors name the variable or field the user wrote.
  const values = new Map<Key, { value: string | number | boolean; name: string; base: string }>();
  if (file) {
    const path = resolve(cwd, file);
    for (const [k, v] of Object.entries(readConfigFile(path))) {
      values.set(k as Key, { value: v, name: `${k} in ${path}`, base: dirname(path) });
    }
  }
  for (const [k, envName] of Object.entries(SETTINGS) as [Key, string][]) {
    const v = env[envName];
    if (v !== undefined && v !== '') values.set(k, { value: v, name: envName, base: cwd });
  }
  for (const [k, v] of Object.entries(options.overrides ?? {}) as [Key, unknown][]) {
    if (v === undefined) continue;
    if (!(k in SETTINGS)) throw new OtashipError('CONFIG', `unknown setting ${k}`);
    values.set(k, { value: v as string | number | boolean, name: `--${kebab(k)}`, base: cwd });
  }

  const str = (k: Key): string | undefined => {
    const e = values.get(k);
    if (!e) return undefined;
    if (typeof e.value !== 'string') throw bad(e.name, e.value, 'a string');
    return e.value.trim() === '' ? undefined : e.value.trim();
  };
  const name = (k: Key): string => values.get(k)?.name ?? SETTINGS[k];
  const raw = (k: Key) => values.get(k)?.value;
  const path = (k: Key): string | undefined => {
    const v = str(k);
    const e = values.get(k);
    return v === undefined || !e ? undefined : isAbsolute(v) ? v : resolve(e.base, v);
  };

  const host = str('host') ?? '0.0.0.0';
  const portRaw = raw('port');
  const port = portRaw === undefined ? 8080 : parsePort(portRaw as string | number, name('port'));
  const dataDir = path('dataDir') ?? resolve(cwd, 'data');

  const tls = tlsSettings(str('tls'), path('tlsCert'), path('tlsKey'), name);
  const scheme = tls.mode === 'off' ? 'http' : 'https';
  const publicUrlRaw = str('publicUrl');
  // Self-signed TLS is for phones on the LAN: by default, link to this machine's LAN address (the
  // certificate covers it), not to localhost, which a phone cannot reach.
  const defaultHost = (tls.mode === 'self-signed' && lanIPv4(options.networkInterfaces ?? networkInterfaces())) || 'localhost';
  const publicUrl = publicUrlRaw
    ? parseBaseUrl(publicUrlRaw, name('publicUrl'))
    : `${scheme}://${defaultHost}${(scheme === 'http' && port === 80) || (scheme === 'https' && port === 443) ? '' : `:${port}`}`;
  if (tls.mode === 'self-signed' && publicUrl.startsWith('http:')) {
    throw bad(
      name('publicUrl'),
      publicUrlRaw,
      `an https:// URL: with ${name('tls')} self-signed the server itself serves https (or leave it unset for https://${defaultHost}:${port})`,
    );
  }

  const adminToken = str('adminToken');
  if (adminToken !== undefined) {
    const weakness = tokenWeakness(adminToken);
    if (weakness) {
      throw bad(name('adminToken'), '(hidden)', `a random token (this one ${weakness}): make one with \`openssl rand -hex 24\``);
    }
  }
  const secret = str('secret');
  if (secret !== undefined && secret.length < 32) {
    throw bad(name('secret'), '(hidden)', 'a key of at least 32 characters (e.g. `openssl rand -hex 32`)');
  }

  const dur = (k: Key, dflt: number): number => {
    const v = raw(k);
    return v === undefined || v === '' ? dflt : parseDuration(v as string | number, name(k));
  };
  const linkTtlSeconds = dur('linkTtl', 7 * DAY);
  const assetTtlSeconds = dur('assetTtl', Math.max(linkTtlSeconds, DAY));
  if (assetTtlSeconds < 3600) {
    throw bad(name('assetTtl'), String(assetTtlSeconds), 'at least 1h: a slow download must not outlive its token');
  }
  const sessionTtlSeconds = dur('sessionTtl', 12 * 3600);
  // Resumable uploads not finished within this time are expired and swept away.
  const uploadTtlSeconds = dur('uploadTtl', DAY);
  if (uploadTtlSeconds < 600) throw bad(name('uploadTtl'), String(uploadTtlSeconds), 'at least 10m');
  // An upload whose client sends nothing for this long is cancelled (its temp files removed).
  const uploadIdleTimeoutSeconds = dur('uploadIdleTimeout', 120);
  if (uploadIdleTimeoutSeconds > DAY) {
    throw bad(name('uploadIdleTimeout'), String(raw('uploadIdleTimeout')), 'at most 1d (it is the longest a client may send nothing)');
  }
  // A download whose client takes no byte for this long is cut (server/http/download-guard.ts).
  const downloadIdleTimeoutSeconds = dur('downloadIdleTimeout', 120);
  if (downloadIdleTimeoutSeconds > DAY) {
    throw bad(name('downloadIdleTimeout'), String(raw('downloadIdleTimeout')), 'at most 1d (it is the longest a client may read nothing)');
  }
  const downloadsPerClientRaw = raw('downloadsPerClient');
  const downloadsPerClient =
    downloadsPerClientRaw === undefined || downloadsPerClientRaw === ''
      ? 64
      : parseLimit(downloadsPerClientRaw as string | number, name('downloadsPerClient'));
  // One package's inspection runs at most this long in its worker (services/publish/inspect-pool.ts).
  const inspectTimeoutSeconds = dur('inspectTimeout', 120);
  if (inspectTimeoutSeconds > 3600) {
    throw bad(name('inspectTimeout'), String(raw('inspectTimeout')), 'at most 1h (real packages take seconds)');
  }
  const maxRaw = raw('maxUploadBytes');
  const maxUploadBytes =
    maxRaw === undefined ? 8 * 1024 ** 3 : parseByteSize(maxRaw as string | number, name('maxUploadBytes'));

  // Unfinished resumable uploads one token may hold at once (each reserves its declared length), so
  // one token cannot fill the disk with uploads it never finishes.
  const quotaCountRaw = raw('uploadQuotaCount');
  const uploadQuotaCount = quotaCountRaw === undefined ? 10 : parseCount(quotaCountRaw as string | number, name('uploadQuotaCount'));
  const quotaBytesRaw = raw('uploadQuotaBytes');
  const uploadQuotaBytes =
    quotaBytesRaw === undefined ? 2 * maxUploadBytes : parseByteSize(quotaBytesRaw as string | number, name('uploadQuotaBytes'));
  if (uploadQuotaBytes < maxUploadBytes) {
    throw bad(name('uploadQuotaBytes'), String(quotaBytesRaw), `at least ${name('maxUploadBytes')} (${maxUploadBytes} bytes): else the largest allowed upload could never start`);
  }

  const dbRaw = str('databaseUrl');
  const databaseUrl = dbRaw
    ? /^[a-z][a-z0-9+.-]*:\/\//i.test(dbRaw) || dbRaw.startsWith('sqlite:')
      ? dbRaw
      : path('databaseUrl')!
    : join(dataDir, 'otaship.db');
  if (dbRaw && /^[a-z][a-z0-9+.-]*:\/\//i.test(dbRaw) && !/^postgres(ql)?:\/\//i.test(dbRaw)) {
    throw bad(name('databaseUrl'), dbRaw, 'a SQLite path, sqlite:<path> or postgres://…');
  }

  const storage = storageSettings(dataDir, str, raw, name);
  const downloadMode = parseEnum(str('downloadMode') ?? 'proxy', ['proxy', 'redirect'] as const, name('downloadMode'));
  // S3 refuses presigned URLs (SigV4) valid for more than 7 days; found out per download, every
  // redirect would be a 500, so a longer setting is refused here and the default stays within it.
  const presignTtlSeconds = dur('presignTtl', Math.min(assetTtlSeconds, MAX_PRESIGN_SECONDS));
  if (presignTtlSeconds > MAX_PRESIGN_SECONDS) {
    throw bad(name('presignTtl'), String(raw('presignTtl')), 'at most 7d: S3 does not accept presigned URLs that live longer');
  }
  const cdnRaw = str('cdnUrl');
  const cdnUrl = cdnRaw ? parseBaseUrl(cdnRaw, name('cdnUrl')) : null;
  // Device (UDID) registration at /udid: open to anyone who can reach the server, or turned off.
  const udidRegistration = parseEnum(str('udidRegistration') ?? 'open', ['open', 'off'] as const, name('udidRegistration'));
  // Anonymous registration must not flood the device list: at most this many devices wait for an
  // admin's review, and one address registers at most this many times an hour.
  const count = (k: Key, dflt: number): number => {
    const v = raw(k);
    return v === undefined || v === '' ? dflt : parseCount(v as string | number, name(k));
  };
  const udidMaxUnreviewed = count('udidMaxUnreviewed', 200);
  const udidPerIpPerHour = count('udidPerIpPerHour', 20);
  // Webhooks go to public addresses only unless this is set (src/services/webhook-target.ts).
  const allowPrivateRaw = raw('webhookAllowPrivate');
  const webhookAllowPrivate =
    allowPrivateRaw === undefined ? false : parseBoolean(allowPrivateRaw as string | boolean, name('webhookAllowPrivate'));

  const limitRaw = raw('authFailureLimit');
  const authFailureLimit = limitRaw === undefined ? 20 : parseLimit(limitRaw as string | number, name('authFailureLimit'));
  const trustProxy = (str('trustProxy') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of trustProxy) {
    const [addr = '', bits, extra] = entry.split('/');
    const max = isIP(addr) === 4 ? 32 : isIP(addr) === 6 ? 128 : 0;
    if (!max || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw bad(name('trustProxy'), entry, 'comma-separated proxy addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8');
    }
  }

  const config: Config = {
    host,
    port,
    publicUrl,
    publicUrlIsHttps: publicUrl.startsWith('https:'),
    dataDir,
    adminTokenSha256: adminToken === undefined ? null : createHash('sha256').update(adminToken).digest('hex'),
    tls,
    secret: secret ?? null,
    linkTtlSeconds,
    assetTtlSeconds,
    sessionTtlSeconds,
    uploadTtlSeconds,
    uploadIdleTimeoutSeconds,
    downloadIdleTimeoutSeconds,
    downloadsPerClient,
    inspectTimeoutSeconds,
    maxUploadBytes,
    uploadQuotaCount,
    uploadQuotaBytes,
    databaseUrl,
    storage,
    downloadMode,
    presignTtlSeconds,
    cdnUrl,
    udidRegistration,
    udidMaxUnreviewed,
    udidPerIpPerHour,
    webhookAllowPrivate,
    tmpDir: join(dataDir, 'tmp'),
    authFailureLimit,
    trustProxy,
    // Sign-in forms and device answers are a few KiB: even a slow phone sends them in a second.
    unauthenticatedBodyTimeoutSeconds: dur('unauthenticatedBodyTimeout', 15),
    // Browsers heed HSTS only when it arrives over https, so it is sent whenever the public URL is
    // https (TLS here or at a proxy in front) or this server terminates TLS itself.
    hsts: publicUrl.startsWith('https:') || tls.mode !== 'off',
    people: peopleSettings(str, raw, name, publicUrl),
    // A year of who did what, unless told otherwise; 0 keeps entries for ever.
    auditRetentionDays: raw('auditRetentionDays') === undefined ? 365 : parseLimit(raw('auditRetentionDays') as string | number, name('auditRetentionDays')),
  };
  return deepFreeze(config);
}

/** The first LAN IPv4 address of this machine (not loopback, not link-local), or null. */
export function lanIPv4(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string | null {
  for (const list of Object.values(interfaces)) {
    for (const nic of list ?? []) {
      const v4 = nic.family === 'IPv4' || (nic.family as unknown) === 4;
      if (v4 && !nic.internal && !nic.address.startsWith('127.') && !nic.address.startsWith('169.254.')) return nic.address;
    }
  }
  return null;
}

function tlsSettings(
  mode: string | undefined,
  cert: string | undefined,
  key: string | undefined,
  name: (k: Key) => string,
): TlsSettings {
  const m = parseEnum(mode ?? 'off', ['off', 'self-signed'] as const, name('tls'));
  if (m === 'self-signed') {
    if (cert || key) throw bad(name('tls'), mode, `either self-signed or ${name('tlsCert')}/${name('tlsKey')}, not both`);
    return { mode: 'self-signed' };
  }
  if (cert && key) return { mode: 'files', certFile: cert, keyFile: key };
  if (cert || key) {
    const missing = cert ? name('tlsKey') : name('tlsCert');
    throw new OtashipError('CONFIG', `${missing} is missing: a TLS certificate and its key go together`);
  }
  return { mode: 'off' };
}

function storageSettings(
  dataDir: string,
  str: (k: Key) => string | undefined,
  raw: (k: Key) => unknown,
  name: (k: Key) => string,
): StorageSettings {
  const kind = parseEnum(str('storage') ?? 'fs', ['fs', 's3'] as const, name('storage'));
  if (kind === 'fs') return { kind: 'fs', root: join(dataDir, 'blobs') };
  const bucket = str('s3Bucket');
  if (!bucket) throw new OtashipError('CONFIG', `${name('s3Bucket')} is missing: S3 storage needs a bucket`);
  const endpoint = str('s3Endpoint');
  if (endpoint) parseBaseUrl(endpoint, name('s3Endpoint'));
  const fps = raw('s3ForcePathStyle');
  // '' or ending in '/', as the S3 store uses it: the CDN URL of a key is built from it too.
  const bare = (str('s3Prefix') ?? '').replace(/^\/+/, '');
  const prefix = bare === '' || bare.endsWith('/') ? bare : `${bare}/`;
  return {
    kind: 's3',
    bucket,
    region: str('s3Region') ?? 'us-east-1',
    endpoint: endpoint ?? null,
    forcePathStyle: fps === undefined ? Boolean(endpoint) : parseBoolean(fps as string | boolean, name('s3ForcePathStyle')),
    accessKeyId: str('s3AccessKeyId') ?? null,
    secretAccessKey: str('s3SecretAccessKey') ?? null,
    prefix,
    checksum: parseEnum(str('s3Checksum') ?? 'when_required', ['when_required', 'when_supported'] as const, name('s3Checksum')),
  };
}

function readConfigFile(path: string): Record<string, string | number | boolean> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OtashipError('CONFIG', `config file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OtashipError('CONFIG', `config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtashipError('CONFIG', `config file ${path} must hold one JSON object of settings`);
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!(k in SETTINGS)) {
      throw new OtashipError('CONFIG', `config file ${path} has an unknown setting "${k}" (known: ${Object.keys(SETTINGS).join(', ')})`);
    }
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw bad(`${k} in ${path}`, JSON.stringify(v), 'a string, number or boolean');
    }
    out[k] = v;
  }
  return out;
}


/**
 * Why a bootstrap admin token is too easy to guess, or null. It opens everything, so it must look
 * random: long enough, not a repeated or sequential pattern, and with enough distinct characters
 * (a hex or base64 string from a random source easily passes; "adminadminadmin1" does not).
 */
export function tokenWeakness(token: string): string | null {
  if (token.length < 20) return `has ${token.length} characters; at least 20 are needed`;
  const distinct = new Set(token).size;
  if (distinct < 10) return `uses only ${distinct} different characters`;
  // Shannon entropy of the character distribution times the length: ~4 bits/char for hex.
  const counts = new Map<string, number>();
  for (const c of token) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bitsPerChar = 0;
  for (const n of counts.values()) bitsPerChar -= (n / token.length) * Math.log2(n / token.length);
  if (bitsPerChar * token.length < 100) return 'is too predictable (too few random bits)';
  if (/(.{3,})\1{2,}/.test(token)) return 'repeats a pattern';
  // 8 steps up or down in a row ("01234567", "abcdefgh") are a keyboard walk, not chance.
  let run = 1;
  for (let i = 1; i < token.length && run < 8; i++) {
    const step = token.charCodeAt(i) - token.charCodeAt(i - 1);
    const prev = i > 1 ? token.charCodeAt(i - 1) - token.charCodeAt(i - 2) : 0;
    run = Math.abs(step) === 1 && step === prev ? run + 1 : Math.abs(step) === 1 ? 2 : 1;
  }
  if (run >= 8) return 'contains a run of consecutive characters';
  return null;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function kebab(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}
