import { describe, expect, it } from 'vitest';
import { checkTimeZone, oneOff, recurring, SCHEDULE_NAME, ScheduleInputError } from '../../src/schedule/expression.js';
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

  it('refuses a time with more around it, never picking out the part it reads', () => {
    // "next thursday" is not "thursday" (the next one after today), and a date with more after it is a typo.
    for (const at of ['next thursday 18:00', 'thursday 18:00 pm', 'on 2026-12-03T18:00', '2026-12-03T18:00 CET']) {
      expect(() => oneOff(at, 'UTC', 15, NOW), at).toThrow('is not a date and time meetctl reads');
    }
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

describe('one-off schedules: the forms of --at and their edges', () => {
  it('reads a space or T, seconds, and an offset (Z, or signed, with or without the colon)', () => {
    expect(oneOff('2026-12-03 18:00:30', 'America/New_York', 15, NOW).expression).toBe('at(2026-12-03T17:45:30)');
    expect(oneOff('2026-12-03T18:00-05:00', 'America/New_York', 15, NOW).meetupAt).toBe(Date.UTC(2026, 11, 3, 23, 0));
    expect(oneOff('2026-12-03T18:00-0500', 'America/New_York', 15, NOW).meetupAt).toBe(Date.UTC(2026, 11, 3, 23, 0));
    expect(oneOff('2026-12-03T18:00Z', 'UTC', 15, NOW).meetupAt).toBe(Date.UTC(2026, 11, 3, 18, 0));
    expect(oneOff(' 2026-12-03t18:00z ', 'UTC', 15, NOW).meetupAt).toBe(Date.UTC(2026, 11, 3, 18, 0));
  });

  it('refuses an offset the zone does not have then (the sign counts), and one that is no offset', () => {
    expect(() => oneOff('2026-12-03T18:00+05:00', 'America/New_York', 15, NOW)).toThrow('is at -05:00, not +05:00');
    expect(() => oneOff('2026-12-03T18:00+19:00', 'UTC', 15, NOW)).toThrow('ends in "+19:00", which is not a UTC offset');
    expect(() => oneOff('2026-12-03T18:00+01:60', 'UTC', 15, NOW)).toThrow('which is not a UTC offset');
  });

  it("reads today, tomorrow and weekdays (three letters or more) on the zone's wall clock; a weekday is the next one after today", () => {
    // NOW is Wednesday 25 November 2026, 12:00 UTC (04:00 in Los Angeles, 21:00 in Tokyo).
    expect(oneOff('today 18:00', 'UTC', 15, NOW).expression).toBe('at(2026-11-25T17:45:00)');
    expect(oneOff('Tomorrow 18:00', 'UTC', 15, NOW).expression).toBe('at(2026-11-26T17:45:00)');
    expect(oneOff('wed 18:00', 'UTC', 15, NOW).expression).toBe('at(2026-12-02T17:45:00)');
    expect(oneOff('thu 9:30', 'UTC', 15, NOW).expression).toBe('at(2026-11-26T09:15:00)');
    expect(oneOff('tuesday 23:59', 'UTC', 0, NOW).expression).toBe('at(2026-12-01T23:59:00)');
    expect(oneOff('today 23:00', 'Asia/Tokyo', 15, NOW).expression).toBe('at(2026-11-25T22:45:00)');
    expect(oneOff('tomorrow 18:00', 'America/Los_Angeles', 15, NOW).expression).toBe('at(2026-11-26T17:45:00)');
    for (const at of ['th 18:00', 'someday 18:00', 'today 24:00', 'today 18:60', 'today 18']) {
      expect(() => oneOff(at, 'UTC', 15, NOW), at).toThrow(ScheduleInputError);
    }
  });

  it('refuses a start at now or earlier, and accepts one a minute later', () => {
    expect(() => oneOff('2026-11-25T12:15', 'UTC', 15, NOW)).toThrow('minus the 15-minute lead is in the past');
    expect(oneOff('2026-11-25T12:16', 'UTC', 15, NOW).startsAt).toBe(NOW + 60_000);
  });

  it('refuses a meetup time the clocks jump over, naming the times around the jump', () => {
    expect(() => oneOff('2027-03-28T02:30', 'Europe/Berlin', 15, NOW)).toThrow(
      '--at 2027-03-28 02:30 does not exist in Europe/Berlin: that night the clocks jump from 02:00 to 03:00 (+01:00 to +02:00).',
    );
  });

  it('subtracts the lead on the absolute timeline and says when the clocks change in between', () => {
    const r = oneOff('2027-03-28T03:10', 'Europe/Berlin', 15, NOW);
    expect(r).toMatchObject({ expression: 'at(2027-03-28T01:55:00)', timeZone: 'Europe/Berlin' });
    expect(r.notes).toEqual([
      'The clocks change between the start and the meetup: the server starts at Sun 2027-03-28 01:55 +01:00, 15 minutes before Sun 2027-03-28 03:10 +02:00.',
    ]);
    expect(oneOff('2027-03-28T04:10', 'Europe/Berlin', 15, NOW).notes).toEqual([]);
  });

  it('takes the first of two equal wall times unless the offset picks the second, and writes a start that happens twice in UTC', () => {
    const first = oneOff('2027-10-31T02:30', 'Europe/Berlin', 15, NOW);
    expect(first).toMatchObject({
      expression: 'at(2027-10-31T00:15:00)',
      timeZone: 'UTC',
      meetupAt: Date.UTC(2027, 9, 31, 0, 30),
    });
    expect(first.notes).toEqual([
      '2027-10-31 02:30 happens twice in Europe/Berlin (the clocks go back that night): taken as the first, 02:30 +02:00. For the second, give --at 2027-10-31T02:30+01:00.',
      'The server start, 2027-10-31 02:15 +02:00, happens twice on the wall clock of Europe/Berlin, so the schedule is written in UTC (2027-10-31 00:15 UTC).',
    ]);
    const second = oneOff('2027-10-31T02:30+01:00', 'Europe/Berlin', 15, NOW);
    expect(second).toMatchObject({ expression: 'at(2027-10-31T01:15:00)', meetupAt: Date.UTC(2027, 9, 31, 1, 30) });
    expect(oneOff('2027-10-31T02:30+02:00', 'Europe/Berlin', 15, NOW).meetupAt).toBe(first.meetupAt);
    expect(() => oneOff('2027-10-31T02:30+05:00', 'Europe/Berlin', 15, NOW)).toThrow('is at +02:00 or +01:00, not +05:00');
  });
});

describe('recurring schedules: the field checks and the lead', () => {
  const ok = (cron: string) => expect(() => recurring(cron, 0), cron).not.toThrow();
  const refused = (cron: string, what: string) => expect(() => recurring(cron, 0), cron).toThrow(what);

  it('accepts each field at both ends of its range and refuses one past them', () => {
    ok('0 0 ? * 1 1970');
    ok('59 23 ? * 7 2199');
    ok('0 18 1 1 ? *');
    ok('0 18 31 12 ? *');
    refused('60 18 ? * WED *', 'minutes "60" (0-59)');
    refused('0 18 0 * ? *', 'day-of-month "0"');
    refused('0 18 ? 0 WED *', 'month "0"');
    refused('0 18 ? * 0 *', 'day-of-week "0"');
    refused('0 18 ? * 8 *', 'day-of-week "8"');
    refused('0 18 ? * WED 1969', 'year "1969" (1970-2199 or *)');
    refused('0 18 ? * WED 2200', 'year "2200"');
  });

  it('reads names in any case, lists, ranges and steps, and refuses bad parts of them', () => {
    ok('0 18 ? jan-dec sun-sat *');
    ok('0,30 18 ? * MON,WED,FRI *');
    ok('*/15 18 ? * WED *');
    ok('0 9-17 ? * WED *');
    ok('0 18 LW * ? *');
    ok('0 18 15W * ? *');
    ok('0 18 ? * sat#5 *');
    refused('0,60 18 ? * WED *', 'minutes "0,60"');
    refused('0 9-24 ? * WED *', 'hours "9-24"');
    refused('0/0 18 ? * WED *', 'minutes "0/0"');
    refused('*/0 18 ? * WED *', 'minutes "*/0"');
    refused('0/x 18 ? * WED *', 'minutes "0/x"');
    refused('0 18 15X * ? *', 'day-of-month "15X"');
    refused('0 18 ? * WED#6 *', 'day-of-week "WED#6"');
    refused('0 18 ? * 8L *', 'day-of-week "8L"');
    refused('0 18 ? JUNE WED *', 'month "JUNE"');
  });

  it('lists every bad field at once', () => {
    expect(() => recurring('60 24 ? * WED *', 0)).toThrow('minutes "60" (0-59); hours "24" (0-23).');
  });

  it('normalises the spacing, and refuses 7 fields', () => {
    expect(recurring('  0  18 ? * WED *  ', 0)).toBe('cron(0 18 ? * WED *)');
    expect(() => recurring('0 0 18 ? * WED *', 15)).toThrow('has 7 fields, EventBridge needs 6');
  });

  it('subtracts a lead of hours, and keeps the day when the start is exactly midnight', () => {
    expect(recurring('0 18 ? * WED *', 90)).toBe('cron(30 16 ? * WED *)');
    expect(recurring('15 0 ? * MON *', 15)).toBe('cron(0 0 ? * MON *)');
    expect(recurring('0 5 ? * MON *', 600)).toBe('cron(0 19 ? * SUN *)');
    expect(() => recurring('0 1-2 ? * WED *', 15)).toThrow('must be single numbers');
  });

  it('moves every weekday of a list back across midnight, by name or number, and keeps "*"', () => {
    expect(recurring('5 0 ? * sun,sat *', 15)).toBe('cron(50 23 ? * SAT,FRI *)');
    expect(recurring('5 0 ? * 2,7 *', 15)).toBe('cron(50 23 ? * 1,6 *)');
    expect(recurring('5 0 ? * * *', 15)).toBe('cron(50 23 ? * * *)');
    expect(() => recurring('5 0 ? * MON-FRI *', 15)).toThrow('cannot move day-of-week "MON-FRI" one day earlier');
    expect(() => recurring('5 0 ? * 6L *', 15)).toThrow('cannot move day-of-week "6L"');
  });
});

describe('schedule input: more edges', () => {
  it('names a schedule with 1 to 64 letters, digits, dots, dashes and underscores, nothing around them', () => {
    expect(SCHEDULE_NAME.test('weekly-meetup_2026.12')).toBe(true);
    expect(SCHEDULE_NAME.test('x'.repeat(64))).toBe(true);
    for (const name of ['', 'x'.repeat(65), 'week ly', '!weekly', 'weekly!']) expect(SCHEDULE_NAME.test(name), name).toBe(false);
  });

  it('reads sunday as a weekday, and refuses a year Date.UTC would move', () => {
    expect(oneOff('sun 18:00', 'UTC', 15, NOW).expression).toBe('at(2026-11-29T17:45:00)');
    expect(() => oneOff('0050-01-01T18:00', 'UTC', 15, NOW)).toThrow('is not a real date and time');
  });

  it('adds no note to a meetup time given with the offset it has', () => {
    expect(oneOff('2026-12-03T18:00-05:00', 'America/New_York', 15, NOW).notes).toEqual([]);
  });

  it('refuses numbers that are not plain digits, steps from out of range, and "*" inside a list', () => {
    const refused = (cron: string) => expect(() => recurring(cron, 0), cron).toThrow(ScheduleInputError);
    refused('0x10 18 ? * WED *');
    refused('*/0x5 18 ? * WED *');
    refused('60/5 18 ? * WED *');
    refused('*,5 18 ? * WED *');
    refused('0 18 LX * ? *');
    refused('0 18 5L * ? *');
    refused('0 18 ? * 16L *');
    refused('0 18 ? * 6#55 *');
  });
});
