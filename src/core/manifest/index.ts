// OTA manifest: build, parse, validate, cross-check against the package (pure; no I/O except
// hashing a file on request).
export * from './types.js';
export { MANIFEST_PROBLEMS, type ManifestProblemCode } from './problems.js';
export {
  buildManifest,
  buildManifestForPackage,
  manifestObject,
  manifestBundleVersion,
  type ManifestInput,
  type ManifestUrls,
  type ManifestHashes,
  type ManifestPackageFacts,
} from './build.js';
export { analyseManifest, parseManifest, validateManifest, type ManifestAnalysis } from './validate.js';
export { MAX_MANIFEST_BYTES } from './read-plist.js';
export { stripXmlIllegal, findXmlIllegal } from './xml-chars.js';
export { checkManifestAgainstPackage, hashOptionsForManifest, checkManifestAgainstFile } from './cross-check.js';
export * from '../hash/index.js';
