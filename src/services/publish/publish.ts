// Publishing a release: staged upload (hashed) → inspect → authorise → checks → icons → blobs →
// one database transaction. Any failure removes what was written, so a refused or broken upload
// leaves no release, no app and no blobs behind. Before any blob of a release is written its prefix
// is recorded as a blob intent, forgotten in the transaction that records the release: if the
// process dies in between, the blob sweeper (blob-gc.ts) removes what no release claims.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { OtashipError, isOtashipError } from '../../core/errors.js';
import type { AabInfo, ApkInfo, InstallReason, PackageInfo } from '../../core/types.js';
import type { BlobStore } from '../../ports/blob-store.js';
import type { AppRecord, Platform, ReleaseBundle, ReleaseRecord, Repositories } from '../../ports/repositories.js';
import { authorize } from '../authz.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import type { Principal } from '../principal.js';
import type { PublicUrls, ReleaseLinks } from '../urls.js';
import type { ReleaseEventSink } from '../webhooks.js';
import { checkInstallable } from './checks.js';
import { IconPool } from './icon-pool.js';
import { InspectPool, type Inspected } from './inspect-pool.js';
import { renderIcons } from './icons.js';
import { parseReleaseSource, type ReleaseSourceInput } from '../release-source.js';
import { stageLocalFile, stageUpload, type StageOptions, type StagedUpload } from './stage.js';

export interface PublishOptions {
  notes?: string;
  force?: boolean;
  /** Original file name, used in messages. */
  filename?: string;
  /** Where the build came from, as the client sent it (checked by parseReleaseSource before anything else). */
  source?: ReleaseSourceInput | null;
}

export interface PublishResult {
  app: AppRecord;
  release: ReleaseRecord;
  links: ReleaseLinks;
  /** Non-blocking problems (e.g. the icon could not be read), and what force overrode. */
  warnings: string[];
  /** The refusals `force` overrode (an expired profile or certificate); empty when none. */
  overridden: InstallReason[];
}

export const MAX_NOTES = 100_000;

export interface StageHints extends Pick<StageOptions, 'expectedSize' | 'signal'> {
  /** Client-side file name, if known (only a hint: the package type comes from its content). */
  filename?: string;
  contentType?: string;
}

function guessExtension(hints: StageHints): 'ipa' | 'apk' | 'aab' {
  if (hints.filename && /\.apk$/i.test(hints.filename.trim())) return 'apk';
  if (hints.filename && /\.aab$/i.test(hints.filename.trim())) return 'aab';
  if (hints.contentType && /android\.package-archive/i.test(hints.contentType)) return 'apk';
  return 'ipa';
}

export const CONTENT_TYPES: Record<Platform, string> = {
  ios: 'application/octet-stream',
  android: 'application/vnd.android.package-archive',
};

/**
 * Android App Bundles, as publishing sees them: whether this server converts them (else the refusal
 * to answer), and a nudge for this instance's conversion worker once a job is queued.
 */
export interface BundleIntake {
  refusal(): Promise<OtashipError | null>;
  queued(): void;
}

/** The most a release's stored inspection details may take (see publish()). */
export const MAX_DETAIL_BYTES = 1024 * 1024;

export class PublishService {
  /** Worker threads for icon conversion, started with the first icon (see icon-pool.ts). */
  readonly icons = new IconPool();
  /** Worker threads that inspect packages, with a deadline and a heap limit (see inspect-pool.ts). */
  readonly inspector: InspectPool;

  constructor(
    private readonly repos: Repositories,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly urls: PublicUrls,
    private readonly limits: { tmpDir: string; maxUploadBytes: number; inspectTimeoutSeconds: number },
    /** Webhooks: release.published is recorded in the release's own transaction. */
    private readonly events?: ReleaseEventSink,
    /** Absent: bundles are refused as the tools are missing (tests of other parts). */
    private readonly bundles?: BundleIntake,
  ) {
    this.inspector = new InspectPool(limits.inspectTimeoutSeconds);
  }

  /** Stops the icon and inspection workers; the server calls it once it has stopped taking requests. */
  async close(): Promise<void> {
    await Promise.all([this.icons.close(), this.inspector.close()]);
  }

