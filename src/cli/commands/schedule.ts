import * as path from 'node:path';
import { OUTPUT_NAMES } from '../../control/outputs.js';
import { ExitCode, MeetError } from '../../errors.js';
import { checkTimeZone, SCHEDULE_NAME, ScheduleInputError } from '../../schedule/expression.js';
import { type MeetupRequest, meetupSchedule } from '../../schedule/meetup.js';
import { describeInstant } from '../../schedule/time-zone.js';
import type { Context } from '../context.js';
import { table } from '../output.js';
import { openSession, type Session } from '../session.js';

/** `schedule add`'s options: a meetup request without the name (an argument); the zone may come from the config. */
export type ScheduleAddOptions = Omit<MeetupRequest, 'name' | 'tz'> & { readonly tz?: string };

async function targets(session: Session) {
  const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
  const group = stack?.outputs[OUTPUT_NAMES.scheduleGroup];
  const functionArn = stack?.outputs[OUTPUT_NAMES.scheduledStart];
  const roleArn = stack?.outputs[OUTPUT_NAMES.schedulerRole];
  if (!group || !functionArn || !roleArn) {
    throw new MeetError(
      `stack ${session.config.stackName} has no schedule group.`,
      ExitCode.failed,
      'Deploy the current version first (`meetctl deploy`).',
    );
  }
  return { group, functionArn, roleArn, recorder: Boolean(stack?.outputs[OUTPUT_NAMES.recorderGroup]) };
}

/** A schedule input error (a bad time zone, a bad --at) as the usage error people read (exit 2). */
export function inputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ScheduleInputError) throw new MeetError(error.message, ExitCode.usage, error.hint);
    throw error;
  }
}

/** `schedule add`'s options: a meetup request without the name (an argument); the zone may come from the config. */
/**
 * The time zone of a command's local times: --tz, else the config's "timeZone". Never a silent UTC:
 * with neither, the command says where to set it.
 */
export function timeZoneOf(tz: string | undefined, config: { readonly timeZone?: string | undefined }, file: string): string {
  if (tz !== undefined) return inputError(() => checkTimeZone(tz));
  if (config.timeZone) return config.timeZone;
  throw new MeetError(
    `no time zone for the meetup time: neither --tz nor "timeZone" in ${file}.`,
    ExitCode.usage,
    'Set "timeZone" in the config once, e.g. "timeZone": "Europe/Berlin" (the zone your meetups are in), or pass --tz Europe/Berlin.',
  );
}

/** `meetctl schedule add NAME (--at LOCAL | --cron EXPR) [--tz] [--lead] [--window] [--record]`. */
export async function scheduleAdd(ctx: Context, name: string, options: ScheduleAddOptions): Promise<number> {
  const { config, file } = await ctx.loadConfig(Boolean(ctx.deps.simulation));
  const tz = timeZoneOf(options.tz, config, path.basename(file));
  const { schedule, startsAt, meetupAt, notes } = inputError(() =>
    meetupSchedule({ name, ...options, tz }, ctx.deps.clock.now()),
  );
  if (options.record && !config.recording.enabled) throw noRecorder(file);
  const session = await openSession(ctx);
  const when = meetupAt !== undefined ? describeInstant(meetupAt, tz) : undefined;
  if (ctx.options.dryRun) {
    if (ctx.options.json) ctx.out.json({ dryRun: true, schedule, notes });
    else {
      ctx.out.line(
        `Would create schedule ${name}: ${when ? `the meetup is ${when} (${tz}); ` : ''}the server starts ${describeExpression(schedule.expression)} (${schedule.timeZone}).`,
      );
      for (const note of notes) ctx.out.note(note);
    }
    return ExitCode.ok;
  }
  const { group, functionArn, roleArn, recorder } = await targets(session);
  if (options.record && !recorder) throw noRecorder(file);
  await session
    .guard('creating the schedule', () => session.ports.schedules.create(group, schedule, { functionArn, roleArn }))
    .catch((error: unknown) => {
      if (error instanceof MeetError && /ConflictException/.test(error.message)) {
        throw new MeetError(
          `a schedule named ${name} already exists.`,
          ExitCode.failed,
          `Remove it first: meetctl schedule remove ${name}`,
        );
      }
      throw error;
    });
  if (ctx.options.json)
    ctx.out.json({
      created: true,
      schedule,
      ...(startsAt !== undefined ? { startsAt: new Date(startsAt).toISOString() } : {}),
      ...(meetupAt !== undefined ? { meetupAt: new Date(meetupAt).toISOString() } : {}),
      notes,
    });
  else {
    ctx.out.line(
      when
        ? `Scheduled ${name}: the meetup is ${when} (${tz}); the server starts ${describeExpression(schedule.expression)}${schedule.timeZone === tz ? '' : ` ${schedule.timeZone}`}, ${options.lead} min before.`
        : `Scheduled ${name}: the server starts ${describeExpression(schedule.expression)} (${tz}), ${options.lead} min before each meetup.`,
    );
    for (const note of notes) ctx.out.note(note);
    ctx.out.line('If it is already running then, nothing happens; the idle stop leaves the meeting alone until the window ends.');
  }
  return ExitCode.ok;
}

