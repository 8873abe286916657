import { describe, expect, it } from 'vitest';
import { checkTimeZone, oneOff, recurring, ScheduleInputError } from '../../src/schedule/expression.js';
import { resolveLocal } from '../../src/schedule/time-zone.js';

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
    expect(resolveLocal({ y: 2027, mo: 7, d: 1, h: 18, mi: 0, s: 0 }, 'America/Denver')).toEqual({
      kind: 'unique',
      instant: Date.parse('2027-07-02T00:00:00.000Z'), // MDT is UTC-6
      offsetMs: -6 * 3_600_000,
    });
  });

  it('refuse bad times, past times and unknown zones', () => {
    expect(() => oneOff('03/12/2026 18:00', 'UTC', 15, NOW)).toThrow(ScheduleInputError);
    expect(() => oneOff('2026-11-25T12:10', 'UTC', 15, NOW)).toThrow('is in the past');
    expect(() => checkTimeZone('Mars/Olympus')).toThrow('is not a time zone');
    expect(() => checkTimeZone('EST')).toThrow('is not a time zone');
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

describe('nothing is silently corrected', () => {
  it('refuses dates and times that do not exist', () => {
    for (const at of ['2026-12-03T25:00', '2027-02-30T18:00', '2026-13-01T18:00', '2026-12-03T18:60', '2026-12-00T18:00']) {
      expect(() => oneOff(at, 'UTC', 15, NOW), at).toThrow('is not a real date and time');
    }
    expect(oneOff('2028-02-29T18:00', 'UTC', 15, NOW).expression).toBe('at(2028-02-29T17:45:00)');
  });

  it('refuses cron fields out of range and a cron without exactly one "?"', () => {
    expect(() => recurring('99 18 ? * WED *', 15)).toThrow('minutes "99" (0-59)');
    expect(() => recurring('0 24 ? * WED *', 15)).toThrow('hours "24" (0-23)');
    expect(() => recurring('0 18 * * WED *', 15)).toThrow('exactly one of day-of-month and day-of-week must be "?"');
    expect(() => recurring('0 18 ? * ? *', 0)).toThrow('exactly one of');
    expect(() => recurring('0 18 ? 13 WED *', 0)).toThrow('month "13"');
    expect(() => recurring('0 18 ? * FUN *', 0)).toThrow('day-of-week "FUN"');
    expect(() => recurring('0 18 32 * ? *', 0)).toThrow('day-of-month "32"');
  });

  it('accepts what EventBridge accepts', () => {
    for (const cron of [
      '0 18 ? * WED *',
      '0/15 18 ? * MON-FRI *',
      '0 18 L * ? *',
      '0 18 ? * 6#3 *',
      '0 18 1,15 JAN-JUN ? 2027',
      '30 9 ? * 2L *',
    ]) {
      expect(() => recurring(cron, 0), cron).not.toThrow();
    }
  });
});
