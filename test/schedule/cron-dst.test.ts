import { describe, expect, it } from 'vitest';
import { cronClockChanges, DST_CHECK_YEARS } from '../../src/schedule/cron-dst.js';

// Clock changes (IANA rules, which Intl carries): Europe/Berlin goes 02:00 → 03:00 on the last Sunday of
// March and 03:00 → 02:00 on the last Sunday of October; America/New_York 02:00 → 03:00 on the second
// Sunday of March and 02:00 → 01:00 on the first Sunday of November.
const NOW = Date.UTC(2026, 11, 3, 12, 0);
const fields = (cron: string) => cron.split(' ');

describe('a recurring meetup against the clock changes of the next two years', () => {
  it('refuses a start the clocks jump over, naming the leads whose start exists', () => {
    const { problems, notes } = cronClockChanges(fields('10 3 ? * SUN *'), 15, 'Europe/Berlin', NOW);
    expect(problems).toEqual([
      {
        message:
          'on Sun 2027-03-28 the server start 02:55 does not exist in Europe/Berlin (the clocks jump from 02:00 to 03:00): EventBridge Scheduler skips it, so the server would not start for that meetup.',
        hint: 'The nearest start times that exist are 01:59 (--lead 71) and 03:00 (--lead 10); or move the meetup.',
      },
    ]);
    // In October 02:55 happens twice: said, not refused.
    expect(notes).toEqual([
      'On Sun 2027-10-31 the server start 02:55 happens twice in Europe/Berlin; EventBridge Scheduler runs it once.',
      'On Sun 2028-10-29 the server start 02:55 happens twice in Europe/Berlin; EventBridge Scheduler runs it once.',
    ]);
  });

  it('refuses a meetup time the clocks jump over, with the nearest times that exist', () => {
    const { problems } = cronClockChanges(fields('30 2 ? * SUN *'), 0, 'Europe/Berlin', NOW);
    expect(problems).toEqual([
      {
        message: 'on Sun 2027-03-28 the meetup time 02:30 does not exist in Europe/Berlin (the clocks jump from 02:00 to 03:00).',
        hint: 'The nearest times that exist are 01:59 and 03:00: change --cron.',
      },
    ]);
  });

  it('says when a change between the start and the meetup shortens or lengthens the lead, and when a start happens twice', () => {
    const { problems, notes } = cronClockChanges(fields('0 3 ? * SUN *'), 90, 'America/New_York', NOW);
    expect(problems).toEqual([]);
    expect(notes).toEqual([
      'On Sun 2027-03-14 the clocks change between the start (01:30 -05:00) and the meetup (03:00 -04:00): the server starts 30 minutes before instead of 90.',
      'On Sun 2027-11-07 the server start 01:30 happens twice in America/New_York; EventBridge Scheduler runs it once.',
      'On Sun 2028-03-12 the clocks change between the start (01:30 -05:00) and the meetup (03:00 -04:00): the server starts 30 minutes before instead of 90.',
      'On Sun 2028-11-05 the server start 01:30 happens twice in America/New_York; EventBridge Scheduler runs it once.',
    ]);
  });

  it('looks exactly two years ahead: a change just past that is not checked', () => {
    expect(DST_CHECK_YEARS).toBe(2);
    // From 2 November 2026, two years of 365 days end on 1 November 2028, before that year's change (5 November).
    const { notes } = cronClockChanges(fields('0 3 ? * SUN *'), 90, 'America/New_York', Date.UTC(2026, 10, 2, 12));
    expect(notes.map((n) => n.slice(0, 17))).toEqual(['On Sun 2027-03-14', 'On Sun 2027-11-07', 'On Sun 2028-03-12']);
  });

  it('reports the first problem and at most four notes', () => {
    const hourly = cronClockChanges(fields('0 * * * ? *'), 90, 'America/New_York', NOW);
    expect(hourly.problems).toHaveLength(1);
    expect(hourly.problems[0]?.message).toBe(
      'on Sun 2027-03-14 the meetup time 02:00 does not exist in America/New_York (the clocks jump from 02:00 to 03:00).',
    );
    expect(hourly.notes).toEqual([
      'On Sun 2027-03-14 the clocks change between the start (01:30 -05:00) and the meetup (03:00 -04:00): the server starts 30 minutes before instead of 90.',
      'On Sun 2027-11-07 the clocks change between the start (00:30 -04:00) and the meetup (02:00 -05:00): the server starts 150 minutes before instead of 90.',
      'On Sun 2027-11-07 the server start 01:30 happens twice in America/New_York; EventBridge Scheduler runs it once.',
      'On Sun 2028-03-12 the clocks change between the start (01:30 -05:00) and the meetup (03:00 -04:00): the server starts 30 minutes before instead of 90.',
    ]);
  });

  it('finds nothing to say where no meetup meets a clock change, in a zone without changes, or in fields croner cannot read', () => {
    expect(cronClockChanges(fields('0 18 ? * WED *'), 15, 'Europe/Berlin', NOW)).toEqual({ problems: [], notes: [] });
    expect(cronClockChanges(fields('0 3 ? * SUN *'), 90, 'UTC', NOW)).toEqual({ problems: [], notes: [] });
    expect(cronClockChanges(fields('0 18 ? * FUN *'), 15, 'Europe/Berlin', NOW)).toEqual({ problems: [], notes: [] });
  });

  it('checks the meetups around a change in a zone far ahead of UTC (New Zealand, +12:00 to +13:00)', () => {
    const { problems } = cronClockChanges(fields('30 2 ? * SUN *'), 0, 'Pacific/Auckland', NOW);
    expect(problems[0]?.message).toBe(
      'on Sun 2027-09-26 the meetup time 02:30 does not exist in Pacific/Auckland (the clocks jump from 02:00 to 03:00).',
    );
  });

  it('says nothing of a meetup time that happens twice when its start happens once and no change is between them', () => {
    // 01:30 happens twice on 7 November in New York; the start at 00:00 once, and the clocks change after it.
    expect(cronClockChanges(fields('30 1 ? * SUN *'), 90, 'America/New_York', NOW)).toEqual({ problems: [], notes: [] });
  });
});
