/**
 * Schedule expressions for EventBridge Scheduler, pure: one-off `at(...)` and `cron(...)` in a time
 * zone, each moved earlier by the pre-warm lead so the server is ready when the meetup starts.
 */
import {
  canonicalTimeZone,
  describeInstant,
  formatOffset,
  formatWall,
  naive,
  offsetAt,
  parseOffset,
  resolveLocal,
  TIME_ZONE_HINT,
  type Wall,
  wallOf,
  wallOfNaive,
} from './time-zone.js';

export class ScheduleInputError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ScheduleInputError';
  }
}

export const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

/** `2026-12-03T18:00`, `2026-12-03 18:00:30`, optionally with the offset that picks one of two equal wall times. */
const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/i;
/** `today 18:00`, `tomorrow 18:00`, `thursday 18:00` / `thu 18:00` (the next Thursday after today). */
const RELATIVE = /^([a-z]+)[T ](\d{1,2}):(\d{2})$/i;
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The `--at` forms, for hints. */
export const AT_FORMS =
  'Give the meetup start as "tomorrow 18:00", "thursday 18:00" (the next Thursday), "today 18:00" or YYYY-MM-DDTHH:MM, in --tz (or the config\'s "timeZone").';

/** `--tz`: an IANA time zone, spelled as IANA does (`europe/berlin` → `Europe/Berlin`). */
export function checkTimeZone(tz: string, option = '--tz'): string {
  const canonical = canonicalTimeZone(tz);
  if (!canonical) throw new ScheduleInputError(`${option} "${tz}" is not a time zone.`, TIME_ZONE_HINT);
  return canonical;
}

/** A one-off meetup: the expression of its pre-warm start and the instants involved. */
export interface OneOffSchedule {
  /** `at(…)`: the pre-warm start on the wall clock of `timeZone`. */
  readonly expression: string;
  /** The zone the expression is written in: the meetup's, or UTC when its wall time happens twice. */
  readonly timeZone: string;
  /** Epoch ms of the pre-warm start (the meetup minus the lead, on the absolute timeline). */
  readonly startsAt: number;
  /** Epoch ms of the meetup. */
  readonly meetupAt: number;
  /** Things a person should be told: which of two equal wall times was meant, a clock change in between. */
  readonly notes: readonly string[];
}

