import type { MeetupSchedule } from '../control/ports.js';
import { SCHEDULE_NAME, ScheduleInputError } from '../schedule/expression.js';
import { meetupSchedule } from '../schedule/meetup.js';
import { canonicalTimeZone, naive, offsetAt, resolveLocal, wallOf, wallOfNaive } from '../schedule/time-zone.js';

/**
 * The organizer page's meetup form: the fields the page sends (a name, a start on the wall clock of a
 * time zone, the Record box), checked one by one so that each problem is said in plain words beside
 * its field, then built by the same rules as `meetctl schedule add` (src/schedule/meetup.ts). Pure.
 */

/** The fields of the page's form (`cron`, `lead` and `window` only through the API). */
export type MeetupField = 'name' | 'at' | 'tz' | 'cron' | 'lead' | 'window';

/** A problem with one field, in the page's words. */
export interface FieldProblem {
  readonly field: MeetupField;
  readonly error: string;
}

export interface MeetupForm {
  readonly name?: unknown;
  readonly at?: unknown;
  readonly cron?: unknown;
  readonly tz?: unknown;
  readonly lead?: unknown;
  readonly window?: unknown;
  readonly record?: unknown;
  /** How the browser writes times: `12h` (2:30 AM) or `24h` (02:30, the default). */
  readonly clock?: unknown;
}

export interface FormContext {
  readonly now: number;
  /** The config's `timeZone`, when it has one: the form's default. There is no other default (never UTC). */
  readonly timeZone?: string;
  /** The stack has a recorder: a ticked Record box records the meetup. */
  readonly recorder: boolean;
}

export type FormResult =
  | { readonly ok: true; readonly schedule: MeetupSchedule; readonly meetupAt?: number; readonly twice?: boolean }
  | ({ readonly ok: false } & FieldProblem);

/** A `datetime-local` value: 2026-12-03T18:00, seconds optional. */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const refuse = (field: MeetupField, error: string): FormResult => ({ ok: false, field, error });
const two = (n: number) => String(n).padStart(2, '0');

/** The meetup a form asks for, or the first field that is wrong and why. */
export function meetupFromForm(form: MeetupForm, context: FormContext): FormResult {
  const name = text(form.name);
  if (!name) return refuse('name', 'Give the meetup a name, for example december-meetup.');
  if (!SCHEDULE_NAME.test(name)) {
    return refuse('name', 'Use only letters, digits and - _ . in the name (at most 64), for example december-meetup.');
  }
  const cron = text(form.cron);
  const at = text(form.at);
  if (!cron && !at) return refuse('at', 'Pick the date and time the meetup starts.');
  const typedZone = text(form.tz);
  const zone = typedZone ?? context.timeZone;
  if (!zone) return refuse('tz', 'Choose the time zone the meetup is in, for example Europe/Berlin.');
  const tz = canonicalTimeZone(zone);
  if (!tz) return refuse('tz', `"${zone}" is not a time zone. Choose a place name such as Europe/Berlin or America/New_York.`);
  const whole = (v: unknown, fallback: number) => (v === undefined ? fallback : typeof v === 'number' ? v : Number.NaN);
  const lead = whole(form.lead, 15);
  let twice = false;
  if (at && !cron) {
    const local = checkLocal(at, tz, context.now, Number.isInteger(lead) ? lead : 0, form.clock === '12h');
    if ('field' in local) return { ok: false, ...local };
    twice = local.twice;
  }
  try {
    const built = meetupSchedule(
      {
        name,
        ...(cron ? { cron } : { at: at as string }),
        tz,
        lead,
        window: whole(form.window, 120),
        // A recorded meetup only where there is a recorder; the guard adds it once the meeting is READY.
        ...(form.record === true && context.recorder ? { record: true } : {}),
      },
      context.now,
    );
    return {
      ok: true,
      schedule: built.schedule,
      ...(built.meetupAt !== undefined ? { meetupAt: built.meetupAt } : {}),
      ...(twice ? { twice } : {}),
    };
  } catch (error) {
    if (error instanceof ScheduleInputError) return { ok: false, ...plainScheduleProblem(error) };
    throw error;
  }
}

/** The start time of the form: a real date, a time that exists in the zone, far enough ahead. */
function checkLocal(
  at: string,
  tz: string,
  now: number,
  leadMinutes: number,
  twelveHours: boolean,
): FieldProblem | { twice: boolean } {
  const match = LOCAL.exec(at);
  if (!match) return { field: 'at', error: 'Pick the date and time from the calendar, for example 2026-12-03 18:00.' };
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = { y, mo, d, h, mi, s };
  const back = wallOfNaive(naive(wall));
  if (back.y !== y || back.mo !== mo || back.d !== d || back.h !== h || back.mi !== mi) {
    return { field: 'at', error: `There is no ${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}: check the day and the time.` };
  }
  const resolved = resolveLocal(wall, tz);
  if (resolved.kind === 'gap') {
    // The jump starts a minute after the last minute before it, on the clock of before the jump.
    const from = wallOfNaive(resolved.before + offsetAt(resolved.before, tz) + 60_000);
    const to = wallOf(resolved.after, tz);
    const clock = (w: { h: number; mi: number }) =>
      twelveHours ? `${((w.h + 11) % 12) + 1}:${two(w.mi)} ${w.h < 12 ? 'AM' : 'PM'}` : `${two(w.h)}:${two(w.mi)}`;
    return {
      field: 'at',
      error: `${clock(wall)} does not exist that night in ${tz}: the clocks jump from ${clock(from)} to ${clock(to)}. Pick a time before ${clock(from)} or from ${clock(to)} on.`,
    };
  }
  const meetupAt = resolved.kind === 'unique' ? resolved.instant : resolved.earlier.instant;
  if (meetupAt <= now) return { field: 'at', error: 'That time has passed: pick one in the future.' };
  if (meetupAt - leadMinutes * 60_000 <= now) {
    return {
      field: 'at',
      error: `That is too soon: the server starts ${leadMinutes} minutes before a meetup. Pick a later time, or press Start now.`,
    };
  }
  return { twice: resolved.kind === 'overlap' };
}

/** A refusal of the shared rules, said for the page: which field, without the command line's option names. */
export function plainScheduleProblem(error: ScheduleInputError): FieldProblem {
  const options: ReadonlyArray<[string, MeetupField, string]> = [
    ['--at', 'at', 'the start time'],
    ['--cron', 'cron', 'the repeat rule'],
    ['--tz', 'tz', 'the time zone'],
    ['--lead', 'lead', 'the lead'],
    ['--window', 'window', 'the window'],
  ];
  const first = options.find(([option]) => error.message.startsWith(option));
  const field: MeetupField = first?.[1] ?? (error.message.startsWith('schedule name') ? 'name' : 'at');
  const plain = (words: string) => {
    let out = words;
    for (const [option, , said] of options) out = out.split(option).join(said);
    return out
      .replace(/`meetctl start`/g, 'press Start')
      .replace(/ or the config's "timeZone"/g, '')
      .replace(/pass the lead 0/g, 'set the lead to 0');
  };
  const sentence = plain(`${error.message} ${error.hint}`);
  return { field, error: sentence.charAt(0).toUpperCase() + sentence.slice(1) };
}
