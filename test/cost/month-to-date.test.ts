import { describe, expect, it } from 'vitest';
import type { TransitionEvent } from '../../src/control/ports.js';
import type { CostEstimate } from '../../src/cost/model.js';
import { liveSince, monthStart, monthToDate } from '../../src/cost/month-to-date.js';
import { snapshot, task } from '../support/snapshots.js';

const HOUR = 3_600_000;
const DEC = (d: number, h = 0) => Date.UTC(2026, 11, d, h);
// Round rates so each hour is visible in the total: a fixed 720 USD over 720 hours is 1 USD an hour.
const estimate = {
  hoursPerMonth: 720,
  fixedMonthlyUsd: 720,
  runningHourUsd: 2,
  recordingHourUsd: 2,
  idleHourUsd: { stopped: 0.1, 'powered-down': 0, destroyed: 0 },
} as unknown as CostEstimate;

const event = (at: number, from: string, to: string, extra: Partial<TransitionEvent> = {}): TransitionEvent => ({
  at,
  actor: 'cli:ana@laptop',
  reason: 'test',
  goal: 'running',
  from,
  to,
  outcome: 'done',
  ...extra,
});

describe('the month so far', () => {
  it('begins on the first of the month, UTC', () => {
    expect(monthStart(DEC(10, 12) + 1234)).toBe(DEC(1));
    expect(monthStart(DEC(1))).toBe(DEC(1));
    expect(monthStart(DEC(1) - 1)).toBe(Date.UTC(2026, 10, 1));
  });

  it('adds the minutes each stop recorded this month, the hours powered down between transitions, and the rest as stopped', () => {
    const now = DEC(10, 12); // 228 hours into December
    const events = [
      event(DEC(1) - 1, 'READY', 'STOPPED', { runningMinutes: 600, recorderMinutes: 600 }), // November's
      event(DEC(2), 'POWERED_DOWN', 'STOPPED', { goal: 'powered-up' }),
      event(DEC(3, 18), 'STOPPED', 'READY', { taskStartedAt: DEC(3, 18) }),
      event(DEC(3, 21), 'READY', 'STOPPED', { goal: 'stopped', runningMinutes: 180, recorderMinutes: 60 }),
      event(DEC(4), 'STOPPED', 'POWERED_DOWN', { goal: 'powered-down' }),
      // A failed power-up left the platform broken until it was powered down again.
      event(DEC(5), 'POWERED_DOWN', 'FAILED', { outcome: 'failed' }),
      event(DEC(6), 'FAILED', 'POWERED_DOWN', { goal: 'powered-down' }),
      // Refusals and no-ops change nothing.
      event(DEC(7), 'READY', 'READY', { outcome: 'no-op' }),
      event(DEC(8), 'STOPPED', 'STOPPED', { outcome: 'refused' }),
      event(now + 1, 'POWERED_DOWN', 'STOPPED', { runningMinutes: 600 }), // not yet
    ];
    const month = monthToDate(events, { phase: 'POWERED_DOWN' }, now, estimate);
    // Powered down: 1-2 Dec (24 h), 4-5 Dec (24 h), 6 Dec to now (108 h).
    expect(month).toEqual({
      since: DEC(1),
      runningHours: 3,
      recorderHours: 1,
      poweredDownHours: 156,
      stoppedHours: 228 - 156 - 3,
      costUsd: 228 + 3 * 2 + 69 * 0.1 + 1 * 2,
    });
  });

  it('walks the transitions in time order, whatever the order of the log, counting failed ones too', () => {
    const now = DEC(6);
    const events = [
      event(DEC(3), 'POWERED_DOWN', 'FAILED', { outcome: 'failed' }),
      event(DEC(5), 'FAILED', 'POWERED_DOWN', { goal: 'powered-down' }),
      event(DEC(2), 'STOPPED', 'POWERED_DOWN', { goal: 'powered-down' }),
    ];
    // Stopped until 2 Dec, powered down until the failed power-up on 3 Dec, powered down again from 5 Dec.
    expect(monthToDate(events, { phase: 'POWERED_DOWN' }, now, estimate).poweredDownHours).toBe(48);
  });

  it('takes where the platform was before the month from the first transition that was done', () => {
    const now = DEC(5);
    const events = [
      event(DEC(2), 'READY', 'READY', { outcome: 'refused' }),
      event(DEC(3), 'POWERED_DOWN', 'STOPPED', { goal: 'powered-up' }),
    ];
    expect(monthToDate(events, { phase: 'STOPPED' }, now, estimate).poweredDownHours).toBe(48);
  });

  it('counts an event at the very start of the month and one at this instant', () => {
    const now = DEC(10);
    const events = [
      event(DEC(1), 'READY', 'STOPPED', { runningMinutes: 60 }),
      event(now, 'READY', 'STOPPED', { runningMinutes: 30 }),
    ];
    expect(monthToDate(events, { phase: 'STOPPED' }, now, estimate).runningHours).toBe(1.5);
  });

  it('counts the run in progress from its start, or from the first of the month for one that began before', () => {
    const now = DEC(1, 2);
    const month = monthToDate([], { phase: 'READY', runningSince: DEC(1) - 2 * HOUR, recorderSince: DEC(1, 1) }, now, estimate);
    expect(month).toMatchObject({ runningHours: 2, recorderHours: 1, stoppedHours: 0, poweredDownHours: 0 });
    expect(month.costUsd).toBe(2 + 2 * 2 + 1 * 2);
    const recorderFromLastMonth = monthToDate([], { phase: 'READY', recorderSince: DEC(1) - HOUR }, now, estimate);
    expect(recorderFromLastMonth.recorderHours).toBe(2);
  });

  it('takes where the platform was before the first transition from that transition, or from now when there is none', () => {
    const now = DEC(5);
    expect(monthToDate([], { phase: 'POWERED_DOWN' }, now, estimate).poweredDownHours).toBe(96);
    expect(monthToDate([], { phase: 'ABSENT' }, now, estimate).poweredDownHours).toBe(96);
    expect(monthToDate([], { phase: 'STOPPED' }, now, estimate)).toMatchObject({ poweredDownHours: 0, stoppedHours: 96 });
    const poweredUp = [event(DEC(3), 'POWERED_DOWN', 'STOPPED', { goal: 'powered-up' })];
    expect(monthToDate(poweredUp, { phase: 'STOPPED' }, now, estimate)).toMatchObject({ poweredDownHours: 48, stoppedHours: 48 });
  });

  it('never reports negative stopped hours, and rounds to cents', () => {
    const now = DEC(1, 1);
    const month = monthToDate(
      [event(DEC(1, 1), 'READY', 'STOPPED', { runningMinutes: 120 })],
      { phase: 'STOPPED' },
      now,
      estimate,
    );
    expect(month.stoppedHours).toBe(0);
    const third = monthToDate([], { phase: 'READY', runningSince: DEC(1) }, DEC(1) + 20 * 60_000, estimate);
    expect(third.runningHours).toBe(0.33);
    expect(third.costUsd).toBe(1);
  });

  it('prices no recorder hour when the recorder has no listed price', () => {
    const { recordingHourUsd: _, ...noPrice } = estimate;
    const now = DEC(1, 1);
    const month = monthToDate([], { phase: 'READY', runningSince: DEC(1), recorderSince: DEC(1) }, now, noPrice as CostEstimate);
    expect(month).toMatchObject({ recorderHours: 1, costUsd: 3 });
  });
});

