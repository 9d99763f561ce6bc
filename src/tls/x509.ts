// The one place that loads @peculiar/x509. Its dependency tsyringe refuses to load without the
// Reflect metadata API, so the polyfill must be evaluated first (ESM evaluates imports in order).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509, webcrypto };

/** ECDSA P-256 with SHA-256: accepted by iOS (and every current TLS stack), and fast to generate. */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
