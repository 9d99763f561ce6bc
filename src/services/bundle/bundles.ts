// Android App Bundles as the rest of the server sees them: whether this server takes them, the
// conversion worker (started and stopped with the server), each release's conversion state, and the
// bundle itself, which only the app's managers may download (testers install the APK).
import { OtashipError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.js';
import type { BundleConverter } from '../../ports/bundle-converter.js';
import type { BundleJobRecord, Repositories } from '../../ports/repositories.js';
import { authorize } from '../authz.js';
import type { Clock } from '../clock.js';
import { isId } from '../ids.js';
import type { Principal } from '../principal.js';
import { BUNDLE_CONTENT_TYPE, type BundleIntake } from '../publish/publish.js';
import type { ReleaseEventSink } from '../webhooks.js';
import { KeySealer } from './seal.js';
import { AppSigningKeys } from './signing-keys.js';
import { BundleWorker, type BundleWorkerDeps, type BundleWorkerOptions } from './worker.js';

export interface BundleTarget {
  key: string;
  contentType: string;
  filename: string;
}

export class BundleService implements BundleIntake {
  readonly keys: AppSigningKeys;
  readonly worker: BundleWorker;

  constructor(
    private readonly repos: Repositories,
    blobs: BlobStore,
    private readonly converter: BundleConverter,
    deps: {
      signingSecret: string;
      clock: Clock;
      tmpDir: string;
      events?: ReleaseEventSink;
      onError?: (err: unknown) => void;
      inspect?: BundleWorkerDeps['inspect'];
    },
    options: BundleWorkerOptions = {},
  ) {
    this.keys = new AppSigningKeys(repos, converter, new KeySealer(deps.signingSecret), deps.clock);
    this.worker = new BundleWorker(
      {
        repos,
        blobs,
        converter,
        keys: this.keys,
        clock: deps.clock,
        tmpDir: deps.tmpDir,
        ...(deps.events ? { events: deps.events } : {}),
        ...(deps.onError ? { onError: deps.onError } : {}),
        ...(deps.inspect ? { inspect: deps.inspect } : {}),
      },
      options,
    );
  }

  refusal(): Promise<OtashipError | null> {
    return this.converter.refusal();
  }

  queued(): void {
    this.worker.wake();
  }

  /**
   * Starts the worker once the tools were found; without them the server takes no bundle and
   * claims no job (another instance that has them converts). Resolves with the refusal, if any, for
   * the start-up log.
   */
  async start(): Promise<OtashipError | null> {
    const refusal = await this.converter.refusal();
    if (!refusal) this.worker.start();
    return refusal;
  }

  /** Lets the conversion in flight finish (or stops it: its job is queued again), then frees the tools. */
  async stop(): Promise<void> {
    await this.worker.stop();
    await this.converter.close();
  }

  /** The conversion of a release published as a bundle (null for any other release). */
  job(releaseId: string): Promise<BundleJobRecord | null> {
    return this.repos.bundleJobs.get(releaseId);
  }

  /** The .aab a release was published as: for the app's managers. */
  async bundle(principal: Principal, releaseId: string): Promise<BundleTarget> {
    const ref = `release ${releaseId.slice(0, 64)}`;
    const release = isId(releaseId) ? await this.repos.releases.get(releaseId) : null;
    const app = release ? await this.repos.apps.get(release.appId) : null;
    if (!release || !app) throw new OtashipError('NOT_FOUND', `${ref} does not exist`);
    authorize(principal, 'release:bundle', { appId: app.id, label: `app ${app.bundleId}`, ref });
    if (!release.bundle) {
      const kind = app.platform === 'ios' ? 'an .ipa' : 'an .apk';
      throw new OtashipError('CONFLICT', `${ref} was published as ${kind}, not as an Android App Bundle: it has no .aab`, {
        hint: 'Download the release’s package from its links instead.',
      });
    }
    const version = release.version ? `${release.version} (${release.build})` : release.build;
    return { key: release.bundle.key, contentType: BUNDLE_CONTENT_TYPE, filename: `${release.name} ${version}.aab` };
  }
}
