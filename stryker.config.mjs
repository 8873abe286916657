// Mutation testing of the rules that decide money and meetings (issue 28): `npm run mutation`.
// Run it after changing any file in `mutate`; docs/testing.md has the last score per file and the run time.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  checkers: [],
  mutate: [
    'src/control/transition.ts',
    'src/automation/policy.ts',
    'src/control/plan.ts',
    'src/schedule/expression.ts',
    'src/control/phase.ts',
    'src/aws/state-store.ts',
    'src/control/participants.ts',
    'src/control/lock.ts',
    'src/schedule/next.ts',
    'src/report/meetups.ts',
    'src/cost/month-to-date.ts',
    'src/schedule/time-zone.ts',
    'src/schedule/cron-dst.ts',
    'src/automation/handlers.ts',
    'src/control/dns-reconcile.ts',
    'src/control/host-record.ts',
    'src/control/start-time.ts',
    'src/control/start-timings.ts',
  ],
  // String literals are left out: in these files they are the messages and hints people read (their
  // wording is not a rule). The strings that are rules (statuses, step kinds, cron words) are compared
  // in expressions whose operators and conditions are still mutated, and the tests pin their values.
  mutator: { excludedMutations: ['StringLiteral'] },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['/reports', '/.stryker-tmp', '/dist', '/cdk.out', '/coverage'],
  disableTypeChecks: 'src/**/*.ts',
  cleanTempDir: 'always',
  // Stryker's own break threshold is global; scripts/mutation-check.mjs applies it to each file.
  thresholds: { high: 95, low: 90, break: 90 },
};
