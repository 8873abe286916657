import type { CloudWatchAlarmEvent, ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { idleStop, runtimeGuard, scheduledStart } from '../../src/automation/handlers.js';
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
