// The JSON the server returns when a release is published (see the server contract). Only the fields
// the client relies on are typed; the rest passes through untouched.
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
  /** Publish even when the profile has expired. */
  force?: boolean;
  /** File name to record; default the file's base name. */
  filename?: string;
  signal?: AbortSignal;
  /** Ask the server whether the token is accepted before sending the file (default true). */
  checkToken?: boolean;
  /** Progress of the upload: bytes sent of total. */
  onProgress?: (sent: number, total: number) => void;
}
