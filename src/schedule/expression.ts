/**
 * Schedule expressions for EventBridge Scheduler, pure: one-off `at(...)` and `cron(...)` in a time
 * zone, each moved earlier by the pre-warm lead so the server is ready when the meetup starts.
 */
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
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new ScheduleInputError(
      `--tz "${tz}" is not a time zone.`,
      'Use an IANA name such as America/New_York, America/Denver or UTC.',
    );
  }
}

/** Offset of a time zone from UTC at an instant, in milliseconds. */
function offsetMs(instant: number, tz: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - instant;
}

/** The UTC instant of a wall-clock time in a time zone. */
export function zonedToUtc(local: { y: number; mo: number; d: number; h: number; mi: number; s: number }, tz: string): number {
  const naive = Date.UTC(local.y, local.mo - 1, local.d, local.h, local.mi, local.s);
  let instant = naive - offsetMs(naive, tz);
  instant = naive - offsetMs(instant, tz); // once more across a DST change
  return instant;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `--at 2026-12-03T18:00` (local time in `tz`, the meetup's start) → the one-off expression for
 * `lead` minutes earlier, and its UTC instant. Refuses times in the past.
 */
export function oneOff(
  at: string,
  tz: string,
  leadMinutes: number,
  now: number,
): { expression: string; startsAt: number; meetupAt: number } {
  const m = LOCAL_TIME.exec(at);
  if (!m)
    throw new ScheduleInputError(
      `--at "${at}" is not a local date and time.`,
      'Use YYYY-MM-DDTHH:MM, e.g. 2026-12-03T18:00 (the meetup start, in --tz).',
    );
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const real = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const exists =
    real.getUTCFullYear() === y &&
    real.getUTCMonth() === mo - 1 &&
    real.getUTCDate() === d &&
    real.getUTCHours() === h &&
    real.getUTCMinutes() === mi &&
    real.getUTCSeconds() === s;
  if (!exists) {
    throw new ScheduleInputError(
      `--at "${at}" is not a real date and time (month 01-12, a day that month has, hour 00-23, minute 00-59).`,
      'Check the date, e.g. 2026-12-03T18:00; nothing is corrected for you.',
    );
  }
  const meetupAt = zonedToUtc({ y, mo, d, h, mi, s }, tz);
  const startsAt = meetupAt - leadMinutes * 60_000;
  if (startsAt <= now) {
    throw new ScheduleInputError(
      `--at ${at} (${tz}) minus the ${leadMinutes}-minute lead is in the past.`,
      'Give a future meetup time, or `meetctl start` now.',
    );
  }
  // The expression is wall-clock time in the schedule's time zone: shift the local time itself.
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - leadMinutes * 60_000);
  const expression = `at(${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())})`;
  return { expression, startsAt, meetupAt };
}

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
