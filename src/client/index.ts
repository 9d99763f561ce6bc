// The otaship API client: publish packages to a server from scripts or CI.
export { OtashipClient, summarize } from './client.js';
export type { ClientOptions } from './client.js';
export type { PublishOptions, PublishResponse, PublishSummary, PublishedApp, PublishedRelease } from './types.js';
export { apiError, networkError } from './errors.js';
export { precheckPackage } from './precheck.js';
export type { PrecheckOptions, PrecheckResult } from './precheck.js';
