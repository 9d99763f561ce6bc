// itms-services links: build, parse, lint, and find them in text or HTML. Pure: no I/O.
export { buildInstallLink, INSTALL_LINK_PREFIX, type BuildInstallLinkOptions } from './build.js';
export { parseInstallLink, type ParsedInstallLink, type InstallLinkParam } from './parse.js';
export {
  lintInstallLink,
  type LinkLintResult,
  type LintInstallLinkOptions,
  type LinkSource,
} from './lint.js';
export { findInstallLinks, type FoundInstallLink, type FoundLinkSource } from './find.js';
export { lintInstallLinks, type LinksLintReport } from './lint-many.js';
export {
  LINK_PROBLEMS,
  type LinkProblem,
  type LinkProblemCode,
  type LinkProblemSeverity,
  type LinkProblemSpec,
} from './problems.js';
