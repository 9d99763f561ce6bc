// The deployment doctor's judgement: pure checks over what the probing layer (services/doctor)
// fetched. Each file holds one concern; none does I/O.
export * from './facts.js';
export { DOCTOR_FINDINGS, finding, type DoctorCode, type DoctorStep, type Finding, type FindingSeverity } from './findings.js';
export { SNIPPETS, type Snippets } from './snippets.js';
export { classifyInput, checkLink, looksLikeManifest, installLinksOf, type DoctorInput } from './input.js';
export { checkTls, daysLeft, CERT_WARN_DAYS } from './tls.js';
export { checkRedirects } from './redirects.js';
export { checkManifest, type ManifestJudgement } from './manifest.js';
export { checkPackageHttp, packageSize, type PackageProbe } from './package.js';
export { checkPackageFacts, PROFILE_WARN_DAYS } from './package-facts.js';
export { checkIcon, ICON_SIZES } from './icons.js';
export { presignedExpiry, slowDownloadSeconds, SLOW_PHONE_BYTES_PER_SECOND } from './presigned.js';
export { buildReport, type DoctorReport, type PackageSummary, type TlsSummary } from './report.js';
