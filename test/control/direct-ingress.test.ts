import { describe, expect, it } from 'vitest';
import type { ProgressEvent, Runtime } from '../../src/control/execute.js';
import { phase } from '../../src/control/phase.js';
import { DEADLINES, PlanError, plan } from '../../src/control/plan.js';
import type { CheckResult } from '../../src/control/snapshot.js';
import { modelledStartSeconds, SIDECAR_LINGER_SECONDS } from '../../src/control/start-time.js';
import { type TransitionRequest, transition } from '../../src/control/transition.js';
import { type Faults, SimAws, TIMING, VirtualClock } from '../../src/sim/simulated-aws.js';
import { EXAMPLES, snapshot, task } from '../support/snapshots.js';

// The control plane in the direct ingress mode: no load balancer; a start is READY once the DNS
// function pointed the meeting host at the task, Route 53 reports that change INSYNC, and the
// endpoint checks pass against the task's own address.
function setup(options: { faults?: Faults; desired?: number } = {}) {
  const clock = new VirtualClock();
  const sim = new SimAws(clock, { ...options, ingress: 'direct' });
  const progress: ProgressEvent[] = [];
  const checks: Array<{ host: string; connectTo?: string }> = [];
  const ports = {
    ...sim.ports,
    endpoints: {
      check: (host: string, connectTo?: string): Promise<CheckResult[]> => {
        checks.push({ host, ...(connectTo ? { connectTo } : {}) });
        return sim.ports.endpoints.check(host, connectTo);
      },
    },
  };
  const rt: Runtime = { ports, clock, host: 'meet.ne3d.org', pollMs: 5000, onProgress: (e) => progress.push(e) };
  const run = (goal: TransitionRequest['goal']) => transition({ goal, actor: 'cli:ana@laptop', reason: 'test' }, rt);
  return { clock, sim, progress, checks, run, start: clock.now() };
}

describe('direct mode: a start', () => {
  it('checks the task address directly, and is READY once the checks pass and the record is INSYNC', async () => {
    const { sim, run, clock, start, checks, progress } = setup();
    const outcome = await run('running');
    expect(outcome).toMatchObject({ from: 'STOPPED', to: 'READY', outcome: 'done' });
    expect(outcome.steps.map((s) => s.kind)).toEqual(['set-desired', 'check-endpoints', 'wait-task-running', 'wait-host-record']);
    const seconds = (clock.now() - start) / 1000;
    // The sidecar answered first, so Route 53 had the record everywhere before the task was healthy:
    // the image pull and the components' start bound READY, not DNS.
    expect(TIMING.dnsInSync).toBeLessThan(TIMING.healthy);
    expect(seconds).toBeGreaterThanOrEqual(TIMING.healthy);
    // The model, plus at most one poll (5 s) of the control plane.
    expect(seconds).toBeLessThanOrEqual(modelledStartSeconds('direct').seconds + 5);
    // The checks passed once web and prosody answered, while the JVMs were still starting.
    const checked = progress.find((e) => e.type === 'done' && e.index === 2);
    expect(checked?.description).toContain('XMPP websocket');
    expect(checked?.elapsedMs).toBeLessThan(TIMING.healthy * 1000);
    expect(checked?.elapsedMs).toBeGreaterThanOrEqual(TIMING.answering * 1000);
    // While the images are pulled, the wait says so (nothing is checked before the task runs).
    const waits = progress.filter((e) => e.type === 'waiting' && e.index === 2).map((e) => e.detail);
    expect(waits).toContain('task PENDING');
    // Then the JVMs start: the wait for health says no check passed yet, never lists the sidecars.
    const healthWaits = progress.filter((e) => e.type === 'waiting' && e.index === 3).map((e) => e.detail);
    expect(healthWaits.length).toBeGreaterThan(0);
    expect(new Set(healthWaits)).toEqual(new Set(['task running; no start-up check passed yet']));
    // Healthy, then INSYNC had come already: the last step found it done at its first look, within one poll.
    const healthy = progress.find((e) => e.type === 'done' && e.index === 3);
    const insync = progress.find((e) => e.type === 'done' && e.index === 4);
    expect((insync?.elapsedMs ?? Number.NaN) - (healthy?.elapsedMs ?? 0)).toBeLessThanOrEqual(5_000);
    // Straight at the task, with the meeting host as SNI and Host: no resolver cache involved.
    const ip = sim.taskIp(sim.tasks[0] as { arn: string });
    expect(checks.at(-1)).toEqual({ host: 'meet.ne3d.org', connectTo: ip });
    expect(checks.every((c) => c.connectTo === ip)).toBe(true);
  });

  it("a start right after a stop reports the new task's state, not the stopped one's", async () => {
    const { run, progress } = setup({ desired: 1 });
    expect((await run('stopped')).to).toBe('STOPPED');
    progress.length = 0;
    expect((await run('running')).to).toBe('READY');
    const waits = progress.filter((e) => e.type === 'waiting' && e.index === 2).map((e) => e.detail);
    expect(waits[0]).toBe('task PROVISIONING');
    expect(waits.filter((w) => /STOPPED|DEACTIVATING|STOPPING/.test(w ?? ''))).toEqual([]);
  });

  it('names the failing check once the task runs, and fails at the deadline with it', async () => {
    const { run, progress, clock, start } = setup({ faults: { wrongCertificate: true } });
    const outcome = await run('running');
    expect(outcome.result?.failedStep?.kind).toBe('check-endpoints');
    expect(outcome.result?.error?.message).toBe(
      'the meeting is not usable: certificate: certificate is for other.example.org, not meet.ne3d.org',
    );
    // The step's deadline covers the images' pull: the same as the wait for health.
    expect((clock.now() - start) / 1000).toBeGreaterThanOrEqual(DEADLINES.taskRunning);
    const waits = progress.filter((e) => e.type === 'waiting' && e.index === 2).map((e) => e.detail);
    expect(waits.slice(0, 2)).toEqual(['task PROVISIONING', 'task PENDING']);
    expect(waits.at(-1)).toBe('certificate: certificate is for other.example.org, not meet.ne3d.org');
  });

  it('fails when the record never follows the task (the checks find no address), and stops the task again', async () => {
    const { sim, run } = setup({ faults: { dnsNeverSwitches: true } });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('check-endpoints');
    expect(outcome.result?.error?.message).toContain('the task has no public address in the record yet');
    expect(sim.liveTasks()).toBe(0);
  });

  it('fails fast when the task stops while its endpoints are checked (an image that cannot be pulled)', async () => {
    const { sim, run, clock, start } = setup({ faults: { imagePullError: true } });
    const outcome = await run('running');
    expect(outcome.result?.failedStep?.kind).toBe('check-endpoints');
    expect(outcome.result?.error?.message).toContain('the task stopped: CannotPullContainerError');
    expect(outcome.result?.error?.diagnostics).toMatchObject({ container: 'jvb' });
    expect((clock.now() - start) / 1000).toBeLessThan(120); // fast, not the 8-minute deadline
    expect(sim.liveTasks()).toBe(0);
  });

  it('waits for ECS to place the task, says so, and sets the service back to 0 when it never does', async () => {
    const { sim, run, progress, clock, start } = setup({ faults: { noCapacity: true } });
    const outcome = await run('running');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.result?.failedStep?.kind).toBe('check-endpoints');
    expect(outcome.result?.error?.message).toBe(
      `ECS placed no task within ${DEADLINES.taskRunning / 60} min: Fargate may have no capacity for the task's size and architecture right now (the service's events in the ECS console say "unable to place a task"); try again later`,
    );
    const waits = progress.filter((e) => e.type === 'waiting' && e.index === 2).map((e) => e.detail);
    expect(new Set(waits)).toEqual(new Set(['waiting for ECS to place the task']));
    expect((clock.now() - start) / 1000).toBeGreaterThanOrEqual(DEADLINES.taskRunning);
    // Nothing left to bill later: a service left at 1 would place the task once capacity returns.
    expect(sim.desiredCalls.map((c) => c.count)).toEqual([1, 0]);
    expect(sim.tasks).toEqual([]);
  });

  it('stops like the other mode, and says why the last 90 s are the sidecar lingering', async () => {
    const { sim, run, progress } = setup({ desired: 1 });
    const outcome = await run('stopped');
    expect(outcome).toMatchObject({ to: 'STOPPED', outcome: 'done' });
    expect(sim.liveTasks()).toBe(0);
    const waits = progress.filter((e) => e.type === 'waiting').map((e) => e.detail ?? '');
    expect(waits).toContain(
      `task DEACTIVATING: the meeting has ended; its TLS sidecar shows the waking page for up to ${SIDECAR_LINGER_SECONDS} s more, until every DNS answer points at the asleep page, so nobody is refused`,
    );
  });
});