  get maxUploadBytes(): number {
    return this.limits.maxUploadBytes;
  }

  /**
   * Streams a request body to a local temp file (see stage.ts) and, at the same time, into the blob
   * store under the key the package will most likely keep — guessed from the file name or content
   * type (`.apk` / the APK media type → apk, else ipa); a wrong guess costs one extra copy at
   * publish time, never a wrong key. The caller must dispose() the result.
   */
  async stage(body: Readable, options: StageHints = {}): Promise<StagedUpload> {
    const id = newId(this.clock());
    const ext = guessExtension(options);
    const key = `releases/${id}/package.${ext}`;
    const blobs = this.blobs;
    await this.repos.blobIntents.record(releasePrefix(id), this.clock());
    const staged = await stageUpload(body, {
      expectedSize: options.expectedSize,
      signal: options.signal,
      id,
      tmpDir: this.limits.tmpDir,
      maxBytes: this.limits.maxUploadBytes,
      // A store that adopts the staged file (fs: a rename at publish) gains nothing from a second
      // copy written meanwhile; for the others (S3) the mirror overlaps the upload with the store.
      mirror: blobs.adoptFile ? undefined : {
        key,
        write: (stream) =>
          blobs.put(key, stream, {
            contentType: ext === 'apk' ? CONTENT_TYPES.android : CONTENT_TYPES.ios,
            ...(options.expectedSize !== undefined ? { size: options.expectedSize } : {}),
          }),
        delete: () => blobs.delete(key),
      },
    }).catch(async (err: unknown) => {
      await this.#forgetIntent(id); // stageUpload removed what it wrote
      throw err;
    });
    return this.#forgettingOnDispose(staged);
  }

