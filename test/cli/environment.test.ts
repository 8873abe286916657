import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../src/cli/environment.js';
import { ExitCode, MeetError } from '../../src/errors.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { Simulation } from '../../src/sim/simulation.js';
import { cli, communityConfig } from '../support/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'meetctl-environment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (run: () => void): MeetError | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof MeetError) return error;
    throw error;
  }
  return undefined;
};

describe('the MEETCTL_* variables', () => {
  it('MEETCTL_SIMULATE: 1, 0, empty or unset; any other value is exit 2 before the command runs', async () => {
    for (const value of [undefined, '1', '0', '']) {
      expect(failure(() => checkEnvironment({ env: { MEETCTL_SIMULATE: value } }))).toBeUndefined();
    }
    const sim = new SimAws(new VirtualClock(), { stackName: 'Meet-meet-ne3d-org', domain: 'meet.ne3d.org' });
    const result = await cli(['start', '--json'], {
      files: { 'meet.config.json': communityConfig() },
      sim,
      env: { MEETCTL_SIMULATE: 'true' },
    });
    expect(result.code).toBe(ExitCode.usage);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      message: 'MEETCTL_SIMULATE="true" is neither 1 nor 0; nothing was run.',
      hint: expect.stringContaining('MEETCTL_SIMULATE=1'),
    });
    expect(sim.mutations).toEqual([]);
  });

  it('MEETCTL_SIMULATE_DIR where the worlds cannot be saved: exit 2 naming it and the folder', () => {
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const error = failure(() => checkEnvironment({ env: { MEETCTL_SIMULATE: '1' }, simulation: new Simulation(file) }));
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toBe(`MEETCTL_SIMULATE_DIR: the simulated AWS cannot be kept in ${file} (EEXIST); nothing was run.`);
    expect(
      failure(() => checkEnvironment({ env: { MEETCTL_SIMULATE: '1' }, simulation: new Simulation(path.join(dir, 'sim')) })),
    ).toBeUndefined();
  });
});
