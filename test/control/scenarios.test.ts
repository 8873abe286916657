import { describe, expect, it } from 'vitest';
import { execute, type ProgressEvent, type Runtime } from '../../src/control/execute.js';
import { RefusedError, type TransitionRequest, transition } from '../../src/control/transition.js';
import { type Faults, SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';

function setup(options: { faults?: Faults; power?: 'on' | 'off'; participants?: number; desired?: number } = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, options);
  const progress: ProgressEvent[] = [];
  const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: (e) => progress.push(e) };
  const run = (goal: TransitionRequest['goal'], extra: Partial<TransitionRequest> = {}) =>
    transition({ goal, actor: 'cli:ana@laptop', reason: 'test', ...extra }, rt);
  return { clock, sim, progress, run, start: clock.now() };
}

describe('start', () => {
  it('takes a stopped platform to READY, with progress per step and one logged transition', async () => {
    const { sim, progress, run, clock, start } = setup();
    const outcome = await run('running');
    expect(outcome).toMatchObject({ from: 'STOPPED', to: 'READY', outcome: 'done' });
    expect(sim.liveTasks()).toBe(1);
    expect(progress.filter((e) => e.type === 'step').map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(progress.every((e) => e.elapsedMs >= 0 && e.total === 4)).toBe(true);
    expect(sim.state.log).toEqual([
      expect.objectContaining({ actor: 'cli:ana@laptop', goal: 'running', from: 'STOPPED', to: 'READY', outcome: 'done' }),
    ]);
    expect(sim.state.log[0]?.taskStartedAt).toBeDefined();
    // Ready once the targets pass, a couple of minutes of virtual time.
    expect((clock.now() - start) / 1000).toBeGreaterThanOrEqual(TIMING.targetsHealthy);
    expect(sim.state.lock).toBeUndefined();
  });

  it('is a logged no-op when the platform is already READY', async () => {
    const { sim, run } = setup();
    await run('running');
    const calls = sim.desiredCalls.length;
    const again = await run('running');
    expect(again).toMatchObject({ outcome: 'no-op', steps: [] });
    expect(sim.desiredCalls.length).toBe(calls);
    expect(sim.state.log.map((e) => e.outcome)).toEqual(['done', 'no-op']);
  });

  it('powers up first when powered down', async () => {
    const { sim, run } = setup({ power: 'off' });
    const outcome = await run('running');
    expect(outcome).toMatchObject({ from: 'POWERED_DOWN', to: 'READY', outcome: 'done' });
    expect(sim.power).toBe('on');
  });

  it('waits for a deploy in progress, then starts', async () => {
    const clock = new VirtualClock();
    const { run } = (() => {
      const sim = new SimAws(clock, { faults: { stackBusyUntil: clock.now() + 240_000 } });
      const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
      return { run: (goal: 'running') => transition({ goal, actor: 'a', reason: 'r' }, rt) };
    })();
    const outcome = await run('running');
    expect(outcome.steps[0]?.kind).toBe('wait-stack-stable');
    expect(outcome).toMatchObject({ to: 'READY', outcome: 'done' });
  });

  it('survives throttling', async () => {
    const { run, sim } = setup({ faults: { throttle: { everySeconds: 60, forSeconds: 10 } } });
    const outcome = await run('running');
    expect(outcome).toMatchObject({ to: 'READY', outcome: 'done' });
    expect(sim.throttled).toBeGreaterThan(3);
  });
});

describe('a start that cannot become healthy ends stopped and says why', () => {
  it('task stuck in PENDING: fails at the deadline, stops the task', async () => {
    const { sim, run, progress } = setup({ faults: { stuckPending: true } });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('wait-task-running');
    expect(outcome.result?.error?.message).toContain('did not become healthy within 8 min (last: task PENDING)');
    expect(outcome.result?.compensated).toBe(true);
    expect(sim.liveTasks()).toBe(0);
    expect(sim.desired).toBe(0);
    expect(progress.some((e) => e.type === 'compensated')).toBe(true);
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'failed', goal: 'running' });
  });

  it('no Fargate capacity: no task is ever placed; says so at the deadline and sets the service back to 0', async () => {
    const { sim, run } = setup({ faults: { noCapacity: true } });
    const outcome = await run('running');
    expect(outcome.result?.failedStep?.kind).toBe('wait-task-running');
    expect(outcome.result?.error?.message).toMatch(/^ECS placed no task within 8 min: Fargate may have no capacity/);
    expect(outcome.result?.compensated).toBe(true);
    expect(sim.desired).toBe(0);
    expect(sim.tasks).toEqual([]);
  });

  it("image pull error: fails fast with the stop reason and the failing container's last log lines", async () => {
    const { sim, run, clock, start } = setup({ faults: { imagePullError: true } });
    const outcome = await run('running');
    expect(outcome.result?.error?.message).toContain('CannotPullContainerError');
    expect(outcome.result?.error?.diagnostics).toMatchObject({
      container: 'jvb',
      stoppedReason: expect.stringContaining('CannotPullContainerError'),
    });
    expect(outcome.result?.error?.diagnostics.logLines?.[0]).toContain('/meet/jvb jvb/jvb/task1');
    expect((clock.now() - start) / 1000).toBeLessThan(120); // fast, not the 8-minute deadline
    expect(sim.liveTasks()).toBe(0);
    expect(sim.desired).toBe(0);
  });

  it('target never healthy: fails with the target reason and stops the task', async () => {
    const { sim, run } = setup({ faults: { targetNeverHealthy: true } });
    const outcome = await run('running');
    expect(outcome.result?.failedStep?.kind).toBe('wait-targets-healthy');
    expect(outcome.result?.error?.message).toContain('unhealthy (Target.FailedHealthChecks)');
    expect(sim.liveTasks()).toBe(0);
  });

  it('certificate for the wrong name: the meeting is not usable, the task is stopped', async () => {
    const { sim, run } = setup({ faults: { wrongCertificate: true } });
    const outcome = await run('running');
    expect(outcome.result?.failedStep?.kind).toBe('check-endpoints');
    expect(outcome.result?.error?.message).toContain('certificate is for other.example.org, not meet.ne3d.org');
    expect(outcome.result?.error?.diagnostics.checks?.find((c) => c.name === 'certificate')?.status).toBe('fail');
    expect(sim.liveTasks()).toBe(0);
  });

  it('credentials expiring mid-start, renewed a minute later: compensation retries and still stops the task', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(
      clock,
      {},
      { credentialsExpireAt: clock.now() + 60_000, credentialsRestoredAt: clock.now() + 120_000 },
    );
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    const outcome = await transition({ goal: 'running', actor: 'a', reason: 'r' }, rt);
    expect(outcome.result?.error?.kind).toBe('credentials');
    expect(outcome.result?.compensated).toBe(true);
    expect(sim.liveTasks()).toBe(0);
    expect(outcome.logged).toBe(true);
  });

  it('credentials expiring for good: says loudly that the task could not be stopped', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, {}, { credentialsExpireAt: clock.now() + 60_000 });
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    const outcome = await transition({ goal: 'running', actor: 'a', reason: 'r' }, rt);
    expect(outcome.result?.compensated).toBe(false);
    expect(outcome.result?.compensationError?.kind).toBe('credentials');
    expect(outcome.event.detail).toContain('the task could NOT be stopped');
    expect(outcome.logged).toBe(false);
  });
});

