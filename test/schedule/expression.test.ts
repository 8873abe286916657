import { describe, expect, it } from 'vitest';
import { checkTimeZone, oneOff, recurring, ScheduleInputError, zonedToUtc } from '../../src/schedule/expression.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0);

describe('one-off schedules', () => {
  it("start the lead before the meetup, in the meetup's time zone", () => {
    const r = oneOff('2026-12-03T18:00', 'America/New_York', 15, NOW);
    expect(r.expression).toBe('at(2026-12-03T17:45:00)');
    expect(new Date(r.meetupAt).toISOString()).toBe('2026-12-03T23:00:00.000Z'); // EST is UTC-5
    expect(r.meetupAt - r.startsAt).toBe(15 * 60_000);
  });

  it('handle the lead crossing midnight and summer time', () => {
    expect(oneOff('2027-01-01T00:10', 'UTC', 15, NOW).expression).toBe('at(2026-12-31T23:55:00)');
    expect(new Date(zonedToUtc({ y: 2027, mo: 7, d: 1, h: 18, mi: 0, s: 0 }, 'America/Denver')).toISOString()).toBe(
      '2027-07-02T00:00:00.000Z',
    ); // MDT is UTC-6
  });

  it('refuse bad times, past times and unknown zones', () => {
    expect(() => oneOff('03/12/2026 18:00', 'UTC', 15, NOW)).toThrow(ScheduleInputError);
    expect(() => oneOff('2026-11-25T12:10', 'UTC', 15, NOW)).toThrow('is in the past');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow('is not a time zone');
  });
});

describe('recurring schedules', () => {
  it('move the cron earlier by the lead', () => {
    expect(recurring('0 18 ? * WED *', 15)).toBe('cron(45 17 ? * WED *)');
    expect(recurring('30 19 ? * 4 *', 30)).toBe('cron(0 19 ? * 4 *)');
    expect(recurring('0 18 ? * WED *', 0)).toBe('cron(0 18 ? * WED *)');
  });

  it('move the weekday back when the lead crosses midnight', () => {
    expect(recurring('5 0 ? * MON,THU *', 15)).toBe('cron(50 23 ? * SUN,WED *)');
    expect(recurring('5 0 ? * 1 *', 15)).toBe('cron(50 23 ? * 7 *)');
    expect(recurring('5 0 * * ? *', 15)).toBe('cron(50 23 * * ? *)');
  });

  it('refuse what they cannot shift, saying how to do it by hand', () => {
    expect(() => recurring('0 18 * *', 15)).toThrow('has 4 fields, EventBridge needs 6');
    expect(() => recurring('0/30 18 ? * WED *', 15)).toThrow('must be single numbers');
    expect(() => recurring('5 0 1 * ? *', 15)).toThrow('crosses midnight on a day-of-month schedule');
  });
});
