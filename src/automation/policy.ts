import { phase } from '../control/phase.js';
import type { MeetingWindow } from '../control/ports.js';
import { isLive, type Snapshot, type TaskSnapshot } from '../control/snapshot.js';

/** The automation's settings, from the config. */
export interface AutomationSettings {
  /** Minutes without participants before the idle stop acts (the alarm's evaluation window). */
  readonly idleStopMinutes: number;
  /** Minutes after a task started during which the idle stop waits for the first people. */
  readonly startGraceMinutes: number;
  /** Hours a task may run outside a scheduled window before the guard stops it. */
  readonly maxRuntimeHours: number;
}

/** A start that is not READY after this many minutes has failed: the guard stops it and alerts. */
export const START_DEADLINE_MINUTES = 20;

export type Decision =
  | { readonly act: false; readonly why: string }
  | { readonly act: true; readonly why: string; readonly alert: string };

const MINUTE = 60_000;

function runningTask(snapshot: Snapshot): TaskSnapshot | undefined {
  return snapshot.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');
}

export const windowActive = (window: MeetingWindow | undefined, now: number): window is MeetingWindow =>
  window !== undefined && window.from <= now && now < window.until;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Whether the idle alarm should stop the platform. Never during the grace period after a start,
 * never inside a scheduled window, never while the stats say someone is there.
 */
export function decideIdleStop(snapshot: Snapshot, window: MeetingWindow | undefined, settings: AutomationSettings): Decision {
  const now = snapshot.at;
  const task = runningTask(snapshot);
  if (!task) return { act: false, why: 'no task is running' };
  const since = task.startedAt ?? task.createdAt;
  if (now - since < settings.startGraceMinutes * MINUTE) {
    return { act: false, why: `within the ${settings.startGraceMinutes}-minute grace after the start at ${iso(since)} UTC` };
  }
  if (windowActive(window, now))
    return { act: false, why: `inside the scheduled window "${window.schedule}" until ${iso(window.until)} UTC` };
  if ((snapshot.participants ?? 0) > 0) return { act: false, why: `${snapshot.participants} people are in a call` };
  return {
    act: true,
    why: `nobody in a call for ${settings.idleStopMinutes} minutes`,
    alert: `Stopped ${snapshot.stack.name}: nobody was in a call for ${settings.idleStopMinutes} minutes (task running since ${iso(since)} UTC).`,
  };
}

/**
 * What the runtime guard does on its 5-minute round: stop a task that ran past the maximum outside a
 * scheduled window, and stop a start that failed or never became ready. Each stop alerts.
 */
export function decideGuard(snapshot: Snapshot, window: MeetingWindow | undefined, settings: AutomationSettings): Decision {
  const now = snapshot.at;
  const current = phase(snapshot);
  if (current === 'FAILED' && snapshot.service && snapshot.service.desired > 0) {
    const stopped = snapshot.tasks.find((t) => !isLive(t) && t.stoppedReason);
    return {
      act: true,
      why: 'the start failed',
      alert: `A start of ${snapshot.stack.name} failed and was stopped: ${stopped?.stoppedReason ?? 'the task keeps stopping'}. Run \`meetctl logs\` for details.`,
    };
  }
  const task = runningTask(snapshot);
  if (!task) return { act: false, why: 'no task is running' };
  if (current === 'STARTING' && now - task.createdAt > START_DEADLINE_MINUTES * MINUTE) {
    return {
      act: true,
      why: `not ready ${START_DEADLINE_MINUTES} minutes after the start`,
      alert: `${snapshot.stack.name} did not become ready within ${START_DEADLINE_MINUTES} minutes (task ${task.lastStatus}); it was stopped. Run \`meetctl health\` after the next start.`,
    };
  }
  const since = task.startedAt ?? task.createdAt;
  const hours = (now - since) / 3_600_000;
  if (hours > settings.maxRuntimeHours && !windowActive(window, now)) {
    return {
      act: true,
      why: `ran ${hours.toFixed(1)} h, longer than the ${settings.maxRuntimeHours} h maximum outside a scheduled window`,
      alert: `${snapshot.stack.name} ran ${hours.toFixed(1)} hours (maximum ${settings.maxRuntimeHours} outside a scheduled window${snapshot.participants ? `, ${snapshot.participants} people were still connected` : ''}); the runtime guard stopped it.`,
    };
  }
  return { act: false, why: `running ${hours.toFixed(1)} h, within limits` };
}