describe('stop, power and destroy', () => {
  it('refuses to stop while people are in a call, logs the refusal, and stops with force', async () => {
    const { sim, run } = setup({ participants: 7, desired: 1 });
    await expect(run('stopped')).rejects.toThrow(RefusedError);
    await expect(run('stopped')).rejects.toThrow('7 people are in a call');
    expect(sim.liveTasks()).toBe(1);
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'refused', detail: '7 people in a call' });
    const forced = await run('stopped', { force: true });
    expect(forced).toMatchObject({ from: 'READY', to: 'STOPPED', outcome: 'done' });
    expect(sim.liveTasks()).toBe(0);
    expect(forced.event.runningMinutes).toBeGreaterThan(55); // the task ran about an hour
  });

  it('powers down (stopping first) and back up', async () => {
    const { sim, run } = setup({ desired: 1 });
    const down = await run('powered-down');
    expect(down).toMatchObject({ from: 'READY', to: 'POWERED_DOWN', outcome: 'done' });
    expect(down.steps.map((s) => s.kind)).toEqual(['set-desired', 'wait-tasks-stopped', 'set-power']);
    expect(sim.serviceExists).toBe(false);
    const up = await run('stopped');
    expect(up).toMatchObject({ from: 'POWERED_DOWN', to: 'STOPPED', outcome: 'done' });
    expect(sim.serviceExists).toBe(true);
  });

  it('destroys the stack and keeps recordings unless asked', async () => {
    const kept = setup({ desired: 1 });
    const outcome = await kept.run('destroyed');
    expect(outcome).toMatchObject({ to: 'ABSENT', outcome: 'done' });
    expect(kept.sim.deleted).toBe(true);
    expect(kept.sim.deletedRecordings).toBe(false);
    expect(kept.sim.liveTasks()).toBe(0);
    const gone = setup();
    await gone.run('destroyed', { deleteRecordings: true });
    expect(gone.sim.deletedRecordings).toBe(true);
    expect(await gone.run('destroyed')).toMatchObject({ outcome: 'no-op', from: 'ABSENT' });
  });

  it('refuses a second actor while the first holds the lock, naming the holder', async () => {
    const { sim, run } = setup();
    sim.state.hold('schedule:weekly', 'running: meetup', { token: 't' });
    await expect(run('running')).rejects.toThrow('schedule:weekly holds the lock');
    expect(sim.desiredCalls).toHaveLength(0);
    expect(sim.state.log.at(-1)).toMatchObject({ outcome: 'refused' });
  });

  it('takes over a dead holder after watching its version for one lease, and fences it out', async () => {
    const { sim, run, clock, start } = setup();
    sim.state.hold('crashed-laptop', 'running', { token: 'old', alive: false });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('done');
    expect(outcome.tookOverFrom?.owner).toBe('crashed-laptop');
    // It watched for one lease duration (60 s) before taking over, not less.
    const took = sim.state.grants.find((g) => g.owner === 'cli:ana@laptop');
    expect((took?.from ?? 0) - start).toBeGreaterThanOrEqual(60_000);
    expect((took?.from ?? 0) - start).toBeLessThan(120_000);
    // The old holder can no longer heartbeat or release what is now ours.
    expect(await sim.state.heartbeat('old', 'x', 60, clock.now())).toBe(false);
  });
});

