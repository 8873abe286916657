import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TransitionEvent } from '../../src/control/ports.js';
import { localMonth, localTime, type Meetup, meetupsFrom, monthTotals } from '../../src/report/meetups.js';
import { TIMING } from '../../src/sim/model.js';
import { SimAws, VirtualClock } from '../../src/sim/simulated-aws.js';
import { cli, communityConfig } from '../support/cli.js';
import { ROOT } from '../support/fixtures.js';

// A recorded event log: weekly meetups at 18:00 in Berlin across both daylight-saving changes of
// 2026 (29 March and 25 October), a refusal, a failed start, a rotation, and a meetup after midnight
// that is October in UTC but November on the wall clock.
const events = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'event-log-dst.json'), 'utf8')) as TransitionEvent[];
const now = Date.UTC(2026, 11, 3, 17, 45);
const rates = { runningHourUsd: 0.5, recordingHourUsd: 0.16 };

describe('meetups from the event log', () => {
  // Computed before the tests rather than while collecting them: an error in it fails the tests.
  let meetups: Meetup[] = [];
  beforeAll(() => {
    meetups = meetupsFrom(events, [], rates, { since: Date.UTC(2026, 0, 1), now });
  });

  it('pairs each start with its stop: who, hours from the stop, the recorder, the cost', () => {
    expect(meetups).toHaveLength(5);
    expect(meetups[1]).toMatchObject({
      startedBy: 'page:ana@ne3d.org',
      stoppedBy: 'cli:bo@laptop',
      hours: 2.5,
      recorderHours: 1,
      costUsd: 2.5 * 0.5 + 1 * 0.16,
    });
    // The refusal, the failed start and the rotation are no meetups.
    expect(meetups.map((m) => m.startedBy)).not.toContain('rotation-schedule');
  });

  it('shows the wall-clock time in the time zone, across the daylight-saving changes', () => {
    expect(meetups.map((m) => localTime(m.start, 'Europe/Berlin'))).toEqual([
      'Thu 2026-03-26 18:00',
      'Thu 2026-04-02 18:00',
      'Thu 2026-10-22 18:00',
      'Thu 2026-10-29 18:00',
      'Sun 2026-11-01 00:30',
    ]);
    // New York changed on 8 March and 1 November: the same meetups at other hours there.
    expect(localTime(meetups[0]?.start ?? 0, 'America/New_York')).toBe('Thu 2026-03-26 13:00');
    expect(localTime(meetups[4]?.start ?? 0, 'America/New_York')).toBe('Sat 2026-10-31 19:30');
  });

  it("totals by the time zone's months: the meetup after midnight is November in Berlin, October in UTC", () => {
    expect(monthTotals(meetups, 'Europe/Berlin')).toEqual([
      { month: '2026-03', meetups: 1, hours: 3, costUsd: 1.5 },
      { month: '2026-04', meetups: 1, hours: 2.5, costUsd: 1.41 },
      { month: '2026-10', meetups: 2, hours: 4.25, costUsd: 2.13 },
      { month: '2026-11', meetups: 1, hours: 1.5, costUsd: 0.75 },
    ]);
    expect(localMonth(meetups[4]?.start ?? 0, 'UTC')).toBe('2026-10');
  });

  it('takes the peak from the stats lines of the run, and says nothing when they are gone', () => {
    const start = meetups[0]?.start ?? 0;
    const samples = [
      { at: start - 60_000, participants: 40 },
      { at: start + 60_000, participants: 12 },
      { at: start + 3_600_000, participants: 23 },
      { at: start + 4 * 3_600_000, participants: 50 },
    ];
    const withPeak = meetupsFrom(events, samples, rates, { since: Date.UTC(2026, 0, 1), now });
    expect(withPeak[0]?.peakParticipants).toBe(23);
    expect(withPeak[1]?.peakParticipants).toBeUndefined();
  });

  it('keeps only meetups since the window start, and shows one still running', () => {
    expect(meetupsFrom(events, [], rates, { since: Date.UTC(2026, 9, 1), now })).toHaveLength(3);
    const running: TransitionEvent[] = [
      ...events,
      {
        at: now - 3_700_000,
        actor: 'cli:ana',
        reason: 'r',
        goal: 'running',
        from: 'STOPPED',
        to: 'READY',
        outcome: 'done',
        taskStartedAt: now - 3_600_000,
      },
    ];
    expect(meetupsFrom(running, [], rates, { since: now - 86_400_000, now })).toEqual([
      { start: now - 3_600_000, startedBy: 'cli:ana', hours: 1, recorderHours: 0, costUsd: 0.5 },
    ]);
  });
});