  /**
   * dispose() also forgets the blob intent: by then the release was recorded (its transaction
   * already forgot it) or everything written was removed. If forgetting fails (database away), the
   * sweeper finds nothing unclaimed under the prefix and forgets it later.
   */
  #forgettingOnDispose(staged: StagedUpload): StagedUpload {
    const dispose = staged.dispose.bind(staged);
    return Object.assign(staged, {
      dispose: async () => {
        await dispose();
        await this.#forgetIntent(staged.id);
      },
    });
  }

  async #forgetIntent(id: string): Promise<void> {
    await this.repos.blobIntents.forget(releasePrefix(id)).catch(() => undefined);
  }

  /**
   * Where a resumable upload's package will be assembled when the store assembles it (S3 multipart):
   * under the key of the release it will become, guessed as stage() guesses (a wrong guess costs one
   * copy at publish). The release keeps the id chosen now.
   */
  planPackage(hints: StageHints): { releaseId: string; key: string; contentType: string } {
    const releaseId = newId(this.clock());
    const ext = guessExtension(hints);
    const contentType = ext === 'apk' ? CONTENT_TYPES.android : ext === 'aab' ? BUNDLE_CONTENT_TYPE : CONTENT_TYPES.ios;
    return { releaseId, key: `${releasePrefix(releaseId)}package.${ext}`, contentType };
  }

  async releaseExists(releaseId: string): Promise<boolean> {
    return (await this.repos.releases.get(releaseId)) !== null;
  }

  /**
   * Records the release's blob prefix before its blobs appear (see the module comment), as of now:
   * a retry much later must not find the sweeper's grace period already spent.
   */
  async expectBlobs(releaseId: string): Promise<void> {
    await this.repos.blobIntents.forget(releasePrefix(releaseId));
    await this.repos.blobIntents.record(releasePrefix(releaseId), this.clock());
  }

  /**
   * Publishes a package the store already holds under the key planned for release `releaseId` (an
   * assembled resumable upload). `local` is a file of exactly its bytes with their SHA-256 (this
   * instance received them), else the package is read back once, hashed on the way, for inspection.
   * The stored package is never written again: the release adopts it. When publishing fails the
   * package stays, with its prefix recorded, for a retry (the blob sweeper removes it if none comes).
   */
  async publishStored(
    principal: Principal,
    stored: { releaseId: string; key: string; size: number; local: { path: string; sha256: string } | null; stillOurs?: () => void },
    options: PublishOptions,
  ): Promise<PublishResult> {
    const { releaseId, key } = stored;
    if (!stored.local) storedPackagesReadBack += 1;
    const base = stored.local
      ? await stageLocalFile(stored.local.path, { id: releaseId, maxBytes: this.limits.maxUploadBytes, expectedSize: stored.size, sha256: stored.local.sha256 })
      : await stageUpload(await this.blobs.get(key), { id: releaseId, tmpDir: this.limits.tmpDir, maxBytes: this.limits.maxUploadBytes, expectedSize: stored.size });
    let adopted = false;
    const staged: StagedUpload = {
      ...base,
      mirror: { key },
      adoptMirror: () => {
        adopted = true;
      },
      dispose: () => base.dispose(),
      keepMirrorOnFailure: true,
      ...(stored.stillOurs ? { stillOurs: stored.stillOurs } : {}),
    };
    try {
      const result = await this.publish(principal, staged, options);
      // Published under another key (the guess from the file name was wrong): the copy went there.
      if (!adopted) await this.blobs.delete(key).catch(() => undefined);
      return result;
    } finally {
      await staged.dispose();
    }
  }

  /** Stages, publishes and always removes the temp file. */
  async publishStream(
    principal: Principal,
    body: Readable,
    options: PublishOptions & StageHints,
  ): Promise<PublishResult> {
    const staged = await this.stage(body, options);
    try {
      return await this.publish(principal, staged, options);
    } finally {
      await staged.dispose();
    }
  }

  /**
   * Publishes a package that already sits in a local file of its own (a finished resumable upload
   * linked out of the store), never copied; the file is always removed (or, on fs storage, becomes
   * the package blob by rename). `sha256`, when given, was computed as the bytes arrived; without
   * it the file is read to hash it.
   */
  async publishLocalFile(
    principal: Principal,
    path: string,
    options: PublishOptions & { expectedSize?: number; sha256?: string },
  ): Promise<PublishResult> {
    const id = newId(this.clock());
    await this.repos.blobIntents.record(releasePrefix(id), this.clock());
    const staged = this.#forgettingOnDispose(
      await stageLocalFile(path, {
        id,
        maxBytes: this.limits.maxUploadBytes,
        ...(options.expectedSize !== undefined ? { expectedSize: options.expectedSize } : {}),
        ...(options.sha256 !== undefined ? { sha256: options.sha256 } : {}),
      }).catch(async (err: unknown) => {
        await this.#forgetIntent(id);
        throw err;
      }),
    );
    try {
      return await this.publish(principal, staged, options);
    } finally {
      await staged.dispose();
    }
  }

  async publish(principal: Principal, staged: StagedUpload, options: PublishOptions = {}): Promise<PublishResult> {
    const label = options.filename ? safeLabel(options.filename) : 'the upload';
    const notes = options.notes ?? '';
    if (typeof notes !== 'string' || notes.length > MAX_NOTES) {
      throw new OtashipError('VALIDATION', `notes must be text of at most ${MAX_NOTES} characters`);
    }
    const source = options.source ? parseReleaseSource(options.source) : null;
    const { info: inspected, icon: iconFile } = await this.#inspect(staged.path, label);
    if (inspected.kind === 'aab') {
      // Said before anything is stored: a server without the tools never keeps a bundle it cannot convert.
      const refusal = this.bundles ? await this.bundles.refusal() : new OtashipError('AAB_NOT_SUPPORTED', 'this server does not convert Android App Bundles');
      if (refusal) throw new OtashipError('AAB_NOT_SUPPORTED', `${label} is an Android App Bundle, and ${refusal.message}`, { cause: refusal });
    }
    const info: PackageInfo = inspected.kind === 'aab' ? provisionalApkInfo(inspected) : inspected;
    // What inspection found is stored with the release and read with every page: a real package's
    // details are a few KB (a profile with hundreds of devices, tens of KB).
    const detailBytes = Buffer.byteLength(JSON.stringify(inspected));
    if (detailBytes > MAX_DETAIL_BYTES) {
      throw new OtashipError(
        'PARSE_BUDGET',
        `${label}'s inspected details take ${Math.round(detailBytes / 1024)} KB, far more than any real package's (at most ${MAX_DETAIL_BYTES / 1024} KB are stored)`,
      );
    }
    const platform: Platform = info.kind === 'ipa' ? 'ios' : 'android';
    const existing = await this.repos.apps.findByBundle(platform, info.bundleId);
    authorize(principal, 'release:publish', {
      appId: existing?.id ?? null,
      label: `${platform} app ${info.bundleId}`,
    });
    // A bundle's APK is checked when it is built (services/bundle/worker.ts): bundletool signs it.
    const overridden = inspected.kind === 'aab' ? [] : checkInstallable(info, options.force === true, `${label} (${info.bundleId})`);

    const warnings = overridden.map((r) => `published with force despite ${r.code}: ${r.message}`);
    let icons: Awaited<ReturnType<typeof renderIcons>> = null;
    try {
      if (iconFile instanceof OtashipError) throw iconFile;
      icons = await renderIcons(iconFile, this.icons);
    } catch (err) {
      // An unreadable or oversized icon must not block a release (the build is what testers need):
      // it is published without an icon, and the answer says why.
      warnings.push(`the app icon could not be read (${isOtashipError(err) ? err.message : (err as Error).message})`);
    }

    const now = this.clock();
    const releaseId = staged.id;
    const root = `releases/${releaseId}`;
    // A bundle is stored as package.aab; the APKs built from it come later (package-<attempt>.apk):
    // until then packageKey names one that does not exist, and nothing serves it (bundle.apkReady).
    const bundleKey = inspected.kind === 'aab' ? `${root}/package.aab` : null;
    const keys = {
      packageKey: `${root}/package.${info.kind}`,
      iconKey: icons ? `${root}/icon.png` : null,
      icon57Key: icons ? `${root}/icon-57.png` : null,
      icon512Key: icons ? `${root}/icon-512.png` : null,
    };
    const written: string[] = [];
    // Recorded at stage() already for uploads; a StagedUpload made elsewhere gets it here.
    await this.repos.blobIntents.record(releasePrefix(releaseId), now);
    try {
      const uploadedKey = bundleKey ?? keys.packageKey;
      written.push(uploadedKey);
      const packageOptions = { size: staged.size, contentType: bundleKey ? BUNDLE_CONTENT_TYPE : CONTENT_TYPES[platform], sha256: staged.sha256 };
      if (staged.mirror?.key === uploadedKey) {
        staged.adoptMirror(); // already stored while the upload arrived
      } else if (!(await this.blobs.adoptFile?.(uploadedKey, staged.path, packageOptions))) {
        await this.blobs.put(uploadedKey, createReadStream(staged.path), packageOptions);
      }
      if (icons) {
        for (const [key, png] of [
          [keys.iconKey!, icons.original],
          [keys.icon57Key!, icons.icon57],
          [keys.icon512Key!, icons.icon512],
        ] as const) {
          written.push(key);
          await this.blobs.put(key, Readable.from([png]), { size: png.length, contentType: 'image/png' });
        }
      }
      staged.stillOurs?.();
      const { app, release } = await this.#record(platform, info, {
        id: releaseId,
        version: info.version,
        build: info.build,
        name: info.name,
        size: staged.size,
        sha256: staged.sha256,
        ...keys,
        info,
        notes,
        isPublic: null,
        createdAt: now,
        source,
        bundle: bundleKey && inspected.kind === 'aab'
          ? { key: bundleKey, size: staged.size, sha256: staged.sha256, info: inspected, apkReady: false }
          : null,
      });
      if (release.bundle) this.bundles?.queued();
      return { app, release, links: this.urls.release(release, app), warnings, overridden };
    } catch (err) {
      // A release recorded under this id owns these keys (another publish of the same upload got
      // there first): nothing of it is removed. An assembled upload's package may be kept for a retry.
      const taken = (await this.repos.releases.get(releaseId).catch(() => null)) !== null;
      const kept = staged.keepMirrorOnFailure ? staged.mirror?.key : undefined;
      if (!taken) await Promise.all(written.filter((k) => k !== kept).map((k) => this.blobs.delete(k).catch(() => undefined)));
      if (isOtashipError(err)) throw err;
      throw new OtashipError('STORAGE', `storing release ${releaseId} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async #inspect(path: string, label: string): Promise<{ info: PackageInfo | AabInfo; icon: Inspected['icon'] }> {
    let result: Inspected;
    try {
      result = await this.inspector.inspect(path, this.clock().getTime(), label);
    } catch (err) {
      // Messages name the temp file; name the user's file instead.
      if (isOtashipError(err)) {
        throw new OtashipError(err.code, err.message.split(path).join(label).split(basename(path)).join(label), {
          cause: err,
          ...(err.details ? { details: { ...err.details } } : {}),
        });
      }
      throw err;
    }
    const { info, icon } = result;
    if (info.kind === 'profile') {
      throw new OtashipError('UNKNOWN_FILE_TYPE', `${label} is a provisioning profile, not an .ipa or .apk package`);
    }
    return { info, icon };
  }

  /** App found or created by (platform, bundle id) and the release inserted, in one transaction. */
  async #record(
    platform: Platform,
    info: PackageInfo,
    release: Omit<ReleaseRecord, 'appId' | 'createdAt'> & { createdAt: Date; bundle: ReleaseBundle | null },
  ): Promise<{ app: AppRecord; release: ReleaseRecord }> {
    const attempt = () =>
      this.repos.transaction(async (tx) => {
        const app =
          (await tx.apps.findByBundle(platform, info.bundleId)) ??
          (await tx.apps.create({ id: newId(this.clock()), platform, bundleId: info.bundleId, name: info.name, isPublic: false }));
        const created = await tx.releases.create({ ...release, appId: app.id });
        await tx.blobIntents.forget(releasePrefix(created.id));
        // A bundle's release is announced when its APK is ready (the worker records the event).
        if (created.bundle) await tx.bundleJobs.create(created.id, release.createdAt);
        else await this.events?.record(tx, 'release.published', app, created);
        return { app, release: created };
      });
    let recorded: { app: AppRecord; release: ReleaseRecord };
    try {
      recorded = await attempt();
    } catch (err) {
      // Two first publishes of the same bundle raced to create the app: the loser retries once.
      if (!(isOtashipError(err) && err.code === 'CONFLICT')) throw err;
      recorded = await attempt();
    }
    // A bundle's "new build" notices wait for its APK, as its release.published event does.
    this.events?.notify(recorded.release.bundle ? undefined : recorded);
    return recorded;
  }
}

let storedPackagesReadBack = 0;

/**
 * How many assembled packages publishStored had to read back from the store (no local copy) since
 * the process started. The fast path never does; tests check that it did not.
 */
export function packagesReadBack(): number {
  return storedPackagesReadBack;
}

/** Bundles are not installable: stored and served (to managers) as plain bytes. */
export const BUNDLE_CONTENT_TYPE = 'application/octet-stream';

/**
 * What the release says about its package while the bundle's APK is being built: the bundle's own
 * facts in the APK's shape (the APK is made from the same manifest), replaced by the APK's inspection
 * once it exists. Signatures: none yet.
 */
function provisionalApkInfo(aab: AabInfo): ApkInfo {
  return {
    kind: 'apk',
    bundleId: aab.bundleId,
    version: aab.version,
    build: aab.build,
    name: aab.name,
    minOsVersion: aab.minOsVersion,
    deviceFamilies: ['phone'],
    icon: aab.icon,
    installable: { ok: true, reasons: [] },
    size: aab.size,
    targetSdk: aab.targetSdk,
    signatureSchemes: [],
    extensions: [],
    profile: null,
  };
}

/** The blob prefix of a release: every blob it owns is under it (and its intent is recorded by it). */
export function releasePrefix(releaseId: string): string {
  return `releases/${releaseId}/`;
}

/** File names come from clients: keep them short and printable in messages. */
function safeLabel(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return clean || 'the upload';
}