describe('what CloudFormation does that the core must survive', () => {
  it('a power change that rolls back fails the transition with the stack status, and power stays as it was', async () => {
    const { sim, run } = setup({ power: 'off', faults: { powerChangeFails: true } });
    const outcome = await run('stopped');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.error?.message).toContain('UPDATE_ROLLBACK');
    expect(sim.power).toBe('off');
    expect(sim.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('a power change that changes nothing is done, not an error', async () => {
    const { sim } = setup();
    await expect(sim.ports.stack.setPower('on')).resolves.toBeUndefined();
    expect(sim.stackStatus).toBe('CREATE_COMPLETE');
  });
});

describe('compensation', () => {
  it('is not run when the start failed before it asked for a task', async () => {
    const clock = new VirtualClock();
    const sim = new SimAws(clock, {}, { credentialsExpireAt: clock.now() });
    const rt: Runtime = { ports: sim.ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: () => {} };
    const steps = [
      { kind: 'set-desired' as const, count: 0 as const, deadlineSeconds: 60 },
      { kind: 'wait-tasks-stopped' as const, deadlineSeconds: 300 },
      { kind: 'set-desired' as const, count: 1 as const, deadlineSeconds: 60 },
    ];
    const result = await execute(steps, 'running', rt, undefined);
    expect(result.ok).toBe(false);
    expect(result.failedStep?.kind).toBe('set-desired');
    expect(result.compensated).toBeUndefined();
  });
});
