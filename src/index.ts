// Library entry: the pure core (links, manifests, inspection). Imports no server framework,
// database or cloud SDK, so it can be used on its own.
export * from './core/errors.js';
export * from './core/types.js';
export * from './core/link/index.js';
export * from './core/manifest/index.js';
export * from './core/inspect/index.js';
export * from './core/device/index.js';
