// Mutation testing (StrykerJS) of the security-critical modules: `npm run mutate` (not part of
// `npm test`: it runs each module's tests once per mutant and takes many minutes). One module at a
// time, with only the test files that exercise it, so a run fits a small machine:
//   npm run mutate                     every module below, one after the other
//   npm run mutate -- authz signing    only these
// Each run writes reports/mutation/<module>.html and .json.
//
// Tests run through the tap runner: each test file is its own `node --import tsx` process (Node's
// test runner, TAP reporter), and Stryker's per-test-file coverage runs only the files that reach
// a mutant.

/** module → the source file(s) it mutates and the test files that cover them. */
export const MODULES = {
  authz: {
    mutate: ['src/services/authz.ts'],
    tests: ['test/server/services/authz.test.ts', 'test/server/services/authz-people.test.ts', 'test/server/services/signing-authz.test.ts'],
  },
  'link-tokens': {
    mutate: ['src/services/link-tokens.ts'],
    tests: ['test/server/services/link-tokens.test.ts'],
  },
  'api-tokens': {
    mutate: ['src/services/api-tokens.ts'],
    tests: ['test/server/services/api-tokens.test.ts'],
  },
  signing: {
    mutate: ['src/services/signing.ts'],
    tests: ['test/server/services/signing.test.ts', 'test/server/services/signing-authz.test.ts'],
  },
  sessions: {
    mutate: ['src/services/sessions.ts'],
    tests: ['test/server/services/session-service.test.ts'],
  },
  range: {
    mutate: ['src/server/http/range.ts'],
    tests: ['test/server/http/range.test.ts', 'test/server/http/range-rules.test.ts'],
  },
  cgbi: {
    mutate: ['src/core/png/cgbi.ts'],
    // Every PNG test (the filter, chunk and budget tests included) plus the two callers that feed
    // icons through the converter.
    tests: ['test/core/png/*.test.ts', 'test/services/publish/icons.test.ts', 'test/core/inspect/icon-budget.test.ts'],
  },
};

const selected = process.env.OTASHIP_MUTATE_MODULE;
const module = selected ? MODULES[selected] : undefined;
if (selected && !module) throw new Error(`unknown mutation module "${selected}": one of ${Object.keys(MODULES).join(', ')}`);
const modules = module ? [module] : Object.values(MODULES);
const name = selected ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    testFiles: [...new Set(modules.flatMap((m) => m.tests))],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  mutate: modules.flatMap((m) => m.mutate),
  coverageAnalysis: 'perTest',
  // The machine is shared: one test process at a time.
  concurrency: 1,
  // A test file that starts a server or opens a database takes seconds, not milliseconds.
  timeoutMS: 60_000,
  timeoutFactor: 3,
  // The sandbox needs only what the tests load.
  ignorePatterns: ['dist', 'bench', 'reports', 'docs', '.stryker-tmp', '*.v8cache'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
