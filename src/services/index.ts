// The use cases, wired together. Built once by the composition root (src/server/compose.ts) from
// the config, the repositories and the blob store; routes only call these.
import type { Config } from '../config/types.js';
import type { InspectResult } from '../core/types.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Repositories } from '../ports/repositories.js';
import { ApiTokenService } from './api-tokens.js';
import { AuditService } from './audit.js';
import { BlobGc } from './blob-gc.js';
import { AuthThrottle } from './auth-throttle.js';
import { CatalogService } from './catalog.js';
import { systemClock, type Clock } from './clock.js';
import { CounterService } from './counters.js';
import { DeviceService } from './devices.js';
import { DownloadRedirects } from './download-redirects.js';
import { FirstRunService } from './first-run.js';
import { InstallService } from './install.js';
import { LinkTokens } from './link-tokens.js';
import { PeopleService } from './people.js';
import { PersonLinks } from './person-links.js';
import { TesterDevices } from './tester-devices.js';
import { EmailSignInService } from './email-sign-in.js';
import { OidcSignInService } from './oidc-sign-in.js';
import type { NoticeMailer, SignInMailer } from '../ports/mailer.js';
import { BuildNoticeService } from './build-notices.js';
import type { IdentityProvider } from '../ports/identity-provider.js';
import { PublishService } from './publish/publish.js';
import { BundleService } from './bundle/bundles.js';
import type { BundleWorkerOptions } from './bundle/worker.js';
import type { BundleConverter } from '../ports/bundle-converter.js';
import { OtashipError } from '../core/errors.js';
import { ReadinessService } from './readiness.js';
import { SessionService } from './sessions.js';
import { ShareLinkService } from './share-links.js';
import { ShareLinkTokens } from './share-link-tokens.js';
import { Signer } from './signing.js';
import { PublicUrls } from './urls.js';
import { WebhookDispatcher, type WebhookDispatchOptions } from './webhook-dispatcher.js';
import { WebhookService, webhookSecret, type ReleaseEventSink } from './webhooks.js';

export interface Services {
  config: Config;
  clock: Clock;
  repos: Repositories;
  blobs: BlobStore;
  tokens: ApiTokenService;
  sessions: SessionService;
  /** People, groups and roles (people.ts). */
  people: PeopleService;
  /** E-mail sign-in links and invitations (email-sign-in.ts). */
  signIn: EmailSignInService;
  /** Single sign-on (oidc-sign-in.ts); null when OTASHIP_OIDC_ISSUER is not set. */
  sso: OidcSignInService | null;
  /** Failed sign-ins and rejected bearer tokens, per client address (auth-throttle.ts). */
  authThrottle: AuthThrottle;
  firstRun: FirstRunService;
  links: LinkTokens;
  urls: PublicUrls;
  publish: PublishService;
  /** Android App Bundles: conversion worker, jobs, signing keys (bundle/bundles.ts). */
  bundles: BundleService;
  catalog: CatalogService;
  install: InstallService;
  /** A signed-in person's install links: checks and per-person counts (person-links.ts). */
  personLinks: PersonLinks;
  /** An app's testers' devices missing from its latest build (tester-devices.ts). */
  testerDevices: TesterDevices;
  /** Share links as records (share-links.ts). */
  shareLinks: ShareLinkService;
  redirects: DownloadRedirects;
  counters: CounterService;
  devices: DeviceService;
  webhooks: WebhookService;
  /** "New build" mails to notified groups (build-notices.ts); sends nothing without OTASHIP_SMTP_URL. */
  notices: BuildNoticeService;
  readiness: ReadinessService;
  gc: BlobGc;
  /** Who did what, when (audit.ts). */
  audit: AuditService;
  status: ServerStatus;
}

