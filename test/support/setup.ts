import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { afterAll, expect } from 'vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

expect.extend(allCustomMatcher);

// Each synth writes a temporary cdk.out; remove them when a test file is done.
afterAll(() => {
  CloudAssembly.cleanupTemporaryDirectories();
});
