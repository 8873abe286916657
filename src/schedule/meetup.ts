import type { MeetupSchedule } from '../control/ports.js';
import { checkTimeZone, oneOff, recurring, SCHEDULE_NAME, ScheduleInputError } from './expression.js';

/** What a person asks for: a one-off meetup (`at`, local time in `tz`) or a series (`cron`). */
export interface MeetupRequest {
  readonly name: string;
  readonly at?: string;
  readonly cron?: string;
  readonly tz: string;
  readonly lead: number;
  readonly window: number;
  /** Start the recorder too, once the meeting is READY. */
  readonly record?: boolean;
}

/** The longest meetup window a schedule may declare (minutes). */
export const MAX_WINDOW = 12 * 60;

/**
 * The EventBridge Scheduler schedule for a meetup, validated: the same rules for `meetctl schedule
 * add` and the organizer page. Throws ScheduleInputError (message and hint) on bad input. The
 * description names nobody: the public asleep page's function reads it, and who added a meetup is
 * no business of anonymous visitors (issue 20).
 */
export function meetupSchedule(request: MeetupRequest, now: number): { schedule: MeetupSchedule; startsAt?: number } {
  if (!SCHEDULE_NAME.test(request.name)) {
    throw new ScheduleInputError(
      `schedule name "${request.name}" is not valid.`,
      'Use letters, digits, "-", "_" or "." (at most 64), e.g. rgc3-december.',
    );
  }
  if (Boolean(request.at) === Boolean(request.cron)) {
    throw new ScheduleInputError(
      'give exactly one of --at and --cron.',
      '--at 2026-12-03T18:00 for one meetup, --cron "0 18 ? * WED *" for a series.',
    );
  }
  if (!Number.isInteger(request.lead) || request.lead < 0 || request.lead > MAX_WINDOW) {
    throw new ScheduleInputError(`lead ${request.lead} is out of range.`, `Give 0 to ${MAX_WINDOW} minutes.`);
  }
  if (!Number.isInteger(request.window) || request.window < 1 || request.window > MAX_WINDOW) {
    throw new ScheduleInputError(`window ${request.window} is out of range.`, `Give 1 to ${MAX_WINDOW} minutes.`);
  }
  const tz = checkTimeZone(request.tz);
  const when = request.at
    ? oneOff(request.at, tz, request.lead, now)
    : { expression: recurring(request.cron as string, request.lead) };
  return {
    schedule: {
      name: request.name,
      expression: when.expression,
      timeZone: tz,
      leadMinutes: request.lead,
      windowMinutes: request.window,
      oneOff: Boolean(request.at),
      ...(request.record ? { record: true } : {}),
      description: `Meetup ${request.at ?? `cron ${request.cron}`} (${tz}); starts ${request.lead} min early, ${request.window}-min window${request.record ? ', recorded' : ''}.`,
    },
    ...('startsAt' in when ? { startsAt: when.startsAt } : {}),
  };
}
