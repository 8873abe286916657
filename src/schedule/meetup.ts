import type { MeetupSchedule } from '../control/ports.js';
import { cronClockChanges } from './cron-dst.js';
import { AT_FORMS, checkTimeZone, oneOff, recurring, SCHEDULE_NAME, ScheduleInputError } from './expression.js';
import { describeInstant } from './time-zone.js';

/** What a person asks for: a one-off meetup (`at`, local time in `tz`) or a series (`cron`, in `tz`). */
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
export function meetupSchedule(
  request: MeetupRequest,
  now: number,
): { schedule: MeetupSchedule; startsAt?: number; meetupAt?: number; notes: readonly string[] } {
  if (!SCHEDULE_NAME.test(request.name)) {
    throw new ScheduleInputError(
      `schedule name "${request.name}" is not valid.`,
      'Use letters, digits, "-", "_" or "." (at most 64), e.g. rgc3-december.',
    );
  }
  for (const [option, value] of [
    ['--at', request.at],
    ['--cron', request.cron],
  ] as const) {
    if (value !== undefined && value.trim() === '') {
      throw new ScheduleInputError(`${option} is empty.`, `${AT_FORMS} For a series: --cron "0 18 ? * WED *".`);
    }
  }
  if (Boolean(request.at) === Boolean(request.cron)) {
    throw new ScheduleInputError(
      'give exactly one of --at and --cron.',
      `--at "tomorrow 18:00" for one meetup, --cron "0 18 ? * WED *" for a series. ${AT_FORMS}`,
    );
  }
  if (!Number.isInteger(request.lead) || request.lead < 0 || request.lead > MAX_WINDOW) {
    throw new ScheduleInputError(`--lead ${request.lead} is out of range.`, `Give 0 to ${MAX_WINDOW} minutes.`);
  }
  if (!Number.isInteger(request.window) || request.window < 1 || request.window > MAX_WINDOW) {
    throw new ScheduleInputError(`--window ${request.window} is out of range.`, `Give 1 to ${MAX_WINDOW} minutes.`);
  }
  const tz = checkTimeZone(request.tz);
  const recorded = request.record ? ', recorded' : '';
  if (request.at) {
    const when = oneOff(request.at, tz, request.lead, now);
    return {
      schedule: {
        name: request.name,
        expression: when.expression,
        timeZone: when.timeZone,
        leadMinutes: request.lead,
        windowMinutes: request.window,
        oneOff: true,
        ...(request.record ? { record: true } : {}),
        description: `Meetup ${describeInstant(when.meetupAt, tz)} (${tz}); starts ${request.lead} min early, ${request.window}-min window${recorded}.`,
      },
      startsAt: when.startsAt,
      meetupAt: when.meetupAt,
      notes: when.notes,
    };
  }
  const cron = request.cron as string;
  const expression = recurring(cron, request.lead);
  const changes = cronClockChanges(cron.trim().split(/\s+/), request.lead, tz, now);
  const problem = changes.problems[0];
  if (problem) throw new ScheduleInputError(`--cron "${cron}": ${problem.message}`, problem.hint);
  return {
    schedule: {
      name: request.name,
      expression,
      timeZone: tz,
      leadMinutes: request.lead,
      windowMinutes: request.window,
      oneOff: false,
      ...(request.record ? { record: true } : {}),
      description: `Meetup cron ${cron} (${tz}); starts ${request.lead} min early, ${request.window}-min window${recorded}.`,
    },
    notes: changes.notes,
  };
}