/** The local date and time `--at` names, with the offset it was given with (if any). */
function parseAt(at: string, tz: string, now: number): { wall: Wall; offsetMs?: number } {
  const text = at.trim();
  const absolute = ABSOLUTE.exec(text);
  if (absolute) {
    const [y, mo, d, h, mi, s] = absolute.slice(1, 7).map((v) => Number(v ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const wall = { y, mo, d, h, mi, s };
    if (!sameWall(wall, wallOfNaive(naive(wall)))) {
      throw new ScheduleInputError(
        `--at "${at}" is not a real date and time (month 01-12, a day that month has, hour 00-23, minute 00-59).`,
        `Check the date; nothing is corrected for you. ${AT_FORMS}`,
      );
    }
    const offsetMs = absolute[7] ? parseOffset(absolute[7]) : undefined;
    if (absolute[7] && offsetMs === undefined) {
      throw new ScheduleInputError(
        `--at "${at}" ends in "${absolute[7]}", which is not a UTC offset.`,
        'Write the offset as +01:00 or -05:00, or leave it out.',
      );
    }
    return { wall, ...(offsetMs !== undefined ? { offsetMs } : {}) };
  }
  const relative = RELATIVE.exec(text);
  const word = relative?.[1]?.toLowerCase() ?? '';
  const weekday = word.length >= 3 ? WEEKDAY_NAMES.findIndex((name) => name.startsWith(word)) : -1;
  if (!relative || (word !== 'today' && word !== 'tomorrow' && weekday < 0)) {
    throw new ScheduleInputError(`--at "${at}" is not a date and time meetctl reads.`, AT_FORMS);
  }
  const h = Number(relative[2]);
  const mi = Number(relative[3]);
  if (h > 23 || mi > 59) {
    throw new ScheduleInputError(`--at "${at}" is not a real time (hour 00-23, minute 00-59).`, AT_FORMS);
  }
  // Today is the date on the zone's wall clock now; a weekday is the next one after today.
  const today = wallOf(now, tz);
  const todayNaive = Date.UTC(today.y, today.mo - 1, today.d);
  const days = word === 'today' ? 0 : word === 'tomorrow' ? 1 : (weekday - new Date(todayNaive).getUTCDay() + 7) % 7 || 7;
  const date = wallOfNaive(todayNaive + days * 86_400_000);
  return { wall: { y: date.y, mo: date.mo, d: date.d, h, mi, s: 0 } };
}

const sameWall = (a: Wall, b: Wall) => a.y === b.y && a.mo === b.mo && a.d === b.d && a.h === b.h && a.mi === b.mi && a.s === b.s;
const clock = (w: Wall) => formatWall(w).slice(11, 16);

/**
 * The instant a meetup's wall-clock time means in its zone. A time the clocks jump over is refused
 * with the nearest times that exist; a time that happens twice is the first unless an offset picks
 * the second, and the note says which was taken.
 */
function meetupInstant(at: string, wall: Wall, offsetMs: number | undefined, tz: string): { instant: number; notes: string[] } {
  const resolved = resolveLocal(wall, tz);
  const shown = formatWall(wall);
  if (resolved.kind === 'gap') {
    const before = wallOf(resolved.before, tz);
    const after = wallOf(resolved.after, tz);
    throw new ScheduleInputError(
      `--at ${shown} does not exist in ${tz}: that night the clocks jump from ${clock(wallOfNaive(resolved.after + offsetAt(resolved.before, tz)))} to ${clock(after)} (${formatOffset(offsetAt(resolved.before, tz))} to ${formatOffset(offsetAt(resolved.after, tz))}).`,
      `The nearest times that exist are ${formatWall(before)} and ${formatWall(after)}; give one of them.`,
    );
  }
  const candidates = resolved.kind === 'unique' ? [resolved] : [resolved.earlier, resolved.later];
  if (offsetMs !== undefined) {
    const picked = candidates.find((c) => c.offsetMs === offsetMs);
    if (!picked) {
      throw new ScheduleInputError(
        `--at ${at}: ${shown} in ${tz} is at ${candidates.map((c) => formatOffset(c.offsetMs)).join(' or ')}, not ${formatOffset(offsetMs)}.`,
        `Leave the offset out (the time is read in ${tz}), or give the zone's own offset.`,
      );
    }
    return { instant: picked.instant, notes: [] };
  }
  if (resolved.kind === 'unique') return { instant: resolved.instant, notes: [] };
  const { earlier, later } = resolved;
  const isoDate = `${wall.y}-${String(wall.mo).padStart(2, '0')}-${String(wall.d).padStart(2, '0')}`;
  return {
    instant: earlier.instant,
    notes: [
      `${shown} happens twice in ${tz} (the clocks go back that night): taken as the first, ${clock(wall)} ${formatOffset(earlier.offsetMs)}. For the second, give --at ${isoDate}T${clock(wall)}${formatOffset(later.offsetMs)}.`,
    ],
  };
}

/**
 * `--at tomorrow 18:00` or `--at 2026-12-03T18:00` (the meetup's start, on the wall clock of `tz`) → the
 * one-off expression of the start `lead` minutes earlier. The lead is subtracted on the absolute
 * timeline, so a clock change between the start and the meetup cannot move the start into an hour
 * that does not exist. Refuses times in the past.
 */
export function oneOff(at: string, tz: string, leadMinutes: number, now: number): OneOffSchedule {
  const { wall, offsetMs } = parseAt(at, tz, now);
  const { instant: meetupAt, notes } = meetupInstant(at, wall, offsetMs, tz);
  const startsAt = meetupAt - leadMinutes * 60_000;
  if (startsAt <= now) {
    throw new ScheduleInputError(
      `--at ${at} (${describeInstant(meetupAt, tz)} in ${tz}) minus the ${leadMinutes}-minute lead is in the past.`,
      `Give a future meetup time, or \`meetctl start\` now. ${AT_FORMS}`,
    );
  }
  const start = wallOf(startsAt, tz);
  if (offsetAt(startsAt, tz) !== offsetAt(meetupAt, tz)) {
    notes.push(
      `The clocks change between the start and the meetup: the server starts at ${describeInstant(startsAt, tz)}, ${leadMinutes} minutes before ${describeInstant(meetupAt, tz)}.`,
    );
  }
  // EventBridge Scheduler runs a wall time that happens twice only once, and AWS does not say which:
  // such a start is written in UTC, where every time happens once.
  if (resolveLocal(start, tz).kind === 'overlap') {
    const utc = wallOfNaive(startsAt);
    notes.push(
      `The server start, ${formatWall(start)} ${formatOffset(offsetAt(startsAt, tz))}, happens twice on the wall clock of ${tz}, so the schedule is written in UTC (${formatWall(utc)} UTC).`,
    );
    return { expression: atExpression(utc), timeZone: 'UTC', startsAt, meetupAt, notes };
  }
  return { expression: atExpression(start), timeZone: tz, startsAt, meetupAt, notes };
}

const atExpression = (w: Wall) => `at(${formatWall({ ...w, s: 0 }).replace(' ', 'T')}:${String(w.s).padStart(2, '0')})`;

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** One cron field: `*`, or a comma list of values, ranges `a-b` and steps `x/n`, each within bounds. */
function fieldOk(text: string, min: number, max: number, names: readonly string[] = [], extra?: RegExp): boolean {
  if (text === '*') return true;
  const value = (v: string) => {
    const named = names.indexOf(v.toUpperCase());
    if (named >= 0) return named + (min === 0 ? 0 : 1);
    return /^\d+$/.test(v) ? Number(v) : Number.NaN;
  };
  const within = (v: string) => {
    const n = value(v);
    return Number.isInteger(n) && n >= min && n <= max;
  };
  return text.split(',').every((part) => {
    if (extra?.test(part)) return true;
    const [range, step] = part.split('/');
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return false;
    if (range === '*' && step !== undefined) return true;
    const [from, to] = (range ?? '').split('-');
    return within(from ?? '') && (to === undefined || within(to));
  });
}

/**
 * EventBridge Scheduler's cron: minutes 0-59, hours 0-23, day-of-month 1-31 (or L, W), month 1-12 or
 * JAN-DEC, day-of-week 1-7 or SUN-SAT (or L, #), year 1970-2199, and exactly one of the two day
 * fields must be `?`. Anything else is refused, never corrected.
 */
function checkCronFields(
  f: { minute: string; hour: string; dom: string; month: string; dow: string; year: string },
  cron: string,
): void {
  const problems: string[] = [];
  if (!fieldOk(f.minute, 0, 59)) problems.push(`minutes "${f.minute}" (0-59)`);
  if (!fieldOk(f.hour, 0, 23)) problems.push(`hours "${f.hour}" (0-23)`);
  if (f.dom !== '?' && !fieldOk(f.dom, 1, 31, [], /^(L|LW|\d{1,2}W)$/)) problems.push(`day-of-month "${f.dom}" (1-31, ?, L, W)`);
  if (!fieldOk(f.month, 1, 12, MONTHS)) problems.push(`month "${f.month}" (1-12 or JAN-DEC)`);
  if (f.dow !== '?' && !fieldOk(f.dow, 1, 7, DAYS, /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])$/i))
    problems.push(`day-of-week "${f.dow}" (1-7 or SUN-SAT, ?, L, #)`);
  if (!fieldOk(f.year, 1970, 2199)) problems.push(`year "${f.year}" (1970-2199 or *)`);
  if ((f.dom === '?') === (f.dow === '?')) {
    problems.push('exactly one of day-of-month and day-of-week must be "?" (EventBridge rejects both or neither)');
  }
  if (problems.length > 0) {
    throw new ScheduleInputError(
      `--cron "${cron}" is not a valid EventBridge cron: ${problems.join('; ')}.`,
      'Six fields: minutes hours day-of-month month day-of-week year, e.g. "0 18 ? * WED *" for Wednesdays at 18:00.',
    );
  }
}

