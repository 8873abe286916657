import type { CloudWatchAlarmEvent, ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  checkEndpointsInCall,
  idleStop,
  runtimeGuard,
  scheduledRotation,
  scheduledStart,
} from '../../src/automation/handlers.js';
import { PortError } from '../../src/control/errors.js';
import { observe } from '../../src/control/observe.js';
import { phase, TARGET_GRACE_SECONDS } from '../../src/control/phase.js';
import { transition } from '../../src/control/transition.js';
import { TIMING } from '../../src/sim/model.js';
import type { Faults } from '../../src/sim/simulated-aws.js';
import { automationWorld } from '../support/automation.js';

const MINUTE = 60_000;

const world = automationWorld;

// Real event shapes, as CloudWatch and EventBridge deliver them.
function alarmEvent(value: 'ALARM' | 'OK' = 'ALARM'): CloudWatchAlarmEvent {
  return {
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:Meet-meet-ne3d-org-idle',
    accountId: '111122223333',
    time: '2026-12-03T20:31:00.000+0000',
    region: 'us-west-2',
    alarmData: {
      alarmName: 'Meet-meet-ne3d-org-idle',
      state: {
        value,
        reason:
          'Threshold Crossed: 15 out of the last 15 datapoints [0.0 (03/12/26 20:30:00)] were less than the threshold (1.0).',
        timestamp: '2026-12-03T20:31:00.000+0000',
      },
      previousState: {
        value: value === 'ALARM' ? 'OK' : 'ALARM',
        reason: 'Threshold Crossed',
        timestamp: '2026-12-03T19:00:00.000+0000',
      },
      configuration: {
        description: 'Nobody in a call',
        metrics: [
          {
            id: 'participants',
            metricStat: {
              metric: { namespace: 'Meet/Meet-meet-ne3d-org', name: 'Participants', dimensions: {} },
              period: 60,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
    },
  } as CloudWatchAlarmEvent;
}

const guardEvent: ScheduledEvent = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-12-03T22:00:00Z',
  region: 'us-west-2',
  resources: ['arn:aws:events:us-west-2:111122223333:rule/Meet-RuntimeGuard'],
  detail: {},
};

const scheduleInput = { schedule: 'rgc3-december', leadMinutes: 15, windowMinutes: 120 };

describe('idle stop (alarm)', () => {
  it('stops an idle platform, logs why and alerts', async () => {
    const { sim, deps, alerts } = world({ desired: 1, participants: 0 });
    const result = await idleStop(deps)(alarmEvent());
    expect(result).toEqual({ action: 'stopped', why: 'nobody in a call for 15 minutes' });
    expect(sim.liveTasks()).toBe(0);
    expect(sim.state.log.at(-1)).toMatchObject({
      actor: 'idle-stop',
      goal: 'stopped',
      reason: 'nobody in a call for 15 minutes',
      outcome: 'done',
    });
    expect(alerts).toEqual([expect.objectContaining({ subject: 'Meeting server stopped: idle' })]);
  });

  it('does not stop during the grace period after a start, and leaves the alarm alone', async () => {
    const { sim, deps, clock } = world({ participants: 0 });
    await scheduledStart(deps)(scheduleInput);
    await clock.sleep(5 * MINUTE);
    await sim.state.setWindow({ schedule: 'none', from: 0, until: 0 }); // no window: only the grace protects
    const result = await idleStop(deps)(alarmEvent());
    expect(result.action).toBe('none');
    expect(result.why).toContain('grace');
    expect(sim.liveTasks()).toBe(1);
  });

  it('does not stop while people are in the call', async () => {
    const { sim, deps } = world({ desired: 1, participants: 2 });
    expect(await idleStop(deps)(alarmEvent())).toEqual({ action: 'none', why: '2 people are in a call' });
    expect(sim.liveTasks()).toBe(1);
  });

  it('does not stop inside a scheduled window, and re-arms the alarm', async () => {
    const { sim, deps, clock } = world({ desired: 1, participants: 0 });
    await sim.state.setWindow({ schedule: 'rgc3-december', from: clock.now() - MINUTE, until: clock.now() + 60 * MINUTE });
    const result = await idleStop(deps)(alarmEvent());
    expect(result.why).toContain('inside the scheduled window "rgc3-december"');
    expect(sim.liveTasks()).toBe(1);
  });

  it('ignores the alarm going back to OK', async () => {
    const { deps, sim } = world({ desired: 1, participants: 0 });
    expect((await idleStop(deps)(alarmEvent('OK'))).action).toBe('none');
    expect(sim.liveTasks()).toBe(1);
  });

  it('takes over from a holder that died, then stops; never both at once', async () => {
    const { sim, deps } = world({ desired: 1, participants: 0 });
    sim.state.hold('cli:ana@laptop', 'running', { token: 'other', alive: false });
    const result = await idleStop(deps)(alarmEvent());
    expect(result.action).toBe('stopped');
    const grants = [...sim.state.grants].sort((a, b) => a.from - b.from);
    expect(grants[1]?.from).toBeGreaterThanOrEqual(grants[0]?.until ?? Infinity);
  });

  it('refuses after waiting when a live holder keeps the lock', async () => {
    const { sim, deps } = world({ desired: 1, participants: 0 });
    sim.state.hold('cli:ana@laptop', 'running', { token: 'other' });
    const result = await idleStop(deps)(alarmEvent());
    expect(result.action).toBe('refused');
    expect(sim.desiredCalls).toHaveLength(0);
  });
});

describe('scheduled start (EventBridge Scheduler)', () => {
  it('records the window and starts the task, leaving readiness to the guard', async () => {
    const { sim, deps, clock } = world();
    const begin = clock.now();
    const result = await scheduledStart(deps)(scheduleInput);
    expect(result).toEqual({ action: 'started', why: 'schedule "rgc3-december": desired count 1 (was STOPPED)' });
    expect(sim.desiredCalls).toEqual([{ at: expect.any(Number), count: 1 }]);
    expect(sim.state.meetingWindow).toEqual({ schedule: 'rgc3-december', from: begin, until: begin + 135 * MINUTE });
    expect(clock.now() - begin).toBeLessThan(MINUTE); // far inside Lambda's 15 minutes
    expect(sim.state.log.at(-1)).toMatchObject({ actor: 'schedule:rgc3-december', outcome: 'done' });
  });

  it('is a no-op when an organizer already started the platform', async () => {
    const { sim, deps } = world({ desired: 1 });
    const result = await scheduledStart(deps)(scheduleInput);
    expect(result.action).toBe('none');
    expect(result.why).toContain('no second start');
    expect(sim.desiredCalls).toHaveLength(0);
    expect(sim.liveTasks()).toBe(1);
  });

  it("is a no-op while an organizer's start holds the lock", async () => {
    const { sim, deps } = world();
    sim.state.hold('cli:ana@laptop', 'running: meetup', { token: 'other' });
    const result = await scheduledStart(deps)(scheduleInput);
    expect(result.action).toBe('none');
    expect(sim.desiredCalls).toHaveLength(0);
  });

  it('refuses to power up and alerts when the platform is powered down', async () => {
    const { sim, deps, alerts } = world({ power: 'off' });
    const result = await scheduledStart(deps)(scheduleInput);
    expect(result.action).toBe('refused');
    expect(sim.power).toBe('off');
    expect(alerts[0]?.message).toContain('meetctl power-up');
  });
});

describe('runtime guard (scheduled rule)', () => {
  it('stops a task running past the maximum outside a window, and alerts', async () => {
    const { sim, deps, clock, alerts } = world({ desired: 1, participants: 1 });
    await clock.sleep(4 * 3_600_000);
    const result = await runtimeGuard(deps)(guardEvent);
    expect(result.action).toBe('stopped');
    expect(result.why).toMatch(/ran 5\.0 h, past the 4 h maximum/);
    expect(alerts[0]?.message).toContain('1 people were still connected');
    expect(sim.liveTasks()).toBe(0);
  });

  it('leaves a long meeting alone inside its scheduled window', async () => {
    const { sim, deps, clock } = world({ desired: 1 });
    await clock.sleep(4 * 3_600_000);
    await sim.state.setWindow({ schedule: 'hackathon', from: clock.now() - 3_600_000, until: clock.now() + 3_600_000 });
    expect((await runtimeGuard(deps)(guardEvent)).action).toBe('none');
    expect(sim.liveTasks()).toBe(1);
  });

  it('stops a scheduled start that failed and alerts with the reason', async () => {
    const { sim, deps, clock, alerts } = world({ faults: { imagePullError: true } });
    await scheduledStart(deps)(scheduleInput);
    await clock.sleep(45_000);
    const result = await runtimeGuard(deps)(guardEvent);
    expect(result).toMatchObject({ action: 'stopped', why: 'the start failed' });
    expect(alerts[0]?.message).toContain('CannotPullContainerError');
    expect(sim.desired).toBe(0);
    expect(sim.liveTasks()).toBe(0);
  });

  it('stops a start that never became ready', async () => {
    const { sim, deps, clock, alerts } = world({ faults: { stuckPending: true } });
    await scheduledStart(deps)(scheduleInput);
    await clock.sleep(21 * MINUTE);
    const result = await runtimeGuard(deps)(guardEvent);
    expect(result.why).toBe('not ready 20 minutes after the start');
    expect(alerts).toHaveLength(1);
    expect(sim.liveTasks()).toBe(0);
  });

  it('does nothing when nothing runs', async () => {
    const { deps, alerts } = world();
    expect(await runtimeGuard(deps)(guardEvent)).toEqual({ action: 'none', why: 'no task is running' });
    expect(alerts).toHaveLength(0);
  });
});

// The rules of each handler, one by one (mutation testing: each test fails when its rule breaks).
// Ports are plain objects: a test swaps one function to make AWS answer what the case needs.
type World = ReturnType<typeof world>;
type Ports = World['deps']['ports'];
const withPorts = (w: World, change: (ports: Ports) => Partial<Ports>) => ({
  ...w.deps,
  ports: { ...w.deps.ports, ...change(w.deps.ports) },
});
/** The stack is gone (destroyed, or never deployed). */
const noStack = (w: World) => withPorts(w, (p) => ({ stack: { ...p.stack, describe: async () => undefined } }));
/** The function's role may not write the lock table: an AWS error that is no refusal. */
const lockDenied = new PortError('other', 'AccessDeniedException', 'not authorized to perform dynamodb:PutItem');
const lockTableDenied = (w: World) =>
  withPorts(w, (p) => ({
    state: {
      ...p.state,
      acquire: async () => {
        throw lockDenied;
      },
    },
  }));
const entries = (logs: Array<Record<string, unknown>>, message: string) => logs.filter((l) => l.message === message);

describe('scheduled start: every way it can leave the meetup without a server is reported', () => {
  it('alerts when the stack does not exist', async () => {
    const w = world();
    const result = await scheduledStart(noStack(w))(scheduleInput);
    expect(result).toEqual({ action: 'failed', why: 'the stack does not exist' });
    expect(w.alerts).toEqual([
      {
        subject: 'Scheduled start "rgc3-december" did not start the server',
        message: expect.stringMatching(/^the stack does not exist\.\nThe meetup in 15 minutes may find no server/),
      },
    ]);
  });

  it('refuses (and alerts) to restart a DEGRADED task with people in the call: a refusal that names no lock holder', async () => {
    const w = world({ desired: 1, participants: 2, faults: { targetNeverHealthy: true } });
    const result = await scheduledStart(w.deps)(scheduleInput);
    expect(result).toEqual({
      action: 'refused',
      why: '2 people are in a call right now. The scheduled start did not run',
    });
    expect(w.alerts).toHaveLength(1);
    expect(w.sim.desiredCalls).toEqual([]);
  });

  it('alerts an AWS error as a failure, not as a refusal', async () => {
    const w = world();
    const result = await scheduledStart(lockTableDenied(w))(scheduleInput);
    expect(result).toEqual({ action: 'failed', why: 'not authorized to perform dynamodb:PutItem' });
    expect(w.alerts[0]?.message).toMatch(/^not authorized to perform dynamodb:PutItem\./);
    expect(w.sim.desiredCalls).toEqual([]);
  });

  it("waits out a short deploy within the Lambda's remaining time, then starts", async () => {
    const w = world();
    w.sim.faults.stackBusyUntil = w.clock.now() + 2 * MINUTE;
    w.sim.stackStatus = 'UPDATE_IN_PROGRESS';
    const result = await scheduledStart({ ...w.deps, remainingMs: () => 15 * MINUTE })(scheduleInput);
    expect(result).toEqual({ action: 'started', why: 'schedule "rgc3-december": desired count 1 (was STOPPED)' });
    expect(w.sim.desired).toBe(1);
  });
});

describe('scheduled start: a lock lost before any step', () => {
  it('alerts, and never calls it "no second start"', async () => {
    const w = world();
    let locked = false;
    const deps = withPorts(w, (p) => ({
      state: {
        ...p.state,
        acquire: async (request) => {
          const taken = await p.state.acquire(request);
          locked ||= taken.acquired;
          return taken;
        },
        // Another actor took the lock over while the calls below were throttled.
        heartbeat: async () => false,
      },
      service: {
        ...p.service,
        describe: async (cluster, service) => {
          if (locked) throw new PortError('transient', 'ThrottlingException', 'Rate exceeded');
          return p.service.describe(cluster, service);
        },
      },
    }));
    const result = await scheduledStart(deps)(scheduleInput);
    expect(result).toEqual({ action: 'failed', why: expect.stringContaining('the lock was taken over by another actor') });
    expect(w.alerts.map((a) => a.subject)).toEqual(['Scheduled start "rgc3-december" did not start the server']);
    expect(w.sim.desiredCalls).toEqual([]);
    expect(w.sim.state.log.at(-1)).toMatchObject({ actor: 'schedule:rgc3-december', outcome: 'aborted' });
  });
});

describe('idle stop: the stop under the lock', () => {
  it('waits for a live holder that then lets go, and stops', async () => {
    const w = world({ desired: 1, participants: 0 });
    w.sim.state.hold('cli:ana@laptop', 'status: look', { token: 'other' });
    const releaseAt = w.clock.now() + 30_000;
    const clock = {
      now: () => w.clock.now(),
      sleep: async (ms: number) => {
        await w.clock.sleep(ms);
        if (w.clock.now() >= releaseAt) await w.sim.state.release('other');
      },
    };
    const result = await idleStop({ ...w.deps, clock })(alarmEvent());
    expect(result).toEqual({ action: 'stopped', why: 'nobody in a call for 15 minutes' });
    expect(w.sim.liveTasks()).toBe(0);
  });

  it('never ends a recording: nobody in the call but a recording running is refused', async () => {
    const w = automationWorld({ ingress: 'direct', recorder: true });
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, w.rt);
    w.sim.startRecording();
    w.sim.participants = 0;
    await w.clock.sleep(60 * MINUTE);
    const result = await idleStop(w.deps)(alarmEvent());
    expect(result).toEqual({
      action: 'refused',
      why: 'a recording is running: stopping the meeting ends it. The next round decides again.',
    });
    expect(w.sim.liveTasks()).toBe(1);
    expect(w.alerts).toEqual([]);
  });

  it('says in its own words that the recorder is kept, with the reason of the stop and of the keeping', async () => {
    const w = automationWorld({ ingress: 'direct', recorder: true, faults: { uploadFails: 'rclone: AccessDenied' } });
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, w.rt);
    w.sim.startRecording();
    await w.clock.sleep(10 * MINUTE);
    w.sim.stopRecording();
    await w.clock.sleep(5 * MINUTE);
    w.sim.participants = 0;
    await w.clock.sleep(20 * MINUTE);
    const result = await idleStop(w.deps)(alarmEvent());
    expect(result.action).toBe('stopped');
    expect(result.why).toMatch(/^nobody in a call for 15 minutes; /);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.subject).toBe('Meeting server stopped: idle; the recorder is kept');
    expect(w.alerts[0]?.message).toMatch(/^Stopped Meet-meet-ne3d-org: nobody was in a call for 15 minutes .*\n./);
    expect(w.sim.recorderCapacity).toBe(1);
  });

  it('alerts when the stop itself fails, with the reason it stopped and the error', async () => {
    const w = world({ desired: 1, participants: 0 });
    const denied = new PortError('other', 'AccessDeniedException', 'not authorized to perform ecs:UpdateService');
    const deps = withPorts(w, (p) => ({
      service: {
        ...p.service,
        setDesired: async () => {
          throw denied;
        },
      },
    }));
    const result = await idleStop(deps)(alarmEvent());
    expect(result.action).toBe('failed');
    expect(result.why).toContain('not authorized to perform ecs:UpdateService');
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.subject).toBe('idle-stop: stop failed');
    expect(w.alerts[0]?.message).toMatch(
      /^Stopped Meet-meet-ne3d-org: nobody was in a call .*\nBut the stop failed: .*ecs:UpdateService/,
    );
    expect(w.sim.liveTasks()).toBe(1);
  });

  it('lets an AWS error through (a failed invocation), never calling it a refusal', async () => {
    const w = world({ desired: 1, participants: 0 });
    await expect(idleStop(lockTableDenied(w))(alarmEvent())).rejects.toBe(lockDenied);
    expect(w.sim.liveTasks()).toBe(1);
  });
});

