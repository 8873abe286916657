import { describe, expect, it } from 'vitest';
import type { StackState } from '../../src/aws/ports.js';
import type { RecordTarget } from '../../src/control/task-dns.js';
import { transition } from '../../src/control/transition.js';
import { ExitCode } from '../../src/errors.js';
import { type Faults, SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig, fakeAws } from '../support/cli.js';

/*
 * `meetctl deploy` on a direct-mode stack: CloudFormation owns the meeting host's record and changes
 * or deletes it by the values it created (the asleep page's alias), while the DNS function changes its
 * value. So deploy puts the record back before cdk runs, and points it at the running task after.
 */
const files = { 'meet.config.json': communityConfig() };

async function directWorld(faults: Faults = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ingress: 'direct', domain: 'meet.ne3d.org', stackName: 'Meet-meet-ne3d-org', faults });
  const rt = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
  const stack = async (): Promise<StackState> => {
    const described = await sim.ports.stack.describe();
    if (!described) throw new Error('no stack');
    return { name: described.name, status: described.status, powerState: described.powerState, outputs: described.outputs };
  };
  return { sim, clock, rt, stack };
}

describe('meetctl deploy and the meeting host record (direct mode)', () => {
  it('puts the record back to the asleep page before cdk runs when it holds a released address', async () => {
    const w = await directWorld({ dnsMissesStop: true });
    await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'test' }, w.rt);
    await transition({ goal: 'stopped', actor: 'cli:ana@laptop', reason: 'test', force: true }, w.rt);
    const stale = w.sim.hostRecordTarget;
    expect(stale?.kind).toBe('task');
    let atCdk: RecordTarget | undefined;
    const result = await cli(['deploy', '--yes'], {
      files,
      aws: fakeAws({ stack: await w.stack() }),
      sim: w.sim,
      onCdk: () => {
        atCdk = w.sim.hostRecordTarget;
      },
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(atCdk).toEqual({ kind: 'asleep' });
    expect(result.stderr).toContain(`The meeting host pointed at ${(stale as { ip: string }).ip}`);
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'asleep' });
  });

  it('with a meeting running (--force): asleep while the stack changes, the running task again after', async () => {
    const w = await directWorld();
    await transition({ goal: 'running', actor: 'cli:ana@laptop', reason: 'test' }, w.rt);
    const running = w.sim.hostRecordTarget;
    expect(running?.kind).toBe('task');
    let atCdk: RecordTarget | undefined;
    const result = await cli(['deploy', '--yes', '--force'], {
      files,
      aws: fakeAws({ stack: await w.stack(), counts: { desired: 1, running: 1, pending: 0 } }),
      sim: w.sim,
      onCdk: () => {
        atCdk = w.sim.hostRecordTarget;
      },
    });
    expect(result.code).toBe(ExitCode.ok);
    expect(atCdk).toEqual({ kind: 'asleep' });
    expect(w.sim.hostRecordTarget).toEqual(running);
    expect(result.stderr).toContain('The meeting host points at the running task again');
  });

  it('changes nothing when the record is the asleep page and nothing runs', async () => {
    const w = await directWorld();
    const result = await cli(['deploy', '--yes'], { files, aws: fakeAws({ stack: await w.stack() }), sim: w.sim });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stderr).not.toContain('The meeting host');
    expect(w.sim.hostRecordTarget).toEqual({ kind: 'asleep' });
  });
});
