// The JSON the server returns when a release is published (see the server contract). Only the fields
// the client relies on are typed; the rest passes through untouched.
import type { ReleaseSource } from './ci-source.js';
import type { ResumeState } from './resume-state.js';

export interface PublishedRelease {
  id: string;
  [key: string]: unknown;
}

export interface PublishedApp {
  id: string;
  [key: string]: unknown;
}

export interface PublishResponse {
  release: PublishedRelease;
  app: PublishedApp;
  installPageUrl: string;
  installLink: string;
  /** iOS only; null for Android. */
  manifestUrl: string | null;
  downloadUrl: string;
  /** The refusals `force` overrode (an expired profile or certificate); older servers omit it. */
  overridden?: Array<{ code: string; message: string }>;
}

/** What `otaship publish --json` prints: flat and stable for scripts. */
export interface PublishSummary {
  releaseId: string;
  appId: string;
  installPageUrl: string;
  installLink: string;
  manifestUrl: string | null;
  downloadUrl: string;
}

export interface PublishOptions {
  /** Release notes (markdown). */
  notes?: string;
  /** Publish even when the profile or signing certificate has expired (what was overridden comes back in `overridden`). */
  force?: boolean;
  /** File name to record; default the file's base name. */
  filename?: string;
  /** Where the build came from (see ci-source.ts: detectCiSource); shown on the release. */
  source?: ReleaseSource | null;
  signal?: AbortSignal;
  /** Ask the server whether the token is accepted before sending the file (default true). */
  checkToken?: boolean;
  /** Progress of the upload: bytes sent of total. */
  onProgress?: (sent: number, total: number) => void;
}

export interface ResumablePublishOptions extends PublishOptions {
  /** Where interrupted uploads are remembered (see resume-state.ts); none: no resuming across runs. */
  resumeState?: ResumeState | null;
  /** Continue this upload (its id on the server) instead of looking one up. */
  uploadId?: string;
  /**
   * Bytes per PATCH request. Default: the whole file in one request, then 48 MiB and 8 MiB requests
   * while a proxy refuses a request's size (413). Given: that size only.
   */
  chunkSize?: number;
  /** Called once before bytes move: where the upload starts (above 0 when resuming) and the file size. */
  onStart?: (offset: number, total: number) => void;
}