describe('runtime guard: one round', () => {
  it('does nothing, and logs no failure, when the stack does not exist', async () => {
    const w = automationWorld({ ingress: 'direct', recorder: true });
    expect(await runtimeGuard(noStack(w))(guardEvent)).toEqual({ action: 'none', why: 'the stack does not exist' });
    expect(w.logs).toEqual([{ message: 'decision', action: 'none', why: 'the stack does not exist' }]);
    expect(w.alerts).toEqual([]);
  });

  it('ends the round when its stop was refused: no endpoint check after it', async () => {
    const w = world({ desired: 1, participants: 1 });
    await w.clock.sleep(4 * 3_600_000);
    w.sim.state.hold('cli:ana@laptop', 'status: look', { token: 'other' });
    const result = await runtimeGuard(w.deps)(guardEvent);
    expect(result.action).toBe('refused');
    expect(entries(w.logs, 'endpoint-check')).toEqual([]);
    // Without the lock holder the same round checks the endpoints of the call.
    const free = world({ desired: 1, participants: 1 });
    await free.clock.sleep(2 * MINUTE);
    expect((await runtimeGuard(free.deps)(guardEvent)).action).toBe('none');
    expect(entries(free.logs, 'endpoint-check')).toHaveLength(1);
  });

  it('logs no host record in load-balancer mode', async () => {
    const w = world({ desired: 1 });
    await runtimeGuard(w.deps)(guardEvent);
    expect(entries(w.logs, 'host-record')).toEqual([]);
  });

  it('puts the host record right and e-mails what it held: a released address, the asleep page, or nothing', async () => {
    const missed = automationWorld({ ingress: 'direct', faults: { dnsMissesStop: true } });
    await transition({ goal: 'running', actor: 'cli:ana', reason: 'test' }, missed.rt);
    const held = missed.sim.hostRecordTarget;
    if (held?.kind !== 'task') throw new Error('the start did not point the host at the task');
    await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'test', force: true }, missed.rt);
    await runtimeGuard(missed.deps)(guardEvent);
    expect(missed.alerts).toEqual([
      {
        subject: 'The meeting address was put right by the runtime guard',
        message: expect.stringMatching(new RegExp(`^The meeting host's DNS record held the address ${held.ip}, which`)),
      },
    ]);
    await missed.clock.sleep(5 * MINUTE);
    await runtimeGuard(missed.deps)(guardEvent);
    expect(missed.alerts).toHaveLength(1);

    const never = automationWorld({ ingress: 'direct', faults: { dnsNeverSwitches: true } });
    await scheduledStart(never.deps)(scheduleInput);
    await never.clock.sleep(3 * MINUTE);
    await runtimeGuard(never.deps)(guardEvent);
    expect(never.alerts.map((a) => a.message)).toEqual([
      expect.stringMatching(/^The meeting host's DNS record held asleep, which/),
    ]);

    const missing = automationWorld({ ingress: 'direct' });
    missing.sim.hostRecordTarget = undefined;
    await runtimeGuard(missing.deps)(guardEvent);
    expect(missing.sim.hostRecordTarget).toEqual({ kind: 'asleep' });
    expect(missing.alerts.map((a) => a.message)).toEqual([
      expect.stringMatching(/^The meeting host's DNS record held nothing, which/),
    ]);
  });

  it('logs a host record it could not read, and goes on with the round', async () => {
    const w = automationWorld({ ingress: 'direct', desired: 1, participants: 0 });
    await w.clock.sleep(2 * MINUTE);
    const deps = withPorts(w, (p) => ({
      hostRecord: {
        ...p.hostRecord,
        current: async () => {
          throw new Error('Route 53 is unreachable');
        },
      },
    }));
    const result = await runtimeGuard(deps)(guardEvent);
    expect(entries(w.logs, 'host-record')).toEqual([
      { message: 'host-record', action: 'failed', why: 'Route 53 is unreachable' },
    ]);
    expect(result).toEqual({ action: 'stopped', why: 'nobody in a call for 15 minutes' });
  });

  it('logs how many recordings wait on the recorder when it alerts about them', async () => {
    const w = automationWorld({ ingress: 'direct', recorder: true, faults: { uploadFails: 'rclone: AccessDenied' } });
    await transition({ goal: 'running', record: true, actor: 'cli:ana', reason: 'meetup' }, w.rt);
    w.sim.startRecording();
    await w.clock.sleep(30 * MINUTE);
    w.sim.participants = 0;
    await transition({ goal: 'stopped', actor: 'cli:ana', reason: 'done', force: true }, w.rt);
    await runtimeGuard(w.deps)(guardEvent);
    expect(entries(w.logs, 'recording-pending')).toEqual([{ message: 'recording-pending', pending: 1 }]);
  });
});