describe('the runs in progress', () => {
  it('are the running meeting task and the running recorder task that have a start time', () => {
    const recorderTask = task({ arn: 'arn:recorder', startedAt: DEC(3, 19) });
    const s = snapshot({
      tasks: [task({ arn: 'arn:old', lastStatus: 'STOPPED', startedAt: DEC(3, 10) }), task({ startedAt: DEC(3, 18) })],
      recorder: { desiredCapacity: 1, instances: 1, tasks: [recorderTask], pending: [] },
    });
    expect(liveSince(s)).toEqual({ runningSince: DEC(3, 18), recorderSince: DEC(3, 19) });
    const starting = snapshot({ tasks: [task({ lastStatus: 'PENDING', startedAt: undefined })] });
    expect(liveSince(starting)).toEqual({});
    const notYet = snapshot({ tasks: [task({ startedAt: undefined })] });
    expect(liveSince(notYet)).toEqual({});
    // Only a running task with a start time dates the run; a stopped one or one without a time does not.
    const recorder = {
      desiredCapacity: 1,
      instances: 1,
      tasks: [
        task({ arn: 'arn:r0', lastStatus: 'STOPPED', startedAt: DEC(3, 10) }),
        task({ arn: 'arn:r1', startedAt: undefined }),
        task({ arn: 'arn:r2', startedAt: DEC(3, 19) }),
      ],
      pending: [],
    };
    const mixed = snapshot({ tasks: [task({ arn: 'arn:t1', startedAt: undefined }), task({ startedAt: DEC(3, 18) })], recorder });
    expect(liveSince(mixed)).toEqual({ runningSince: DEC(3, 18), recorderSince: DEC(3, 19) });
  });
});