export interface ServerStatus {
  publicUrl: string;
  /** Whether the public URL is https. */
  https: boolean;
  /** False on an http public URL (iOS refuses plain http) or a loopback one (a phone cannot reach it). */
  iosInstallReady: boolean;
  warnings: string[];
  /** The CA trust page, when running with a self-signed certificate. */
  caPageUrl: string | null;
  /** The device registration page for testers (/udid); null when registration is off. */
  udidPageUrl: string | null;
}

export interface ServiceOptions {
  clock?: Clock;
  /** Where counter failures go (the server logger). */
  onCounterError?: (err: unknown) => void;
  /** Webhook delivery timing (tests shorten it). */
  webhooks?: WebhookDispatchOptions;
  /** Where webhook dispatch failures go (the server logger). */
  onWebhookError?: (err: unknown) => void;
  /** The token-signing key (server/signing-key.ts). */
  signingSecret: string;
  /** Sends sign-in links and invitations; absent without OTASHIP_SMTP_URL (links are then copied by admins). */
  mailer?: (SignInMailer & NoticeMailer) | null;
  /** Where "new build" notices that could not be sent are reported (the server logger). */
  onNoticeError?: (err: unknown) => void;
  /** The OpenID Connect provider adapter; absent without OTASHIP_OIDC_ISSUER. */
  identityProvider?: IdentityProvider | null;
  /** The bundle tools (src/bundle/converter.ts); absent: bundles are refused. */
  bundleConverter?: BundleConverter | null;
  /** Conversion worker timing (tests shorten it). */
  bundleWorker?: BundleWorkerOptions;
  /** Where conversion failures the worker cannot pin on a job go (the server logger). */
  onBundleError?: (err: unknown) => void;
}

/** Services built without the bundle tools (library use, tests of other parts) refuse bundles. */
const NO_BUNDLE_TOOLS: BundleConverter = {
  refusal: async () => new OtashipError('AAB_NOT_SUPPORTED', 'this server was started without the Android bundle tools'),
  generateKey: () => Promise.reject(new OtashipError('AAB_NOT_SUPPORTED', 'no bundle tools')),
  certificateSha256: () => Promise.reject(new OtashipError('AAB_NOT_SUPPORTED', 'no bundle tools')),
  universalApk: () => Promise.reject(new OtashipError('AAB_NOT_SUPPORTED', 'no bundle tools')),
  close: async () => undefined,
};