describe('meetctl report', () => {
  const sim = () => {
    const s = new SimAws(new VirtualClock(now), { ingress: 'direct' });
    s.state.log.push(...events);
    return s;
  };
  const files = { 'meet.config.json': communityConfig() };

  it('prints the meetups, the months and a chart, in the time zone asked for', async () => {
    const result = await cli(['report', '--since', '300d', '--tz', 'Europe/Berlin'], { files, sim: sim() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Thu 2026-03-26 18:00 +21:00 +schedule:weekly +idle-stop +- +3\.00/);
    expect(result.stdout).toMatch(/Thu 2026-04-02 18:00 +20:30 +page:ana@ne3d\.org +cli:bo@laptop +- +2\.50 \(rec 1\.00\)/);
    expect(result.stdout).toMatch(/2026-11 +1 +1\.50/);
    expect(result.stdout).toContain('Hours per meetup (oldest first)');
    expect(result.stdout).toContain('In all: 5 meetups, 11.25 hours');
  });

  it('--json: the same meetups, with UTC and local times', async () => {
    const json = JSON.parse(
      (await cli(['report', '--since', '300d', '--tz', 'Europe/Berlin', '--json'], { files, sim: sim() })).stdout,
    );
    expect(json.timeZone).toBe('Europe/Berlin');
    expect(json.meetups[0]).toMatchObject({
      start: '2026-03-26T17:00:00.000Z',
      startLocal: 'Thu 2026-03-26 18:00',
      hours: 3,
      peakParticipants: null,
    });
    expect(json.months.map((m: { month: string }) => m.month)).toEqual(['2026-03', '2026-04', '2026-10', '2026-11']);
    expect(json.totals).toMatchObject({ meetups: 5, hours: 11.25 });
  });

  it('refuses a time zone that does not exist, naming the option', async () => {
    const result = await cli(['report', '--tz', 'Mars/Olympus'], { files, sim: sim() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--tz');
  });
});

describe('three start/stop cycles', () => {
  // The next start used to count the previous task's minutes again (it stopped at the very moment the
  // start began): five rows, two "before the log", hours doubled. Each task is counted once.
  it('give three meetups with the hours each task ran, and the month-to-date sums them once', async () => {
    const sim = new SimAws(new VirtualClock(Date.UTC(2026, 11, 3, 17, 0)), { ingress: 'direct' });
    const files = { 'meet.config.json': communityConfig() };
    const runs: number[] = [];
    for (const minutes of [30, 45, 60]) {
      expect((await cli(['start'], { files, sim })).code).toBe(0);
      const startedAt = sim.tasks.at(-1)?.createdAt ?? 0;
      await sim.clock.sleep(minutes * 60_000);
      expect((await cli(['stop', '--force'], { files, sim })).code).toBe(0);
      const task = sim.tasks.at(-1);
      // The task ran from RUNNING (TIMING.running after it was created) until it stopped.
      runs.push(((task?.stoppedAt ?? 0) - (startedAt + TIMING.running * 1000)) / 3_600_000);
    }
    const report = JSON.parse((await cli(['report', '--tz', 'UTC', '--json'], { files, sim })).stdout);
    expect(report.meetups.map((m: { startedBy: string }) => m.startedBy)).toEqual([
      'cli:ana@laptop',
      'cli:ana@laptop',
      'cli:ana@laptop',
    ]);
    expect(report.meetups.map((m: { hours: number }) => m.hours)).toEqual(runs.map((h) => Math.round(h * 100) / 100));
    const history = JSON.parse((await cli(['history', '--json'], { files, sim })).stdout);
    const starts = history.events.filter((e: { goal: string }) => e.goal === 'running');
    expect(starts.map((e: { runningMinutes?: number }) => e.runningMinutes)).toEqual([undefined, undefined, undefined]);
    const cost = JSON.parse((await cli(['cost', '--json'], { files, sim })).stdout);
    const total = runs.reduce((a, b) => a + b, 0);
    expect(Math.abs(cost.monthToDate.runningHours - total)).toBeLessThan(0.01);
  });
});

describe('a start that replaces a DEGRADED task', () => {
  it('ends the old run with its minutes and opens the new one', () => {
    const t0 = Date.UTC(2026, 11, 3, 17, 0);
    const log: TransitionEvent[] = [
      { at: t0, actor: 'cli:a', reason: 'r', goal: 'running', from: 'STOPPED', to: 'READY', outcome: 'done', taskStartedAt: t0 },
      {
        at: t0 + 3_600_000,
        actor: 'cli:b',
        reason: 'r',
        goal: 'running',
        from: 'DEGRADED',
        to: 'READY',
        outcome: 'done',
        runningMinutes: 60,
        taskStartedAt: t0 + 3_660_000,
      },
    ];
    const meetups = meetupsFrom(log, [], rates, { since: t0 - 1, now: t0 + 7_260_000 });
    expect(meetups.map((m) => [m.startedBy, m.stoppedBy, m.hours])).toEqual([
      ['cli:a', 'cli:b', 1],
      ['cli:b', undefined, 1],
    ]);
  });
});

describe('meetctl report time zones', () => {
  const sim = () => {
    const s = new SimAws(new VirtualClock(now), { ingress: 'direct' });
    s.state.log.push(...events);
    return s;
  };

  it("spells --tz as IANA does, and without --tz shows the config's zone", async () => {
    const files = { 'meet.config.json': communityConfig({ timeZone: 'Europe/Berlin' }) };
    const lower = JSON.parse(
      (await cli(['report', '--since', '300d', '--tz', 'europe/berlin', '--json'], { files, sim: sim() })).stdout,
    );
    expect(lower.timeZone).toBe('Europe/Berlin');
    const fromConfig = await cli(['report', '--since', '300d'], { files, sim: sim() });
    expect(fromConfig.stderr).toContain('Times are Europe/Berlin;');
    expect(fromConfig.stdout).toMatch(/Thu 2026-03-26 18:00/);
  });

  it("says when it falls back to this computer's zone", async () => {
    const config = JSON.parse(communityConfig()) as Record<string, unknown>;
    delete config.timeZone;
    const result = await cli(['report', '--since', '300d'], {
      files: { 'meet.config.json': JSON.stringify(config) },
      sim: sim(),
    });
    expect(result.stderr).toContain('(this computer\'s time zone: set "timeZone" in the config or pass --tz)');
  });
});

describe('meetups: the edges of pairing starts and stops', () => {
  const HOUR = 3_600_000;
  const T = Date.UTC(2026, 11, 3, 17, 0);
  const ev = (at: number, actor: string, extra: Partial<TransitionEvent> = {}): TransitionEvent => ({
    at,
    actor,
    reason: 'r',
    goal: 'running',
    from: 'STOPPED',
    to: 'READY',
    outcome: 'done',
    ...extra,
  });
  const window = { since: T - 48 * HOUR, now: T + 10 * HOUR };

  it('pairs in time order whatever the order of the log, and a start that replaced a task ends that run first', () => {
    const log = [
      ev(T + 5 * HOUR, 'cli:bo', { goal: 'stopped', to: 'STOPPED', runningMinutes: 60 }),
      ev(T + 2 * HOUR, 'schedule:weekly', { from: 'DEGRADED', runningMinutes: 90, taskStartedAt: T + 2 * HOUR + 60_000 }),
      ev(T, 'page:ana', { taskStartedAt: T + 30_000 }),
    ];
    expect(meetupsFrom(log, [], { runningHourUsd: 1 }, window)).toEqual([
      {
        start: T + 30_000,
        stop: T + 2 * HOUR,
        startedBy: 'page:ana',
        stoppedBy: 'schedule:weekly',
        hours: 1.5,
        recorderHours: 0,
        costUsd: 1.5,
      },
      {
        start: T + 2 * HOUR + 60_000,
        stop: T + 5 * HOUR,
        startedBy: 'schedule:weekly',
        stoppedBy: 'cli:bo',
        hours: 1,
        recorderHours: 0,
        costUsd: 1,
      },
    ]);
  });

  it('dates a run that began before the log from its stop and minutes; a stop without minutes ends nothing', () => {
    const log = [
      ev(T, 'idle-stop', { goal: 'stopped', to: 'STOPPED', runningMinutes: 45, recorderMinutes: 30 }),
      ev(T + HOUR, 'cli:bo', { goal: 'stopped', to: 'STOPPED', runningMinutes: 0 }),
    ];
    expect(meetupsFrom(log, [], { runningHourUsd: 1, recordingHourUsd: 2 }, window)).toEqual([
      {
        start: T - 45 * 60_000,
        stop: T,
        startedBy: 'before the log',
        stoppedBy: 'idle-stop',
        hours: 0.75,
        recorderHours: 0.5,
        costUsd: 1.75,
      },
    ]);
  });

  it('opens a run only on a start that succeeded, and only one at a time', () => {
    const log = [
      ev(T, 'page:ana', { outcome: 'failed', taskStartedAt: T }),
      ev(T + HOUR, 'cli:bo', { taskStartedAt: T + HOUR }),
      ev(T + 2 * HOUR, 'schedule:weekly', { taskStartedAt: T + 2 * HOUR }),
    ];
    const [run] = meetupsFrom(log, [], { runningHourUsd: 1 }, window);
    expect(meetupsFrom(log, [], { runningHourUsd: 1 }, window)).toHaveLength(1);
    expect(run).toEqual({ start: T + HOUR, startedBy: 'cli:bo', hours: 9, recorderHours: 0, costUsd: 9 });
  });

  it('keeps the runs that ended at or after `since`, and the one still running', () => {
    const log = [
      ev(T - 3 * HOUR, 'a', { taskStartedAt: T - 3 * HOUR }),
      ev(T - HOUR, 'b', { goal: 'stopped', to: 'STOPPED', runningMinutes: 120 }),
      ev(T, 'c', { taskStartedAt: T }),
    ];
    const since = (at: number) =>
      meetupsFrom(log, [], { runningHourUsd: 1 }, { since: at, now: T + HOUR }).map((m) => m.startedBy);
    expect(since(T - HOUR)).toEqual(['a', 'c']);
    expect(since(T - HOUR + 1)).toEqual(['c']);
    expect(since(T + HOUR)).toEqual(['c']);
  });

  it('takes the peak from the lines from the start to the stop, both included', () => {
    const log = [ev(T, 'a', { taskStartedAt: T }), ev(T + HOUR, 'b', { goal: 'stopped', to: 'STOPPED', runningMinutes: 60 })];
    const peak = (samples: Array<{ at: number; participants: number }>) =>
      meetupsFrom(log, samples, { runningHourUsd: 1 }, window)[0]?.peakParticipants;
    expect(
      peak([
        { at: T, participants: 3 },
        { at: T + HOUR, participants: 7 },
        { at: T + HOUR + 1, participants: 40 },
      ]),
    ).toBe(7);
    expect(
      peak([
        { at: T - 1, participants: 40 },
        { at: T, participants: 2 },
      ]),
    ).toBe(2);
    expect(peak([{ at: T - 1, participants: 40 }])).toBeUndefined();
  });

  it('rounds hours and cost to cents', () => {
    const log = [ev(T, 'a', { goal: 'stopped', to: 'STOPPED', runningMinutes: 20, recorderMinutes: 10 })];
    expect(meetupsFrom(log, [], { runningHourUsd: 1, recordingHourUsd: 1 }, window)[0]).toMatchObject({
      hours: 0.33,
      recorderHours: 0.17,
      costUsd: 0.5,
    });
  });
});

describe('meetups: monthly totals', () => {
  it('adds up each local month, in order, rounded to cents', () => {
    const m = (start: number, hours: number, costUsd: number) => ({ start, startedBy: 'a', hours, recorderHours: 0, costUsd });
    const totals = monthTotals(
      [
        m(Date.UTC(2026, 11, 3, 18), 1.111, 0.555),
        m(Date.UTC(2026, 10, 5, 18), 2, 1),
        m(Date.UTC(2026, 11, 10, 18), 1.111, 0.555),
      ],
      'UTC',
    );
    expect(totals).toEqual([
      { month: '2026-11', meetups: 1, hours: 2, costUsd: 1 },
      { month: '2026-12', meetups: 2, hours: 2.22, costUsd: 1.11 },
    ]);
    expect(monthTotals([], 'UTC')).toEqual([]);
  });
});
