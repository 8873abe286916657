import { describe, expect, it } from 'vitest';
import { meetingPhase, PHASES, phase, RECENT_FAILURE_SECONDS, TARGET_GRACE_SECONDS } from '../../src/control/phase.js';
import { EXAMPLES, NOW, snapshot, task } from '../support/snapshots.js';

describe('phase', () => {
  it.each(PHASES)('recognises %s', (name) => {
    expect(phase(EXAMPLES[name])).toBe(name);
  });

  it('has an example for every phase', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...PHASES].sort());
  });

  it('counts a running task with unhealthy targets as STARTING within the registration grace, DEGRADED after', () => {
    const targets = { web: [{ state: 'initial' as const }], media: [{ state: 'initial' as const }] };
    const service = { desired: 1, running: 1, pending: 0 };
    expect(phase(snapshot({ service, tasks: [task({}, 60)], targets }))).toBe('STARTING');
    expect(phase(snapshot({ service, tasks: [task({}, TARGET_GRACE_SECONDS + 1)], targets }))).toBe('DEGRADED');
  });

  it('is DEGRADED when a container is unhealthy or an endpoint check fails', () => {
    const base = EXAMPLES.READY;
    const sick = task({ health: 'UNHEALTHY' }, 30);
    expect(phase({ ...base, tasks: [sick], targets: { web: [] } })).toBe('DEGRADED');
    expect(phase({ ...base, endpoints: [{ name: 'certificate', status: 'fail', detail: 'wrong host' }] })).toBe('DEGRADED');
    expect(phase({ ...base, endpoints: [{ name: 'https', status: 'pass', detail: 'ok' }] })).toBe('READY');
  });

  it('is STARTING right after desired count 1, before ECS placed a task', () => {
    expect(phase(snapshot({ service: { desired: 1, running: 0, pending: 0 } }))).toBe('STARTING');
  });

  it('is STARTING again when a crash is old and ECS is relaunching', () => {
    const old = task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: NOW - 3600_000,
      stoppedReason: 'Essential container exited',
    });
    expect(phase(snapshot({ service: { desired: 1, running: 0, pending: 0 }, tasks: [old] }))).toBe('STARTING');
  });

  it('is FAILED when CloudFormation left the stack broken, or the service vanished while powered on', () => {
    expect(phase(snapshot({ stack: { ...snapshot().stack, status: 'UPDATE_ROLLBACK_FAILED' } }))).toBe('FAILED');
    expect(phase(snapshot({ service: undefined } as never))).toBe('FAILED');
  });

  it('follows the tasks during a deploy that keeps the power state', () => {
    const deploying = { ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status: 'UPDATE_IN_PROGRESS' } };
    expect(phase(deploying)).toBe('READY');
  });

  it('calls a stack being deleted POWERING_DOWN', () => {
    expect(phase(snapshot({ stack: { ...snapshot().stack, status: 'DELETE_IN_PROGRESS' } }))).toBe('POWERING_DOWN');
  });
});

