import type { TransitionEvent } from '../control/ports.js';
import type { StatsSample } from '../control/snapshot.js';

/**
 * Meetups from the event log: a run of the meeting task, from the start that got it READY to the
 * stop that ended it, with who did each, its hours (what the stop recorded), the recorder's hours,
 * and the peak number of people from the stats sidecar's lines when they are still kept. Pure.
 */
export interface Meetup {
  /** Epoch ms the task started (or, for a run that began before the log window, its stop minus its minutes). */
  readonly start: number;
  /** Epoch ms of the stop; undefined while it runs. */
  readonly stop?: number;
  readonly startedBy: string;
  readonly stoppedBy?: string;
  readonly hours: number;
  readonly recorderHours: number;
  /** Most people in calls at once; undefined when no stats line of the run is left. */
  readonly peakParticipants?: number;
  readonly costUsd: number;
}

export interface MeetupRates {
  readonly runningHourUsd: number;
  readonly recordingHourUsd?: number;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The meetups whose start (or stop) falls at or after `since`, oldest first. */
export function meetupsFrom(
  events: readonly TransitionEvent[],
  samples: readonly StatsSample[],
  rates: MeetupRates,
  options: { since: number; now: number },
): Meetup[] {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const out: Array<Omit<Meetup, 'peakParticipants' | 'costUsd'>> = [];
  let open: { start: number; startedBy: string } | undefined;
  for (const e of sorted) {
    // A start that replaced a DEGRADED task ends that run first (its minutes) and then begins its own.
    if ((e.runningMinutes ?? 0) > 0) {
      const minutes = e.runningMinutes ?? 0;
      const start = open?.start ?? e.at - minutes * 60_000;
      out.push({
        start,
        stop: e.at,
        startedBy: open?.startedBy ?? 'before the log',
        stoppedBy: e.actor,
        hours: round(minutes / 60),
        recorderHours: round((e.recorderMinutes ?? 0) / 60),
      });
      open = undefined;
    }
    if (e.taskStartedAt !== undefined && e.outcome === 'done' && !open) open = { start: e.taskStartedAt, startedBy: e.actor };
  }
  if (open)
    out.push({
      start: open.start,
      startedBy: open.startedBy,
      hours: round((options.now - open.start) / 3_600_000),
      recorderHours: 0,
    });
  return out
    .filter((m) => (m.stop ?? options.now) >= options.since)
    .map((m) => {
      const inRun = samples.filter((s) => s.at >= m.start && s.at <= (m.stop ?? options.now));
      const peak = inRun.length > 0 ? Math.max(...inRun.map((s) => s.participants)) : undefined;
      return {
        ...m,
        ...(peak !== undefined ? { peakParticipants: peak } : {}),
        costUsd: round(m.hours * rates.runningHourUsd + m.recorderHours * (rates.recordingHourUsd ?? 0)),
      };
    });
}

/** "Thu 2026-12-03 18:00" in a time zone (the wall clock people met at, daylight saving included). */
export function localTime(at: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The month a meetup belongs to in a time zone, e.g. "2026-03". */
export function localMonth(at: number, timeZone: string): string {
  return localTime(at, timeZone).slice(4, 11);
}

export interface MonthTotal {
  readonly month: string;
  readonly meetups: number;
  readonly hours: number;
  readonly costUsd: number;
}

/** Meetups per local month, in order. */
export function monthTotals(meetups: readonly Meetup[], timeZone: string): MonthTotal[] {
  const months = new Map<string, { meetups: number; hours: number; costUsd: number }>();
  for (const m of meetups) {
    const key = localMonth(m.start, timeZone);
    const t = months.get(key) ?? { meetups: 0, hours: 0, costUsd: 0 };
    months.set(key, { meetups: t.meetups + 1, hours: t.hours + m.hours, costUsd: t.costUsd + m.costUsd });
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, t]) => ({ month, meetups: t.meetups, hours: round(t.hours), costUsd: round(t.costUsd) }));
}