describe('runtime guard: the recorder a scheduled meetup asked for', () => {
  const recording = async (faults: Faults = {}) => {
    const w = automationWorld({ ingress: 'direct', recorder: true, faults });
    await scheduledStart(w.deps)({ ...scheduleInput, record: true });
    await w.clock.sleep(5 * MINUTE);
    return w;
  };

  it('decides again under the lock: a schedule that no longer records gets no recorder', async () => {
    const w = await recording();
    const window = await w.sim.state.window();
    const deps = withPorts(w, (p) => ({
      state: {
        ...p.state,
        acquire: async (request) => {
          const taken = await p.state.acquire(request);
          // While the guard took the lock, the organizer turned the recording off.
          if (taken.acquired && window)
            await w.sim.state.setWindow({ schedule: window.schedule, from: window.from, until: window.until });
          return taken;
        },
      },
    }));
    const result = await runtimeGuard(deps)(guardEvent);
    expect(result).toEqual({ action: 'none', why: 're-checked under the lock: no scheduled recording' });
    expect(w.sim.recorderCapacity).toBe(0);
  });

  it('alerts when the recorder does not start', async () => {
    const w = await recording({ recorderNeverRegisters: true });
    const result = await runtimeGuard(w.deps)(guardEvent);
    expect(result.action).toBe('failed');
    expect(w.alerts).toEqual([
      {
        subject: 'runtime-guard: the recorder did not start',
        message: expect.stringMatching(/^schedule "rgc3-december" asked for the recorder, but: ./),
      },
    ]);
    expect(result.why).toBe(w.alerts[0]?.message.split(', but: ')[1]);
  });

  it('leaves it to the next round while someone else holds the lock', async () => {
    const w = await recording();
    w.sim.state.hold('cli:ana@laptop', 'status: look', { token: 'other' });
    const result = await runtimeGuard(w.deps)(guardEvent);
    expect(result).toEqual({ action: 'refused', why: expect.stringMatching(/ The next round decides again\.$/) });
    expect(w.sim.recorderCapacity).toBe(0);
  });

  it('lets an AWS error through, never calling it a refusal', async () => {
    const w = await recording();
    await expect(runtimeGuard(lockTableDenied(w))(guardEvent)).rejects.toBe(lockDenied);
  });
});