export async function createServices(
  config: Config,
  repos: Repositories,
  blobs: BlobStore,
  options: ServiceOptions,
): Promise<Services> {
  const clock = options.clock ?? systemClock;
  // One signing key for every instance, found by the composition root (server/signing-key.ts):
  // OTASHIP_SECRET, else the data folder's key file. Never read from the database.
  const secret = options.signingSecret;
  const signer = new Signer(secret);
  const links = new LinkTokens(signer, clock);
  const urls = new PublicUrls(config, links, clock);
  const people = new PeopleService(repos, clock);
  const tokens = new ApiTokenService(repos, clock, config.adminTokenSha256, people);
  const sessions = new SessionService(signer, tokens, repos, clock, config.sessionTtlSeconds, config.publicUrlIsHttps, people);
  const firstRun = new FirstRunService(repos, tokens, sessions, clock, config.adminTokenSha256 !== null, config.publicUrl);
  const counters = new CounterService(repos, options.onCounterError);
  // Started by the composition root once the server is built (services alone send nothing).
  const dispatcher = new WebhookDispatcher(
    {
      repo: repos.webhooks,
      clock,
      secretFor: (id) => webhookSecret(secret, id),
      onError: options.onWebhookError,
      allowPrivate: config.webhookAllowPrivate,
    },
    options.webhooks,
  );
  const webhooks = new WebhookService(repos, clock, urls, secret, dispatcher, config.webhookAllowPrivate);
  const notices = new BuildNoticeService(repos, signer, clock, config.publicUrl, options.mailer ?? null, options.onNoticeError);
  // Publishing records its webhook event in the release's transaction and, once committed, the
  // notices go out for the release it names.
  const publishEvents: ReleaseEventSink = {
    record: (tx, event, app, release) => webhooks.record(tx, event, app, release),
    notify: (published) => {
      webhooks.notify();
      if (published) notices.published(published.app, published.release);
    },
  };
  const bundles: BundleService = new BundleService(
    repos,
    blobs,
    options.bundleConverter ?? NO_BUNDLE_TOOLS,
    {
      signingSecret: secret,
      clock,
      tmpDir: config.tmpDir,
      events: publishEvents,
      ...(options.onBundleError ? { onError: options.onBundleError } : {}),
      // The built APK is inspected in the publish service's pool (created just below; used only later).
      inspect: async (path: string, now: Date): Promise<InspectResult> => (await publish.inspector.inspect(path, now.getTime(), 'the APK bundletool built')).info,
    },
    options.bundleWorker,
  );
  const publish: PublishService = new PublishService(repos, blobs, clock, urls, config, publishEvents, bundles);
  const catalog = new CatalogService(repos, blobs, webhooks, clock);
  const personLinks = new PersonLinks(repos, people, clock, options.onCounterError);
  const authThrottle = new AuthThrottle(clock, config.authFailureLimit);
  const shareLinks = new ShareLinkService(repos, new ShareLinkTokens(signer, clock), clock, config, authThrottle);
  const install = new InstallService(repos, links, urls, counters, personLinks, shareLinks);
  const redirects = new DownloadRedirects(config, blobs);
  const devices = new DeviceService(repos, signer, clock, config);
  const testerDevices = new TesterDevices(repos);
  return {
    config,
    clock,
    repos,
    blobs,
    tokens,
    sessions,
    people,
    signIn: new EmailSignInService(repos, people, sessions, clock, config.people, config.publicUrl, options.mailer ?? null),
    sso: config.people.oidc && options.identityProvider
      ? new OidcSignInService(options.identityProvider, repos, sessions, clock, config.people.oidc, config.publicUrl)
      : null,
    authThrottle,
    firstRun,
    links,
    urls,
    publish,
    bundles,
    catalog,
    install,
    personLinks,
    testerDevices,
    shareLinks,
    redirects,
    counters,
    devices,
    webhooks,
    notices,
    readiness: new ReadinessService(repos, blobs),
    gc: new BlobGc(repos, blobs, clock),
    audit: new AuditService(repos, clock, config.auditRetentionDays),
    status: serverStatus(config),
  };
}

export function serverStatus(config: Config): ServerStatus {
  const warnings: string[] = [];
  if (!config.publicUrlIsHttps) {
    warnings.push(
      `the public URL ${config.publicUrl} is not https: iOS refuses to install apps over plain http ` +
        '(set OTASHIP_PUBLIC_URL to an https origin, run behind an https proxy, or use --tls self-signed)',
    );
  }
  const host = new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1' || host === '0.0.0.0';
  if (loopback) {
    warnings.push(
      `the public URL ${config.publicUrl} names this machine's loopback address: phones cannot reach it ` +
        '(set OTASHIP_PUBLIC_URL to an address they can reach, e.g. https://192.168.1.20:8443 or https://ota.example.com)',
    );
  }
  return {
    publicUrl: config.publicUrl,
    https: config.publicUrlIsHttps,
    // A phone cannot install from this machine's loopback address, https or not.
    iosInstallReady: config.publicUrlIsHttps && !loopback,
    warnings,
    caPageUrl: config.tls.mode === 'self-signed' ? `${config.publicUrl}/ca` : null,
    udidPageUrl: config.udidRegistration === 'open' ? `${config.publicUrl}/udid` : null,
  };
}

export type { Principal } from './principal.js';
export type { Clock } from './clock.js';
export { authorize, isAllowed } from './authz.js';
export type { Action, Resource } from './authz.js';
export { SESSION_COOKIE } from './sessions.js';
export type { ReleaseLinks } from './urls.js';
export { appJson, releaseJson } from './views.js';
export type { AppJson, ReleaseJson } from './views.js';