describe('meetingPhase: where the meeting is, also on a stack CloudFormation left broken', () => {
  const broken = (from: (typeof PHASES)[number], status = 'UPDATE_ROLLBACK_FAILED') => ({
    ...EXAMPLES[from],
    stack: { ...EXAMPLES[from].stack, status },
  });

  it('is the phase wherever the stack is not broken', () => {
    for (const from of PHASES) expect(meetingPhase(EXAMPLES[from]), from).toBe(phase(EXAMPLES[from]));
  });

  it('reads the service and its tasks on a broken stack, where the phase says FAILED', () => {
    for (const from of ['READY', 'STARTING', 'DEGRADED', 'STOPPED', 'STOPPING', 'FAILED'] as const) {
      for (const status of ['UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'ROLLBACK_COMPLETE']) {
        expect(phase(broken(from, status))).toBe('FAILED');
        expect(meetingPhase(broken(from, status)), `${from} ${status}`).toBe(from);
      }
    }
    // Without a service nothing runs: FAILED; a PowerState of off changes nothing while the service runs.
    expect(meetingPhase(broken('POWERED_DOWN', 'ROLLBACK_COMPLETE'))).toBe('FAILED');
    const saysOff = broken('READY');
    expect(meetingPhase({ ...saysOff, stack: { ...saysOff.stack, powerState: 'off' } })).toBe('READY');
  });
});

describe('phase: the edges of each rule', () => {
  const service = { desired: 1, running: 1, pending: 0 };
  const healthy = { web: [{ state: 'healthy' as const }] };
  const registering = { web: [{ state: 'initial' as const }] };
  const crashed = (agoMs: number, reason = 'Essential container in task exited') =>
    task({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: NOW - agoMs,
      ...(reason ? { stoppedReason: reason } : {}),
    });

  it('is FAILED for the CloudFormation states only a person repairs', () => {
    for (const status of ['ROLLBACK_COMPLETE', 'DELETE_COMPLETE', 'CREATE_FAILED', 'UPDATE_ROLLBACK_FAILED']) {
      expect(phase({ ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status } }), status).toBe('FAILED');
    }
    expect(phase({ ...EXAMPLES.READY, stack: { ...EXAMPLES.READY.stack, status: 'UPDATE_ROLLBACK_COMPLETE' } })).toBe('READY');
  });

  it('is READY when one of the web targets is healthy', () => {
    expect(phase({ ...EXAMPLES.READY, targets: { web: [{ state: 'draining' }, { state: 'healthy' }] } })).toBe('READY');
  });

  it('does not count a task ECS is stopping, or one not yet RUNNING, as the running task', () => {
    const leaving = task({ desiredStatus: 'STOPPED' });
    expect(phase(snapshot({ service, tasks: [leaving], targets: healthy }))).toBe('STARTING');
    const activating = task({ lastStatus: 'ACTIVATING' });
    expect(phase(snapshot({ service, tasks: [activating], targets: healthy }))).toBe('STARTING');
  });

  it('is FAILED only for a crash with a reason, less than RECENT_FAILURE_SECONDS ago, and no task alive', () => {
    const none = { desired: 1, running: 0, pending: 0 };
    const limit = RECENT_FAILURE_SECONDS * 1000;
    expect(phase(snapshot({ service: none, tasks: [crashed(limit - 1)] }))).toBe('FAILED');
    expect(phase(snapshot({ service: none, tasks: [crashed(limit)] }))).toBe('STARTING');
    // Stopped without a reason (scaled in): not a failure.
    expect(phase(snapshot({ service: none, tasks: [crashed(1000, '')] }))).toBe('STARTING');
    // ECS is already placing the next task: starting again, not failed.
    const pending = task({ lastStatus: 'PENDING', health: 'UNKNOWN', startedAt: undefined });
    expect(phase(snapshot({ service: none, tasks: [crashed(1000), pending] }))).toBe('STARTING');
  });

  it('needs a HEALTHY task for READY: one of several is enough', () => {
    const unknown = task({ arn: 'arn:t2', health: 'UNKNOWN' }, 60);
    expect(phase(snapshot({ service, tasks: [unknown], targets: healthy }))).toBe('STARTING');
    expect(phase(snapshot({ service, tasks: [unknown, task()], targets: healthy }))).toBe('READY');
  });

  it('is DEGRADED when any endpoint check fails', () => {
    const checks = [
      { name: 'https', status: 'pass' as const, detail: 'ok' },
      { name: 'websocket', status: 'fail' as const, detail: 'closed' },
    ];
    expect(phase({ ...EXAMPLES.READY, endpoints: checks })).toBe('DEGRADED');
  });

  it('measures the registration grace from the oldest running task, to the millisecond', () => {
    const grace = TARGET_GRACE_SECONDS;
    expect(phase(snapshot({ service, tasks: [task({}, grace)], targets: registering }))).toBe('STARTING');
    const young = task({ arn: 'arn:young' }, 60);
    expect(phase(snapshot({ service, tasks: [young, task({}, grace + 60)], targets: registering }))).toBe('DEGRADED');
    // A running task without a start time has just started.
    expect(phase(snapshot({ service, tasks: [task({ startedAt: undefined })], targets: registering }))).toBe('STARTING');
  });

  it('is DEGRADED within the grace when any running task or any of its containers is UNHEALTHY', () => {
    const fine = task({ arn: 'arn:fine', health: 'UNKNOWN' }, 30);
    const sick = task({ health: 'UNHEALTHY' }, 30);
    expect(phase(snapshot({ service, tasks: [fine, sick], targets: registering }))).toBe('DEGRADED');
    const oneContainer = task(
      {
        health: 'UNKNOWN',
        containers: [
          { name: 'web', lastStatus: 'RUNNING', health: 'HEALTHY' },
          { name: 'jvb', lastStatus: 'RUNNING', health: 'UNHEALTHY' },
        ],
      },
      30,
    );
    expect(phase(snapshot({ service, tasks: [oneContainer], targets: registering }))).toBe('DEGRADED');
    expect(phase(snapshot({ service, tasks: [fine], targets: registering }))).toBe('STARTING');
  });
});
