import { configDefaults, defineConfig } from 'vitest/config';

// The unit tests of the rules that decide money and meetings, for `npm run mutation` only: Stryker runs
// them once per mutant, so the slow boundary, browser and CDK suites stay out (their rules are covered
// here through the public functions). Stryker's vitest runner narrows each run further to the files
// that import the mutated module (`related`) and to the tests that reached the mutant.
export const MUTATION_TESTS = [
  'test/control/*.test.ts',
  'test/automation/decisions.test.ts',
  'test/automation/handlers.test.ts',
  'test/automation/recorder.test.ts',
  'test/automation/policy.test.ts',
  'test/schedule/*.test.ts',
  'test/aws/state-store.test.ts',
  'test/report/*.test.ts',
  'test/cost/*.test.ts',
];

export default defineConfig({
  test: {
    include: MUTATION_TESTS,
    // The comparison with the JDK's java.time starts a JVM for 4,000 cases each time its file runs (tens of
    // seconds a mutant under load); `npm test` runs it, and time-zone-rules.test.ts covers the same rules here.
    exclude: [...configDefaults.exclude, 'test/schedule/time-zone.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
