import { describe, expect, it } from 'vitest';
import type { StackState } from '../../src/aws/ports.js';
import { ExitCode } from '../../src/errors.js';
import { OUTPUTS } from '../../src/infra/meet-stack.js';
import { cli, communityConfig, fakeAws } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig() };
const deployed: StackState = {
  name: 'Meet-meet-ne3d-org',
  status: 'UPDATE_COMPLETE',
  powerState: 'on',
  outputs: { [OUTPUTS.cluster]: 'cluster-1', [OUTPUTS.service]: 'service-1' },
};
const desiredCountOf = (args: readonly string[] | undefined) => args?.find((a) => a.startsWith('DesiredCount='));

// CloudFormation applies the template's DesiredCount on every service update, so deploy passes the
// live count: a stopped platform stays stopped, a forced deploy during a meeting keeps its one task.
describe('meetctl deploy passes the live desired count to cdk', () => {
  it('0 while stopped', async () => {
    const result = await cli(['deploy', '--yes'], {
      files,
      aws: fakeAws({ stack: deployed, counts: { desired: 0, running: 0, pending: 0 } }),
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(desiredCountOf(result.cdkCalls[0]?.args)).toBe('DesiredCount=0');
  });

  it('1 (at most) while a task runs and --force is given', async () => {
    const result = await cli(['deploy', '--yes', '--force'], {
      files,
      aws: fakeAws({ stack: deployed, counts: { desired: 2, running: 1, pending: 0 } }),
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(desiredCountOf(result.cdkCalls[0]?.args)).toBe('DesiredCount=1');
  });
});