describe('the endpoint check during a call', () => {
  const inCall = async (options: Parameters<typeof world>[0]) => {
    const w = world({ desired: 1, ...options });
    w.sim.participants = 3;
    await w.clock.sleep(2 * MINUTE);
    return w;
  };

  it('logs exactly the failing checks, and 0 when none fails', async () => {
    const bad = await inCall({ faults: { wrongCertificate: true } });
    await checkEndpointsInCall(bad.deps);
    expect(bad.logs).toEqual([
      {
        message: 'endpoint-check',
        participants: 3,
        failing: 1,
        failingInCall: 1,
        checks: ['certificate: certificate is for other.example.org, not meet.ne3d.org'],
      },
    ]);
    const good = await inCall({});
    await checkEndpointsInCall(good.deps);
    expect(good.logs).toEqual([{ message: 'endpoint-check', participants: 3, failing: 0, failingInCall: 0 }]);
  });

  it('checks a DEGRADED meeting too', async () => {
    const w = await inCall({ faults: { targetNeverHealthy: true } });
    await checkEndpointsInCall(w.deps);
    expect(w.logs).toEqual([
      { message: 'endpoint-check', participants: 3, failing: 1, failingInCall: 1, checks: ['https: connection refused'] },
    ]);
  });

  it('checks a meeting that runs on a stack CloudFormation left broken (its phase says FAILED)', async () => {
    const w = await inCall({ faults: { wrongCertificate: true } });
    w.sim.stackStatus = 'UPDATE_ROLLBACK_FAILED';
    await checkEndpointsInCall(w.deps);
    expect(w.logs).toEqual([
      expect.objectContaining({ message: 'endpoint-check', participants: 3, failing: 1, failingInCall: 1 }),
    ]);
  });

  it('checks nothing while the meeting is still starting, even with people counted', async () => {
    // The load balancer never sees the target healthy: STARTING until its grace period has passed.
    const w = world({ faults: { wrongCertificate: true, targetNeverHealthy: true } });
    w.sim.participants = 3;
    await w.sim.ports.service.setDesired('meet-cluster', 'meet-service', 1);
    // A stats line a minute after RUNNING, within the grace period.
    const firstLine = TIMING.running + 60;
    expect(firstLine).toBeLessThan(TARGET_GRACE_SECONDS);
    await w.clock.sleep((firstLine + 1) * 1000);
    const starting = await observe(w.sim.ports, { host: w.deps.host, now: w.clock.now(), participants: true });
    expect(starting && phase(starting)).toBe('STARTING');
    expect(starting?.participants).toBe(3);
    await checkEndpointsInCall(w.deps);
    expect(w.logs).toEqual([]);
  });

  it('logs no failure when the stack is deleted between its two reads', async () => {
    const w = await inCall({ faults: { wrongCertificate: true } });
    let reads = 0;
    const deps = withPorts(w, (p) => ({
      stack: { ...p.stack, describe: async () => (reads++ === 0 ? p.stack.describe() : undefined) },
    }));
    await checkEndpointsInCall(deps);
    expect(w.logs).toEqual([{ message: 'endpoint-check', participants: 3, failing: 0, failingInCall: 0 }]);
  });
});

describe('the monthly rotation, when it cannot run', () => {
  it('alerts a failed rotation with its error', async () => {
    const w = world({ faults: { rotationFailsAt: 'stage' } });
    const result = await scheduledRotation(w.deps)(guardEvent);
    expect(result).toEqual({
      action: 'failed',
      why: 'staging failed (Secrets Manager failed to store the value); no secret changed',
    });
    expect(w.alerts).toEqual([
      {
        subject: 'Secret rotation failed',
        message: expect.stringMatching(/^staging failed \(Secrets Manager failed to store the value\); no secret changed\nRun/),
      },
    ]);
  });

  it('lets an error that is no refusal through (no stack to rotate)', async () => {
    const w = world();
    await expect(scheduledRotation(noStack(w))(guardEvent)).rejects.toThrow('the stack is not deployed.');
    expect(w.alerts).toEqual([]);
  });
});
