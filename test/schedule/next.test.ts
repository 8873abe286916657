import { describe, expect, it } from 'vitest';
import type { MeetupSchedule } from '../../src/control/ports.js';
import { nextFire, nextMeetup } from '../../src/schedule/next.js';

// Wednesday 25 November 2026, 12:00 UTC.
const NOW = Date.UTC(2026, 10, 25, 12, 0);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('the next time an EventBridge Scheduler expression fires', () => {
  it('reads cron in the schedule time zone, weekdays numbered 1=SUN as EventBridge does', () => {
    expect(iso(nextFire('cron(0 18 ? * WED *)', 'Europe/Berlin', NOW))).toBe('2026-11-25T17:00:00.000Z');
    // 4 is Wednesday in EventBridge (1=SUN), not Thursday as in Unix cron.
    expect(iso(nextFire('cron(0 18 ? * 4 *)', 'UTC', NOW))).toBe('2026-11-25T18:00:00.000Z');
    expect(iso(nextFire('cron(30 17 1 * ? *)', 'America/Los_Angeles', NOW))).toBe('2026-12-02T01:30:00.000Z');
  });

  it('understands last and nth weekday of the month, and the year field', () => {
    expect(iso(nextFire('cron(0 18 ? * 6L *)', 'UTC', NOW))).toBe('2026-11-27T18:00:00.000Z'); // last Friday
    expect(iso(nextFire('cron(0 18 ? * 6#1 *)', 'UTC', NOW))).toBe('2026-12-04T18:00:00.000Z'); // first Friday
    expect(nextFire('cron(0 18 ? * WED 2025)', 'UTC', NOW)).toBeUndefined();
  });

  it('reads one-off at() in its time zone, and never returns the past', () => {
    expect(iso(nextFire('at(2026-12-01T18:00:00)', 'Europe/Berlin', NOW))).toBe('2026-12-01T17:00:00.000Z');
    expect(nextFire('at(2020-12-01T18:00:00)', 'UTC', NOW)).toBeUndefined();
    expect(nextFire('rate(1 day)', 'UTC', NOW)).toBeUndefined();
    expect(nextFire('cron(nonsense)', 'UTC', NOW)).toBeUndefined();
  });
});

describe('the next meetup', () => {
  const schedule = (name: string, expression: string, extra: Partial<MeetupSchedule> = {}): MeetupSchedule => ({
    name,
    expression,
    timeZone: 'UTC',
    leadMinutes: 15,
    windowMinutes: 120,
    description: name,
    oneOff: expression.startsWith('at('),
    ...extra,
  });

  it('is the soonest enabled schedule, at the meetup time (the start plus the lead)', () => {
    const next = nextMeetup(
      [
        schedule('weekly', 'cron(45 17 ? * THU *)'),
        schedule('paused', 'cron(45 12 ? * WED *)', { state: 'DISABLED' }),
        schedule('december', 'at(2026-12-03T17:45:00)'),
      ],
      NOW,
    );
    expect(next).toMatchObject({
      name: 'weekly',
      startsAt: Date.UTC(2026, 10, 26, 17, 45),
      meetupAt: Date.UTC(2026, 10, 26, 18, 0),
    });
    expect(nextMeetup([], NOW)).toBeUndefined();
  });
});

describe('the next firing: the edges', () => {
  it('reads steps from a number in any field, alone or in a list, and ranges with a step', () => {
    expect(iso(nextFire('cron(5/15 18 ? * WED *)', 'UTC', NOW))).toBe('2026-11-25T18:05:00.000Z');
    expect(iso(nextFire('cron(10/25 18 ? * WED *)', 'UTC', Date.UTC(2026, 10, 25, 18, 11)))).toBe('2026-11-25T18:35:00.000Z');
    expect(iso(nextFire('cron(5/15,52 18 ? * WED *)', 'UTC', Date.UTC(2026, 10, 25, 18, 51)))).toBe('2026-11-25T18:52:00.000Z');
    expect(iso(nextFire('cron(0 9-17/2 ? * WED *)', 'UTC', NOW))).toBe('2026-11-25T13:00:00.000Z');
    expect(iso(nextFire('cron(*/20 18 ? * WED *)', 'UTC', NOW))).toBe('2026-11-25T18:00:00.000Z');
    expect(iso(nextFire('cron(0 18 ? * 5 2027/2)', 'UTC', NOW))).toBe('2027-01-07T18:00:00.000Z');
  });

  it('never fires a one-off time the clocks jump over; fires the first of two equal wall times; never at now', () => {
    expect(nextFire('at(2027-03-28T02:30:00)', 'Europe/Berlin', NOW)).toBeUndefined();
    expect(iso(nextFire('at(2027-10-31T02:30:00)', 'Europe/Berlin', NOW))).toBe('2027-10-31T00:30:00.000Z');
    expect(nextFire('at(2026-11-25T12:00:00)', 'UTC', NOW)).toBeUndefined();
    expect(iso(nextFire('at(2026-11-25T12:00:01)', 'UTC', NOW))).toBe('2026-11-25T12:00:01.000Z');
  });

  it('reads the fields with any spacing, and nothing but six fields croner can read', () => {
    expect(iso(nextFire('cron( 0  18 ? * WED * )', 'UTC', NOW))).toBe('2026-11-25T18:00:00.000Z');
    expect(nextFire('cron(0 18 ? * WED)', 'UTC', NOW)).toBeUndefined();
    expect(nextFire('cron(0 0 18 ? * WED *)', 'UTC', NOW)).toBeUndefined();
    expect(nextFire('cron(0 18 ? * FUN *)', 'UTC', NOW)).toBeUndefined();
    expect(nextFire('cron()', 'UTC', NOW)).toBeUndefined();
    // Only the whole expression is read.
    for (const expression of [
      'xcron(0 18 ? * WED *)',
      'cron(0 18 ? * WED *)x',
      'xat(2026-12-01T18:00:00)',
      'at(2026-12-01T18:00:00)x',
    ]) {
      expect(nextFire(expression, 'UTC', NOW), expression).toBeUndefined();
    }
  });
});

describe('the next meetup: the edges', () => {
  const schedule = (name: string, expression: string): MeetupSchedule => ({
    name,
    expression,
    timeZone: 'UTC',
    leadMinutes: 15,
    windowMinutes: 120,
    description: name,
    oneOff: expression.startsWith('at('),
  });

  it('skips a schedule that never fires again, and keeps the first of two at the same time', () => {
    const next = nextMeetup(
      [
        schedule('past', 'at(2020-12-01T18:00:00)'),
        schedule('first', 'cron(45 17 ? * THU *)'),
        schedule('twin', 'cron(45 17 ? * THU *)'),
      ],
      NOW,
    );
    expect(
      nextMeetup([schedule('december', 'at(2026-12-03T17:45:00)'), schedule('weekly', 'cron(45 17 ? * THU *)')], NOW)?.name,
    ).toBe('weekly');
    expect(next).toEqual({
      name: 'first',
      description: 'first',
      timeZone: 'UTC',
      startsAt: Date.UTC(2026, 10, 26, 17, 45),
      meetupAt: Date.UTC(2026, 10, 26, 18, 0),
    });
  });
});
