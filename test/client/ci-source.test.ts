// detectCiSource: one row per CI, with the variables that CI really sets (from each CI's documented
// environment), and what otaship must make of them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { detectCiSource, KNOWN_CIS, type ReleaseSource } from '../../src/client/ci-source.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const CASES: { name: string; env: Record<string, string>; expected: ReleaseSource }[] = [
  {
    name: 'GitHub Actions, push',
    env: { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '42' },
    expected: { ci: 'github-actions', branch: 'main', commit: SHA, buildUrl: 'https://github.com/acme/app/actions/runs/42' },
  },
  {
    name: 'GitHub Actions, pull request (the head branch, not "7/merge")',
    env: { GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: '7/merge', GITHUB_HEAD_REF: 'feature/login', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '43' },
    expected: { ci: 'github-actions', branch: 'feature/login', commit: SHA, buildUrl: 'https://github.com/acme/app/actions/runs/43' },
  },
  {
    name: 'GitLab CI (its CI_* names must not read as Xcode Cloud)',
    env: { CI: 'true', GITLAB_CI: 'true', CI_COMMIT_REF_NAME: 'release-2', CI_COMMIT_BRANCH: 'release-2', CI_COMMIT_SHA: SHA, CI_JOB_URL: 'https://gitlab.com/acme/app/-/jobs/9', CI_PIPELINE_URL: 'https://gitlab.com/acme/app/-/pipelines/3' },
    expected: { ci: 'gitlab-ci', branch: 'release-2', commit: SHA, buildUrl: 'https://gitlab.com/acme/app/-/jobs/9' },
  },
  {
    name: 'Bitrise',
    env: { CI: 'true', BITRISE_IO: 'true', BITRISE_GIT_BRANCH: 'develop', GIT_CLONE_COMMIT_HASH: SHA, BITRISE_BUILD_URL: 'https://app.bitrise.io/build/abc' },
    expected: { ci: 'bitrise', branch: 'develop', commit: SHA, buildUrl: 'https://app.bitrise.io/build/abc' },
  },
  {
    name: 'CircleCI',
    env: { CI: 'true', CIRCLECI: 'true', CIRCLE_BRANCH: 'main', CIRCLE_SHA1: SHA, CIRCLE_BUILD_URL: 'https://circleci.com/gh/acme/app/12' },
    expected: { ci: 'circleci', branch: 'main', commit: SHA, buildUrl: 'https://circleci.com/gh/acme/app/12' },
  },
  {
    name: 'Jenkins (multibranch)',
    env: { JENKINS_URL: 'https://ci.acme.dev/', BRANCH_NAME: 'main', GIT_BRANCH: 'origin/main', GIT_COMMIT: SHA, BUILD_URL: 'https://ci.acme.dev/job/app/8/' },
    expected: { ci: 'jenkins', branch: 'main', commit: SHA, buildUrl: 'https://ci.acme.dev/job/app/8/' },
  },
  {
    name: 'Jenkins (freestyle: GIT_BRANCH without its remote)',
    env: { JENKINS_URL: 'https://ci.acme.dev/', GIT_BRANCH: 'origin/hotfix', GIT_COMMIT: SHA, BUILD_URL: 'https://ci.acme.dev/job/app/9/' },
    expected: { ci: 'jenkins', branch: 'hotfix', commit: SHA, buildUrl: 'https://ci.acme.dev/job/app/9/' },
  },
  {
    name: 'Azure Pipelines',
    env: { TF_BUILD: 'True', BUILD_SOURCEBRANCH: 'refs/heads/main', BUILD_SOURCEVERSION: SHA, SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECT: 'Mobile App', BUILD_BUILDID: '77' },
    expected: { ci: 'azure-pipelines', branch: 'main', commit: SHA, buildUrl: 'https://dev.azure.com/acme/Mobile%20App/_build/results?buildId=77' },
  },
  {
    name: 'Buildkite',
    env: { CI: 'true', BUILDKITE: 'true', BUILDKITE_BRANCH: 'main', BUILDKITE_COMMIT: SHA, BUILDKITE_BUILD_URL: 'https://buildkite.com/acme/app/builds/5' },
    expected: { ci: 'buildkite', branch: 'main', commit: SHA, buildUrl: 'https://buildkite.com/acme/app/builds/5' },
  },
  {
    name: 'Codemagic',
    env: { CI: 'true', CM_BUILD_ID: 'b1', CM_PROJECT_ID: 'p1', CM_BRANCH: 'main', CM_COMMIT: SHA },
    expected: { ci: 'codemagic', branch: 'main', commit: SHA, buildUrl: 'https://codemagic.io/app/p1/build/b1' },
  },
  {
    name: 'Xcode Cloud',
    env: { CI: 'TRUE', CI_XCODE_PROJECT: 'App.xcodeproj', CI_BRANCH: 'main', CI_COMMIT: SHA, CI_BUILD_ID: 'x1', CI_BUILD_URL: 'https://appstoreconnect.apple.com/teams/t/apps/a/ci/builds/x1' },
    expected: { ci: 'xcode-cloud', branch: 'main', commit: SHA, buildUrl: 'https://appstoreconnect.apple.com/teams/t/apps/a/ci/builds/x1' },
  },
];

describe('detectCiSource', () => {
  for (const c of CASES) {
    test(c.name, () => assert.deepEqual(detectCiSource(c.env), c.expected));
  }

  test('every CI in the table has a case', () => {
    assert.deepEqual(new Set(CASES.map((c) => c.expected.ci)), new Set(KNOWN_CIS));
  });

  test('no CI: null; a CI with missing variables: only what is known (no half-built link)', () => {
    assert.equal(detectCiSource({ CI: 'true', HOME: '/root' }), null);
    assert.deepEqual(detectCiSource({ GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/app' }), { ci: 'github-actions', commit: SHA });
    assert.deepEqual(detectCiSource({ CIRCLECI: 'true', CIRCLE_BRANCH: '  ' }), { ci: 'circleci' });
  });
});
