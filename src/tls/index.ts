// Self-signed TLS for LAN installs: a local CA + server certificate, and the profile that installs the CA.
export { ensureSelfSignedTls, LEAF_RENEW_BEFORE_DAYS } from './self-signed.js';
export type { SelfSignedTls, SelfSignedTlsOptions } from './self-signed.js';
export { buildCaMobileconfig } from './mobileconfig.js';
export type { CaMobileconfigOptions } from './mobileconfig.js';
export { collectServerNames } from './names.js';
export type { ServerNames } from './names.js';
export { CA_VALIDITY_DAYS, LEAF_VALIDITY_DAYS } from './certificates.js';
