// The vocabulary the database (db/sql-errors.ts) and storage (storage/faults.ts) fault classifiers
// share, so both layers say the same thing about the same failure without importing each other.

/** What an infrastructure fault means for the request that met it. */
export type FaultKind = 'unavailable' | 'full';

/**
 * Socket-level errno codes of a server that cannot be reached right now: the pg driver and the AWS
 * SDK both pass them through unchanged, whether the other end is a database or an S3 endpoint.
 */
export const NETWORK_UNAVAILABLE: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
