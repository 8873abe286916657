import { Cron } from 'croner';
import type { MeetupSchedule } from '../control/ports.js';
import { zonedToUtc } from './expression.js';

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
    const instant = zonedToUtc({ y, mo, d, h, mi, s }, timeZone);
    return instant > now ? instant : undefined;
  }
  const cron = CRON.exec(expression);
  if (!cron?.[1]) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  // EventBridge writes "last Friday" as 6L; croner as 6#L.
  fields[4] = (fields[4] ?? '*').replace(/^([1-7]|[A-Z]{3})L$/i, '$1#L');
  try {
    const next = new Cron(`0 ${fields.join(' ')}`, {
      timezone: timeZone,
      mode: '7-part',
      alternativeWeekdays: true,
      paused: true,
    }).nextRun(new Date(now));
    return next ? next.getTime() : undefined;
  } catch {
    return undefined;
  }
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
