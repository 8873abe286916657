import { croner } from './next.js';
import {
  describeInstant,
  formatOffset,
  formatWall,
  naive,
  resolveLocal,
  type Transition,
  transitionsBetween,
  type Wall,
  wallOf,
  wallOfNaive,
} from './time-zone.js';

/** How far ahead a recurring meetup is checked against the zone's clock changes. */
export const DST_CHECK_YEARS = 2;

export interface CronClockChanges {
  /** Dates on which the server would not start, or the meetup time does not exist: refused. */
  readonly problems: ReadonlyArray<{ readonly message: string; readonly hint: string }>;
  /** Dates on which the clock change moves something, said so that nobody is surprised. */
  readonly notes: readonly string[];
}

const clock = (w: Wall) => formatWall(w).slice(11, 16);
const day = (instant: number, tz: string) => describeInstant(instant, tz).slice(0, 14);

/**
 * A recurring meetup (`cron`, EventBridge's six fields, the meetup time) starts `lead` minutes earlier on
 * the wall clock (the cron of the start). EventBridge Scheduler evaluates both in the zone and "skips"
 * a time the clocks jump over and runs a time that happens twice "only once" (the EventBridge
 * Scheduler guide, "Daylight saving time"). For each clock change in the next two years on which the
 * meetup falls, a start or meetup time that does not exist is a problem (the server would not start),
 * and a time that happens twice or a change between start and meetup is a note.
 */
export function cronClockChanges(cronFields: readonly string[], leadMinutes: number, tz: string, now: number): CronClockChanges {
  const problems: Array<{ message: string; hint: string }> = [];
  const notes: string[] = [];
  let wallClock: ReturnType<typeof croner>;
  try {
    wallClock = croner(cronFields, 'UTC');
  } catch {
    // Fields croner cannot read (checked by EventBridge's rules already) are not checked here.
    return { problems, notes };
  }
  const changes = transitionsBetween(now, now + DST_CHECK_YEARS * 365 * 86_400_000, tz);
  for (const change of changes) {
    for (const meetupNaive of meetupsAround(wallClock, change, leadMinutes)) {
      const meetup = wallOfNaive(meetupNaive);
      const start = wallOfNaive(meetupNaive - leadMinutes * 60_000);
      judge({ meetup, start, leadMinutes, change, tz }, problems, notes);
    }
  }
  return { problems: problems.slice(0, 1), notes: notes.slice(0, 4) };
}

/** The meetup's wall-clock times whose start or meetup could fall on the day of a clock change. */
function meetupsAround(wallClock: ReturnType<typeof croner>, change: Transition, leadMinutes: number): number[] {
  // The wall times that matter lie between the change's two offsets and that plus the lead (at most 12 h);
  // the window has a day to spare either side, so these bounds can move by hours without changing a result.
  // Stryker disable next-line MethodExpression: a change moves the clock by at most an hour, well within the spare day
  const low = Math.min(change.offsetBeforeMs, change.offsetAfterMs);
  // Stryker disable next-line MethodExpression: as above
  const high = Math.max(change.offsetBeforeMs, change.offsetAfterMs);
  const from = change.at + low - 86_400_000;
  const to = change.at + high + 86_400_000 + leadMinutes * 60_000;
  const out: number[] = [];
  // Stryker disable next-line ArithmeticOperator: a run exactly a day before the change does not matter
  let next = wallClock.nextRun(new Date(from - 1));
  // Stryker disable next-line EqualityOperator: one run more at the spare end or at the cap does not matter
  while (next && next.getTime() < to && out.length < 500) {
    out.push(next.getTime());
    next = wallClock.nextRun(next);
  }
  return out;
}

function judge(
  at: { meetup: Wall; start: Wall; leadMinutes: number; change: Transition; tz: string },
  problems: Array<{ message: string; hint: string }>,
  notes: string[],
): void {
  const { meetup, start, leadMinutes, change, tz } = at;
  const m = resolveLocal(meetup, tz);
  const s = resolveLocal(start, tz);
  const jump = `the clocks jump from ${clock(wallOfNaive(change.at + change.offsetBeforeMs))} to ${clock(wallOfNaive(change.at + change.offsetAfterMs))}`;
  if (m.kind === 'gap') {
    problems.push({
      message: `on ${day(change.at, tz)} the meetup time ${clock(meetup)} does not exist in ${tz} (${jump}).`,
      hint: `The nearest times that exist are ${clock(wallOf(m.before, tz))} and ${clock(wallOf(m.after, tz))}: change --cron.`,
    });
    return;
  }
  if (s.kind === 'gap') {
    const meetupMs = naive(meetup);
    const earlyLead = Math.round((meetupMs - naive(wallOf(s.before, tz))) / 60_000);
    const lateLead = Math.round((meetupMs - naive(wallOf(s.after, tz))) / 60_000);
    problems.push({
      message: `on ${day(change.at, tz)} the server start ${clock(start)} does not exist in ${tz} (${jump}): EventBridge Scheduler skips it, so the server would not start for that meetup.`,
      hint: `The nearest start times that exist are ${clock(wallOf(s.before, tz))} (--lead ${earlyLead}) and ${clock(wallOf(s.after, tz))} (--lead ${lateLead}); or move the meetup.`,
    });
    return;
  }
  if (s.kind === 'overlap') {
    notes.push(
      `On ${day(change.at, tz)} the server start ${clock(start)} happens twice in ${tz}; EventBridge Scheduler runs it once.`,
    );
    return;
  }
  if (m.kind === 'unique' && s.kind === 'unique' && m.instant - s.instant !== leadMinutes * 60_000) {
    notes.push(
      `On ${day(change.at, tz)} the clocks change between the start (${clock(start)} ${formatOffset(s.offsetMs)}) and the meetup (${clock(meetup)} ${formatOffset(m.offsetMs)}): the server starts ${Math.round((m.instant - s.instant) / 60_000)} minutes before instead of ${leadMinutes}.`,
    );
  }
}
