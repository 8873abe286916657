import type { Phase } from '../control/phase.js';
import type { TransitionEvent } from '../control/ports.js';
import type { Snapshot } from '../control/snapshot.js';
import type { CostEstimate } from './model.js';

export interface MonthToDate {
  /** Start of the month (UTC, epoch ms). */
  readonly since: number;
  /** Hours a task ran this month (ended runs from the event log plus the run in progress). */
  readonly runningHours: number;
  /** Hours the load balancer existed without a task (stopped tier). */
  readonly stoppedHours: number;
  /** Hours powered down. */
  readonly poweredDownHours: number;
  /** Hours a recorder ran this month (ended runs plus the one in progress). */
  readonly recorderHours: number;
  /** Estimated cost so far: list prices, the plan's usage assumptions, fixed costs pro rata. */
  readonly costUsd: number;
}

export const monthStart = (now: number): number => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

const poweredDown = (phase: string) => phase === 'POWERED_DOWN' || phase === 'ABSENT';

/**
 * Month-to-date running hours and cost from the event log. Running time comes from the minutes each
 * stop recorded plus the task running now; the idle tier of each stretch between transitions comes
 * from the phases the log recorded.
 */
export function monthToDate(
  events: readonly TransitionEvent[],
  current: { phase: Phase | 'ABSENT'; runningSince?: number; recorderSince?: number },
  now: number,
  estimate: CostEstimate,
): MonthToDate {
  const since = monthStart(now);
  const inMonth = events.filter((e) => e.at >= since && e.at <= now).sort((a, b) => a.at - b.at);
  const endedMinutes = inMonth.reduce((sum, e) => sum + (e.runningMinutes ?? 0), 0);
  const liveHours = current.runningSince !== undefined ? (now - Math.max(current.runningSince, since)) / 3_600_000 : 0;
  const runningHours = endedMinutes / 60 + liveHours;
  const recorderMinutes = inMonth.reduce((sum, e) => sum + (e.recorderMinutes ?? 0), 0);
  const recorderLive = current.recorderSince !== undefined ? (now - Math.max(current.recorderSince, since)) / 3_600_000 : 0;
  const recorderHours = recorderMinutes / 60 + recorderLive;

  // Walk the stretches between transitions; before the first event the platform was where it came from.
  let downMs = 0;
  let cursor = since;
  let phase = inMonth.find((e) => e.outcome === 'done')?.from ?? current.phase;
  for (const e of inMonth.filter((e) => e.outcome === 'done' || e.outcome === 'failed')) {
    if (poweredDown(phase)) downMs += e.at - cursor;
    cursor = e.at;
    phase = e.to;
  }
  if (poweredDown(current.phase)) downMs += now - cursor;
  const totalHours = (now - since) / 3_600_000;
  const poweredDownHours = downMs / 3_600_000;
  const stoppedHours = Math.max(0, totalHours - poweredDownHours - runningHours);

  const fixedShare = estimate.fixedMonthlyUsd * (totalHours / estimate.hoursPerMonth);
  const costUsd =
    fixedShare +
    runningHours * estimate.runningHourUsd +
    stoppedHours * estimate.idleHourUsd.stopped +
    recorderHours * (estimate.recordingHourUsd ?? 0);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    since,
    runningHours: round(runningHours),
    stoppedHours: round(stoppedHours),
    poweredDownHours: round(poweredDownHours),
    recorderHours: round(recorderHours),
    costUsd: round(costUsd),
  };
}

/** When the meeting task and the recorder task running now began (for the run in progress). */
export function liveSince(snapshot: Snapshot): { runningSince?: number; recorderSince?: number } {
  const running = snapshot.tasks.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
  const recorder = snapshot.recorder?.tasks.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
  return {
    ...(running?.startedAt ? { runningSince: running.startedAt } : {}),
    ...(recorder?.startedAt ? { recorderSince: recorder.startedAt } : {}),
  };
}
