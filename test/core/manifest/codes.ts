// Problem codes produced by checkManifestAgainstPackage (the rest come from validateManifest).
export const CROSS_CHECK_CODES: string[] = [
  'BUNDLE_ID_MISMATCH',
  'VERSION_MISMATCH',
  'HASH_MISMATCH',
  'CHUNK_COUNT_MISMATCH',
  'CHUNK_HASH_MISMATCH',
  'HASH_NOT_CHECKED',
];
