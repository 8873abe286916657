import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { SIMULATED_INTERNAL_SECRET_ARN, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';

const files = { 'meet.config.json': communityConfig() };

describe('meetctl rotate-secrets', () => {
  it('asks first (host links stop working), then rotates while stopped', async () => {
    const sim = new SimAws(new VirtualClock(), { ingress: 'direct' });
    const before = sim.secretsAtStart()[SIMULATED_INTERNAL_SECRET_ARN];
    const unconfirmed = await cli(['rotate-secrets'], { files, sim, answer: 'no' });
    expect(unconfirmed.code).toBe(ExitCode.failed);
    expect(unconfirmed.stderr).toContain('Host links');
    expect(sim.secretsAtStart()[SIMULATED_INTERNAL_SECRET_ARN]).toBe(before);
    const done = await cli(['rotate-secrets'], { files, sim, answer: 'rotate' });
    expect(done.code).toBe(ExitCode.ok);
    expect(done.stdout).toContain('Rotated 3 keys in the internal passwords and Jitsi token secret');
    expect(sim.secretsAtStart()[SIMULATED_INTERNAL_SECRET_ARN]).not.toBe(before);
    expect((await cli(['history'], { files, sim })).stdout).toContain('rotate-secrets');
  });

  it('refuses while the meeting runs, with exit 1 and what to do', async () => {
    const sim = new SimAws(new VirtualClock(), { ingress: 'direct', desired: 1 });
    const result = await cli(['rotate-secrets', '--yes'], { files, sim });
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toContain('only while nothing runs');
    expect(result.stderr).toContain('meetctl stop');
  });

  it('--dry-run says what it would do', async () => {
    const sim = new SimAws(new VirtualClock(), { ingress: 'direct' });
    expect((await cli(['rotate-secrets', '--dry-run'], { files, sim })).stdout).toContain('Would give the internal passwords');
  });
});