describe('direct mode: no power tiers', () => {
  it('refuses power-down and power-up with a reason and the command to use instead, changing nothing', async () => {
    const { sim, run } = setup();
    await expect(run('powered-down')).rejects.toThrow(/power-down tier does not exist in the direct ingress mode/);
    await expect(run('powered-up')).rejects.toThrow(PlanError);
    expect(sim.mutations).toEqual([]);
    const refusal = (() => {
      try {
        plan('powered-down', snapshot({ ingress: 'direct' }));
      } catch (error) {
        return error as PlanError;
      }
      throw new Error('no refusal');
    })();
    expect(refusal.hint).toContain('meetctl stop');
  });
});

describe('direct mode: phase', () => {
  const running = (taskDns?: { ip?: string; inSync: boolean }) =>
    snapshot({
      ingress: 'direct',
      service: { desired: 1, running: 1, pending: 0 },
      tasks: [task()],
      ...(taskDns ? { taskDns: { taskArn: task().arn, ...taskDns } } : {}),
    });

  it('is READY only once the host record points at the task and the change is INSYNC; target health does not count', () => {
    expect(phase(running({ ip: '198.51.100.7', inSync: true }))).toBe('READY');
    expect(phase(running({ ip: '198.51.100.7', inSync: false }))).toBe('DEGRADED'); // past the grace period
    expect(phase({ ...running(), tasks: [task({}, 30)] })).toBe('STARTING');
    expect(phase({ ...running(), targets: EXAMPLES.READY.targets })).not.toBe('READY');
  });

  it('plans a start with the DNS step instead of the target step', () => {
    expect(plan('running', snapshot({ ingress: 'direct' })).map((s) => s.kind)).toEqual([
      'set-desired',
      'check-endpoints',
      'wait-task-running',
      'wait-host-record',
    ]);
    expect(plan('running', snapshot()).map((s) => s.kind)).toContain('wait-targets-healthy');
    // The checks say where they look: the task's own address, or the load balancer.
    const checks = (ingress: 'direct' | 'load-balancer') =>
      plan('running', snapshot({ ingress })).find((s) => s.kind === 'check-endpoints');
    expect(checks('direct')).toMatchObject({ at: 'task' });
    expect(checks('load-balancer')).toMatchObject({ at: 'load-balancer' });
  });
});
