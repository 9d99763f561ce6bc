// Where a build came from, read from the CI's own environment: which CI, the branch, the commit and a
// link back to the build. `otaship publish` and the GitHub Action send it with the package so a tester
// looking at a release can tell which pipeline run produced it. Each CI is one row of a table (how to
// recognise it, where its variables are), so adding one is adding a row; nothing here reads files or
// the network, and unknown or empty variables simply leave a field out.

/** Provenance of a release; every field but `ci` may be missing. */
export interface ReleaseSource {
  /** Short identifier of the CI, e.g. `github-actions`. */
  ci: string;
  branch?: string;
  commit?: string;
  /** Link to the pipeline run that built the package. */
  buildUrl?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

interface CiRow {
  ci: string;
  detect: (env: Env) => boolean;
  branch: (env: Env) => string | undefined;
  commit: (env: Env) => string | undefined;
  buildUrl: (env: Env) => string | undefined;
}

/** The first non-empty value among the named variables. */
function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** A URL assembled from parts: only when every part is there, so a half-built link is never sent. */
function joined(parts: (string | undefined)[]): string | undefined {
  return parts.every((p) => p !== undefined && p !== '') ? parts.join('') : undefined;
}

/** Git refs as some CIs give them (`refs/heads/main`): the branch is the last part people know. */
function shortRef(ref: string | undefined): string | undefined {
  return ref?.replace(/^refs\/(heads|tags)\//, '');
}

// Order matters where CIs share variable names: GitLab's CI_* variables overlap Xcode Cloud's, so
// GitLab (recognised by GITLAB_CI) comes first and Xcode Cloud is recognised by its own CI_XCODE_* ones.
const TABLE: readonly CiRow[] = [
  {
    ci: 'github-actions',
    detect: (env) => env.GITHUB_ACTIONS === 'true',
    // On a pull request GITHUB_REF_NAME is "<n>/merge"; the branch that was built is GITHUB_HEAD_REF.
    branch: (env) => first(env, 'GITHUB_HEAD_REF', 'GITHUB_REF_NAME'),
    commit: (env) => first(env, 'GITHUB_SHA'),
    buildUrl: (env) =>
      joined([first(env, 'GITHUB_SERVER_URL'), '/', first(env, 'GITHUB_REPOSITORY'), '/actions/runs/', first(env, 'GITHUB_RUN_ID')]),
  },
  {
    ci: 'gitlab-ci',
    detect: (env) => env.GITLAB_CI === 'true',
    branch: (env) => first(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME'),
    commit: (env) => first(env, 'CI_COMMIT_SHA'),
    buildUrl: (env) => first(env, 'CI_JOB_URL', 'CI_PIPELINE_URL'),
  },
  {
    ci: 'bitrise',
    detect: (env) => env.BITRISE_IO === 'true' || first(env, 'BITRISE_BUILD_URL') !== undefined,
    branch: (env) => first(env, 'BITRISE_GIT_BRANCH'),
    commit: (env) => first(env, 'BITRISE_GIT_COMMIT', 'GIT_CLONE_COMMIT_HASH'),
    buildUrl: (env) => first(env, 'BITRISE_BUILD_URL'),
  },
  {
    ci: 'circleci',
    detect: (env) => env.CIRCLECI === 'true',
    branch: (env) => first(env, 'CIRCLE_BRANCH'),
    commit: (env) => first(env, 'CIRCLE_SHA1'),
    buildUrl: (env) => first(env, 'CIRCLE_BUILD_URL'),
  },
  {
    ci: 'buildkite',
    detect: (env) => env.BUILDKITE === 'true',
    branch: (env) => first(env, 'BUILDKITE_BRANCH'),
    commit: (env) => first(env, 'BUILDKITE_COMMIT'),
    buildUrl: (env) => first(env, 'BUILDKITE_BUILD_URL'),
  },
  {
    ci: 'azure-pipelines',
    detect: (env) => env.TF_BUILD?.toLowerCase() === 'true',
    branch: (env) => shortRef(first(env, 'SYSTEM_PULLREQUEST_SOURCEBRANCH', 'BUILD_SOURCEBRANCH')),
    commit: (env) => first(env, 'BUILD_SOURCEVERSION'),
    // SYSTEM_COLLECTIONURI ends with a slash (https://dev.azure.com/org/).
    buildUrl: (env) =>
      joined([
        first(env, 'SYSTEM_COLLECTIONURI', 'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI'),
        first(env, 'SYSTEM_TEAMPROJECT') && encodeURIComponent(first(env, 'SYSTEM_TEAMPROJECT')!),
        '/_build/results?buildId=',
        first(env, 'BUILD_BUILDID'),
      ]),
  },
  {
    ci: 'codemagic',
    detect: (env) => first(env, 'CM_BUILD_ID', 'FCI_BUILD_ID') !== undefined,
    branch: (env) => first(env, 'CM_BRANCH', 'FCI_BRANCH'),
    commit: (env) => first(env, 'CM_COMMIT', 'FCI_COMMIT'),
    buildUrl: (env) =>
      joined(['https://codemagic.io/app/', first(env, 'CM_PROJECT_ID', 'FCI_PROJECT_ID'), '/build/', first(env, 'CM_BUILD_ID', 'FCI_BUILD_ID')]),
  },
  {
    ci: 'xcode-cloud',
    detect: (env) => first(env, 'CI_XCODE_PROJECT', 'CI_XCODEBUILD_ACTION') !== undefined,
    branch: (env) => first(env, 'CI_PULL_REQUEST_SOURCE_BRANCH', 'CI_BRANCH'),
    commit: (env) => first(env, 'CI_COMMIT'),
    buildUrl: (env) => first(env, 'CI_BUILD_URL'),
  },
  {
    // Last: Jenkins's variables (BUILD_URL, GIT_COMMIT) are generic names other tools may set too.
    ci: 'jenkins',
    detect: (env) => first(env, 'JENKINS_URL') !== undefined,
    branch: (env) => first(env, 'CHANGE_BRANCH', 'BRANCH_NAME') ?? first(env, 'GIT_BRANCH')?.replace(/^origin\//, ''),
    commit: (env) => first(env, 'GIT_COMMIT'),
    buildUrl: (env) => first(env, 'BUILD_URL'),
  },
];

/** The CIs this module recognises, by identifier (the server accepts these and `other`). */
export const KNOWN_CIS: readonly string[] = TABLE.map((row) => row.ci);

/** The build's provenance, or null when no known CI is running this process. */
export function detectCiSource(env: Env = process.env): ReleaseSource | null {
  const row = TABLE.find((r) => r.detect(env));
  if (!row) return null;
  const source: ReleaseSource = { ci: row.ci };
  const branch = row.branch(env);
  const commit = row.commit(env);
  const buildUrl = row.buildUrl(env);
  if (branch) source.branch = branch;
  if (commit) source.commit = commit;
  if (buildUrl) source.buildUrl = buildUrl;
  return source;
}