/** `schedule add --record` where there is no recorder to start. */
function noRecorder(file: string): MeetError {
  return new MeetError(
    '--record: this deployment has no recorder (server-side recording is off).',
    ExitCode.usage,
    `Set "recording": { "enabled": true } in ${path.basename(file)} and run \`meetctl deploy\`, or schedule without --record.`,
  );
}

/** `meetctl schedule list`. */
export async function scheduleList(ctx: Context): Promise<number> {
  const session = await openSession(ctx);
  const { group } = await targets(session);
  const schedules = await session.guard('listing schedules', () => session.ports.schedules.list(group));
  if (ctx.options.json) ctx.out.json({ group, schedules });
  else if (schedules.length === 0)
    ctx.out.line(
      'No schedules. Add one with `meetctl schedule add NAME --at "tomorrow 18:00"` (or --cron "0 18 ? * WED *" for every Wednesday).',
    );
  else {
    ctx.out.line(
      table(
        ['Name', 'Starts (pre-warm)', 'Time zone', 'Lead', 'Window', 'Recorder', 'State'],
        schedules.map((s) => [
          s.name,
          describeExpression(s.expression),
          s.timeZone,
          `${s.leadMinutes} min`,
          `${s.windowMinutes} min`,
          s.record ? 'yes' : '-',
          s.state ?? '-',
        ]),
      ),
    );
  }
  return ExitCode.ok;
}

/** `meetctl schedule remove NAME`. */
export async function scheduleRemove(ctx: Context, name: string): Promise<number> {
  if (!SCHEDULE_NAME.test(name)) {
    throw new MeetError(`schedule name "${name}" is not valid.`, ExitCode.usage, '`meetctl schedule list` shows the names.');
  }
  const session = await openSession(ctx);
  const { group } = await targets(session);
  if (ctx.options.dryRun) {
    ctx.out.line(`Would remove schedule ${name} from ${group}.`);
    return ExitCode.ok;
  }
  await session
    .guard('removing the schedule', () => session.ports.schedules.remove(group, name))
    .catch((error: unknown) => {
      if (error instanceof MeetError && /ResourceNotFoundException/.test(error.message)) {
        throw new MeetError(`there is no schedule named ${name}.`, ExitCode.failed, 'See `meetctl schedule list`.');
      }
      throw error;
    });
  if (ctx.options.json) ctx.out.json({ removed: name });
  else ctx.out.line(`Removed schedule ${name}.`);
  return ExitCode.ok;
}

/** `at(2026-12-03T17:45:00)` → "on 2026-12-03 at 17:45"; `cron(45 17 ? * WED *)` → "by cron 45 17 ? * WED *". */
export function describeExpression(expression: string): string {
  const at = /^at\((\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(expression);
  if (at) return `on ${at[1]} at ${at[2]}`;
  const cron = /^cron\((.*)\)$/.exec(expression);
  return cron ? `by cron "${cron[1]}"` : expression;
}
