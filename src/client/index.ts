// The otaship API client: publish packages to a server from scripts or CI.
export { OtashipClient, summarize, CHUNK_SIZES } from './client.js';
export { ResumeState, defaultResumeStatePath, resumeFingerprint } from './resume-state.js';
export type { ResumeEntry } from './resume-state.js';
export type { ClientOptions } from './client.js';
export type { PublishOptions, ResumablePublishOptions, PublishResponse, PublishSummary, PublishedApp, PublishedRelease } from './types.js';
export { apiError, networkError } from './errors.js';
export { precheckPackage } from './precheck.js';
export type { PrecheckOptions, PrecheckResult } from './precheck.js';
export { detectCiSource, KNOWN_CIS } from './ci-source.js';
export type { ReleaseSource } from './ci-source.js';
