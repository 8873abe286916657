import { plot } from 'simple-ascii-chart';
import { logGroupsFrom } from '../../control/observe.js';
import { estimateForConfig } from '../../cost/model.js';
import { ExitCode, MeetError } from '../../errors.js';
import { localTime, type Meetup, meetupsFrom, monthTotals } from '../../report/meetups.js';
import { checkTimeZone } from '../../schedule/expression.js';
import { canonicalTimeZone } from '../../schedule/time-zone.js';
import type { Context } from '../context.js';
import { table, usd } from '../output.js';
import { openSession, type Session } from '../session.js';
import { parseDuration } from './inspect.js';
import { inputError } from './schedule.js';

/**
 * `meetctl report [--since 30d] [--tz ZONE]`: one line per meetup (start in the meetup's time zone,
 * stop, who, peak participants, hours, cost), totals per month, and a chart of the hours per meetup.
 */
export async function report(ctx: Context, options: { since?: string; tz?: string }): Promise<number> {
  const sinceMs = parseDuration(options.since ?? '30d');
  const asked = options.tz !== undefined ? inputError(() => checkTimeZone(options.tz as string)) : undefined;
  const session = await openSession(ctx);
  // --tz, else the config's zone, else this computer's (said below, since it may not be the meetups').
  const computer = canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC') ?? 'UTC';
  const timeZone = asked ?? session.config.timeZone ?? computer;
  const whose =
    asked || session.config.timeZone ? '' : ' (this computer\'s time zone: set "timeZone" in the config or pass --tz)';
  const { meetups, estimate, since } = await readMeetups(session, sinceMs);
  const months = monthTotals(meetups, timeZone);
  const totals = {
    meetups: meetups.length,
    hours: Math.round(meetups.reduce((s, m) => s + m.hours, 0) * 100) / 100,
    costUsd: Math.round(meetups.reduce((s, m) => s + m.costUsd, 0) * 100) / 100,
  };
  if (ctx.options.json) {
    ctx.out.json({
      since: new Date(since).toISOString(),
      timeZone,
      meetups: meetups.map((m) => meetupJson(m, timeZone)),
      months,
      totals,
      pricesAsOf: estimate.pricesAsOf,
    });
    return ExitCode.ok;
  }
  if (meetups.length === 0) {
    ctx.out.line(`No meetups in the last ${options.since ?? '30d'}.`);
    return ExitCode.ok;
  }
  ctx.out.note(
    `Times are ${timeZone}${whose}; costs are estimates from list prices of ${estimate.pricesAsOf} (the AWS bill is authoritative).`,
  );
  printMeetups(ctx, meetups, months, totals, timeZone);
  return ExitCode.ok;
}

/** The meetups of the last `sinceMs` from the event log and the stats lines, priced with the config's estimate. */
async function readMeetups(session: Session, sinceMs: number) {
  const stack = await session.guard('reading the stack', () => session.ports.stack.describe());
  if (!stack)
    throw new MeetError(`stack ${session.config.stackName} does not exist.`, ExitCode.failed, 'Run `meetctl deploy` first.');
  const now = session.clock.now();
  const since = now - sinceMs;
  // Starts can be logged long before their stop: read the log a day further back.
  const events = await session.guard('reading the event log', () => session.ports.state.events(since - 86_400_000));
  const statsGroup = logGroupsFrom(stack.outputs).stats;
  const samples = statsGroup
    ? await session.guard('reading the stats lines', () => session.ports.participants.samples(statsGroup, since - 86_400_000))
    : [];
  const estimate = estimateForConfig(session.config);
  const meetups = meetupsFrom(
    events,
    samples,
    {
      runningHourUsd: estimate.runningHourUsd,
      ...(estimate.recordingHourUsd !== undefined ? { recordingHourUsd: estimate.recordingHourUsd } : {}),
    },
    { since, now },
  );
  return { meetups, estimate, since };
}

function meetupJson(m: Meetup, timeZone: string) {
  return {
    start: new Date(m.start).toISOString(),
    startLocal: localTime(m.start, timeZone),
    ...(m.stop !== undefined ? { stop: new Date(m.stop).toISOString() } : { running: true }),
    startedBy: m.startedBy,
    ...(m.stoppedBy ? { stoppedBy: m.stoppedBy } : {}),
    hours: m.hours,
    ...(m.recorderHours > 0 ? { recorderHours: m.recorderHours } : {}),
    peakParticipants: m.peakParticipants ?? null,
    costUsd: m.costUsd,
  };
}

/** The meetups table, the months table, the totals and, from two meetups on, a chart of their hours. */
function printMeetups(
  ctx: Context,
  meetups: readonly Meetup[],
  months: ReturnType<typeof monthTotals>,
  totals: { meetups: number; hours: number; costUsd: number },
  timeZone: string,
): void {
  ctx.out.line(
    table(
      ['Start', 'Stop', 'Started by', 'Stopped by', 'Peak', 'Hours', 'Cost'],
      meetups.map((m) => [
        localTime(m.start, timeZone),
        m.stop !== undefined ? localTime(m.stop, timeZone).slice(15) : 'running',
        m.startedBy,
        m.stoppedBy ?? '-',
        m.peakParticipants !== undefined ? String(m.peakParticipants) : '-',
        m.hours.toFixed(2) + (m.recorderHours > 0 ? ` (rec ${m.recorderHours.toFixed(2)})` : ''),
        usd(m.costUsd),
      ]),
    ),
  );
  ctx.out.line();
  ctx.out.line(
    table(
      ['Month', 'Meetups', 'Hours', 'Cost'],
      months.map((t) => [t.month, String(t.meetups), t.hours.toFixed(2), usd(t.costUsd)]),
    ),
  );
  ctx.out.line(
    `In all: ${totals.meetups} ${totals.meetups === 1 ? 'meetup' : 'meetups'}, ${totals.hours} ${totals.hours === 1 ? 'hour' : 'hours'}, about ${usd(totals.costUsd)} for the running hours (fixed costs not included).`,
  );
  if (meetups.length > 1) {
    ctx.out.line();
    ctx.out.line(
      plot(
        meetups.map((m, i) => [i + 1, m.hours] as [number, number]),
        {
          mode: 'bar',
          width: Math.min(60, Math.max(20, meetups.length * 4)),
          height: 6,
          title: 'Hours per meetup (oldest first)',
        },
      ),
    );
  }
}
