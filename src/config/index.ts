export { loadConfig, SETTINGS } from './load.js';
export type { LoadConfigOptions, RawSettings } from './load.js';
export type { Config, StorageSettings, TlsSettings } from './types.js';