function previousDay(field: string): string {
  return field
    .split(',')
    .map((day) => {
      const upper = day.toUpperCase();
      const byName = DAYS.indexOf(upper);
      if (byName >= 0) return DAYS[(byName + 6) % 7] as string;
      const n = Number(day);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: checkCronFields refused every other day number before
      if (Number.isInteger(n) && n >= 1 && n <= 7) return String(((n + 5) % 7) + 1);
      throw new ScheduleInputError(
        `cannot move day-of-week "${day}" one day earlier.`,
        'Give the cron of the pre-warm time yourself and pass --lead 0.',
      );
    })
    .join(',');
}

/**
 * `--cron "0 18 ? * WED *"` (EventBridge's six fields, the meetup start) → the same cron `lead`
 * minutes earlier. Minutes and hours must be single numbers; crossing midnight moves the weekday.
 */
export function recurring(cron: string, leadMinutes: number): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleInputError(
      `--cron "${cron}" has ${fields.length} fields, EventBridge needs 6.`,
      'minutes hours day-of-month month day-of-week year, e.g. "0 18 ? * WED *" for Wednesdays at 18:00.',
    );
  }
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  checkCronFields({ minute, hour, dom, month, dow, year }, cron);
  if (leadMinutes === 0) return `cron(${fields.join(' ')})`;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour)) {
    throw new ScheduleInputError(
      `--cron minutes and hours must be single numbers to subtract the ${leadMinutes}-minute lead.`,
      'Give the cron of the pre-warm time yourself and pass --lead 0.',
    );
  }
  let total = Number(hour) * 60 + Number(minute) - leadMinutes;
  let dayOfWeek = dow;
  let dayOfMonth = dom;
  if (total < 0) {
    total += 24 * 60;
    if (dow !== '?' && dow !== '*') dayOfWeek = previousDay(dow);
    else if (dom !== '?' && dom !== '*') {
      throw new ScheduleInputError(
        'the lead crosses midnight on a day-of-month schedule.',
        'Give the cron of the pre-warm time yourself and pass --lead 0.',
      );
    } else dayOfMonth = dom;
  }
  return `cron(${total % 60} ${Math.floor(total / 60)} ${dayOfMonth} ${month} ${dayOfWeek} ${year})`;
}
