import { Cron } from 'croner';
import type { MeetupSchedule } from '../control/ports.js';
import { resolveLocal } from './time-zone.js';

/** The next meetup of the schedules: when the pre-warm start fires and when the meetup itself begins. */
export interface NextMeetup {
  readonly name: string;
  readonly description: string;
  readonly timeZone: string;
  /** Epoch ms of the scheduled start (the meetup minus the lead). */
  readonly startsAt: number;
  /** Epoch ms of the meetup. */
  readonly meetupAt: number;
}

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const CRON = /^cron\((.+)\)$/;

/**
 * The next instant (epoch ms, after `now`) an EventBridge Scheduler expression fires in its time
 * zone, or undefined when it never fires again (a past `at()`, a finished cron) or cannot be read.
 * EventBridge's cron has six fields (no seconds, with year) and numbers weekdays 1=SUN…7=SAT (the
 * Quartz style); croner reads exactly that with a zero seconds field and Quartz weekdays.
 */
export function nextFire(expression: string, timeZone: string, now: number): number | undefined {
  const at = AT.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const resolved = resolveLocal({ y, mo, d, h, mi, s }, timeZone);
    // A wall time the clocks jump over never fires; one that happens twice fires once (AWS's
    // "Daylight saving time" in the EventBridge Scheduler guide), taken here as the first.
    if (resolved.kind === 'gap') return undefined;
    const instant = resolved.kind === 'unique' ? resolved.instant : resolved.earlier.instant;
    return instant > now ? instant : undefined;
  }
  const cron = CRON.exec(expression);
  if (!cron?.[1]) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  try {
    const next = croner(fields, timeZone).nextRun(new Date(now));
    return next ? next.getTime() : undefined;
  } catch {
    // croner cannot read it: no time is known.
  }
  return undefined;
}

/** The largest value of each EventBridge cron field: minutes, hours, day-of-month, month, day-of-week, year. */
const FIELD_MAX = [59, 23, 31, 12, 7, 2199];

/**
 * croner reading EventBridge's six cron fields in a zone (`UTC` gives the plain wall-clock times).
 * croner writes "last Friday" as 6#L where EventBridge writes 6L, and a step from a number as a
 * range (`5-59/15`) where EventBridge writes `5/15`. Throws when croner cannot read it.
 */
export function croner(fields: readonly string[], timeZone: string): Cron {
  const normal = fields.map((field, i) => {
    // Each part of a list: EventBridge's `5/15,50` is croner's `5-59/15,50`.
    const stepped = field
      .split(',')
      .map((part) => part.replace(/^(\d+)\/(\d+)$/, (_m, from: string, step: string) => `${from}-${FIELD_MAX[i]}/${step}`))
      .join(',');
    // Stryker disable next-line ConditionalExpression,EqualityOperator,Regex: croner 11 reads 6L as 6#L too (kept for the documented form)
    return i === 4 ? stepped.replace(/^([1-7]|[A-Z]{3})L$/i, '$1#L') : stepped;
  });
  // Stryker disable next-line BooleanLiteral: a Cron without a function to run schedules nothing, paused or not
  return new Cron(`0 ${normal.join(' ')}`, { timezone: timeZone, mode: '7-part', alternativeWeekdays: true, paused: true });
}

/** The soonest meetup among the schedules (disabled ones are skipped), or undefined when none is ahead. */
export function nextMeetup(schedules: readonly MeetupSchedule[], now: number): NextMeetup | undefined {
  let best: NextMeetup | undefined;
  for (const schedule of schedules) {
    if (schedule.state === 'DISABLED') continue;
    const startsAt = nextFire(schedule.expression, schedule.timeZone, now);
    if (startsAt === undefined) continue;
    const meetupAt = startsAt + schedule.leadMinutes * 60_000;
    if (!best || meetupAt < best.meetupAt) {
      best = { name: schedule.name, description: schedule.description, timeZone: schedule.timeZone, startsAt, meetupAt };
    }
  }
  return best;
}
