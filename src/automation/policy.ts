import { emptySince, lastStatsAt, lobbyWait } from '../control/participants.js';
import { meetingPhase, type Phase, phase, STACK_REPAIR_HINT, stackBroken } from '../control/phase.js';
import type { MeetingWindow } from '../control/ports.js';
import {
  isLive,
  liveRecorderTask,
  recorderBusy,
  recorderLive,
  recorderPending,
  recorderState,
  type Snapshot,
  type TaskSnapshot,
} from '../control/snapshot.js';

/** The automation's settings, from the config. */
export interface AutomationSettings {
  /** Minutes without participants before the idle stop acts (the alarm's evaluation window). */
  readonly idleStopMinutes: number;
  /**
   * Minutes after a task started during which the idle stop waits for the first people; also how
   * long guests waiting in the lobby for a host count as people (the same wait for a host).
   */
  readonly startGraceMinutes: number;
  /** Hours a task may run outside a scheduled window before the guard stops it. */
  readonly maxRuntimeHours: number;
}

/** A start that is not READY after this many minutes has failed: the guard stops it and alerts. */
export const START_DEADLINE_MINUTES = 20;
/** Inside a scheduled window a run may last until the window's end plus this. */
export const WINDOW_OVERRUN_MINUTES = 60;
/** A running platform whose stats sidecar has been silent this long gets an alert. */
export const STATS_SILENT_ALERT_MINUTES = 15;
/**
 * A recorder still there this long after its meeting ended is removed, when it is idle and nothing on
 * it waits for an upload (its uploads take minutes). One that is still uploading, or holds a recording
 * S3 has not confirmed, is never removed: the guard alerts at this bound instead, and again every
 * RECORDER_REMINDER_HOURS while it waits.
 */
export const RECORDER_ORPHAN_MINUTES = 30;
/** While a recorder waits with a recording not in S3, the guard repeats its alert this often. */
export const RECORDER_REMINDER_HOURS = 24;
/** The guard runs every 5 minutes: something that began less than a round ago is new. */
export const GUARD_ROUND_MINUTES = 5;

export type Decision =
  | { readonly act: false; readonly why: string; readonly alert?: string }
  | { readonly act: true; readonly why: string; readonly alert: string; readonly force?: boolean };

const MINUTE = 60_000;

function runningTask(snapshot: Snapshot): TaskSnapshot | undefined {
  return snapshot.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');
}

export const windowActive = (window: MeetingWindow | undefined, now: number): window is MeetingWindow =>
  window !== undefined && window.from <= now && now < window.until;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * The idle rule, shared by the idle-stop function (fired by the alarm) and the runtime guard (every
 * 5 minutes, so a deferred idle stop is picked up without forcing the alarm back). Never during the
 * grace period after a start, never inside a scheduled window, never while someone is in a call or
 * guests wait in the lobby for a host (for up to `startGraceMinutes` of waiting), and never on an
 * unknown count: only fresh stats lines that all say nobody is there for `idleStopMinutes` are idle.
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
  if (snapshot.participants === undefined) return { act: false, why: 'the participant count is unknown (no fresh stats line)' };
  if (snapshot.participants > 0) return { act: false, why: `${snapshot.participants} people are in a call` };
  const lobbyWaitMs = settings.startGraceMinutes * MINUTE;
  // Stryker disable next-line ArrayDeclaration: a count without lines says nothing either way: no line, no wait
  const waiting = lobbyWait(snapshot.stats ?? [], now, lobbyWaitMs);
  if (waiting) {
    const minutes = Math.floor((now - waiting.since) / MINUTE);
    return {
      act: false,
      why: `${waiting.guests} guests wait in the lobby for a host (${minutes} of ${settings.startGraceMinutes} minutes)`,
    };
  }
  // Stryker disable next-line ArrayDeclaration: a count without lines says nothing either way: no line, not empty
  const empty = emptySince(snapshot.stats ?? [], now, lobbyWaitMs);
  if (empty === undefined || now - empty < settings.idleStopMinutes * MINUTE) {
    const minutes = empty === undefined ? 0 : Math.floor((now - empty) / MINUTE);
    return { act: false, why: `nobody in a call for ${minutes} of ${settings.idleStopMinutes} minutes` };
  }
  // Stryker disable next-line OptionalChaining: an idle decision needs a fresh line, so stats has a last line here
  const stillWaiting = snapshot.stats?.at(-1)?.guests;
  const lobby = stillWaiting
    ? ` ${stillWaiting} guests had waited in the lobby for more than ${settings.startGraceMinutes} minutes and no host came.`
    : '';
  return {
    act: true,
    why: `nobody in a call for ${settings.idleStopMinutes} minutes`,
    alert: `Stopped ${snapshot.stack.name}: nobody was in a call for ${settings.idleStopMinutes} minutes (task running since ${iso(since)} UTC).${lobby}${repairNote(snapshot)}`,
  };
}

/**
 * What the runtime guard does on its 5-minute round: stop a start that failed or never became
 * ready, stop a run past its bound (the maximum runtime, or a scheduled window's end plus an hour,
 * whichever is later: the only rule that ends a call with people in it), apply the idle rule, and
 * alert when the stats of a running platform have been silent for 15 minutes, and once when a task
 * runs on a stack CloudFormation left broken. Each stop alerts. On a broken stack the rules read the
 * meeting's own phase (`meetingPhase`), and a stop alert says the stack still needs repair.
 */
export function decideGuard(snapshot: Snapshot, window: MeetingWindow | undefined, settings: AutomationSettings): Decision {
  const now = snapshot.at;
  // On a stack CloudFormation left broken the meeting's own service and tasks decide: a meeting that
  // runs on is no failed start, and its bound and the idle rule still end it.
  const current = meetingPhase(snapshot);
  const repair = repairNote(snapshot);
  // FAILED with a service: it wants a task, none lives, and one stopped by itself with a reason lately.
  if (current === 'FAILED' && snapshot.service) {
    // Stryker disable next-line OptionalChaining: meetingPhase is FAILED with a service only when such a task is there
    const reason = snapshot.tasks.find((t) => !isLive(t) && t.stoppedReason)?.stoppedReason ?? 'the task keeps stopping';
    return {
      act: true,
      why: 'the start failed',
      alert: `A start of ${snapshot.stack.name} failed and was stopped: ${reason}. Run \`meetctl logs\` for details.${repair}`,
    };
  }
  const task = runningTask(snapshot);
  if (!task && recorderLive(snapshot)) return decideOrphanRecorder(snapshot);
  if (!task) return { act: false, why: 'no task is running' };
  const notReady = current === 'STARTING' || (current === 'DEGRADED' && task.health !== 'HEALTHY');
  if (notReady && now - task.createdAt > START_DEADLINE_MINUTES * MINUTE) {
    return {
      act: true,
      why: `not ready ${START_DEADLINE_MINUTES} minutes after the start`,
      alert: `${snapshot.stack.name} did not become ready within ${START_DEADLINE_MINUTES} minutes (task ${task.lastStatus}); it was stopped. Run \`meetctl health\` after the next start.${repair}`,
    };
  }
  const since = task.startedAt ?? task.createdAt;
  const hours = (now - since) / 3_600_000;
  const bound = runBound(since, window, settings);
  if (now > bound.until) {
    return {
      act: true,
      force: true,
      why: `ran ${hours.toFixed(1)} h, past ${bound.what}`,
      alert: `${snapshot.stack.name} ran ${hours.toFixed(1)} hours, past ${bound.what}${snapshot.participants ? `; ${snapshot.participants} people were still connected` : ''}. The runtime guard stopped it.${repair}`,
    };
  }
  const idle = decideIdleStop(snapshot, window, settings);
  if (idle.act) return idle;
  const silent = statsSilent(snapshot, current, since, bound.until);
  const why = silent?.why ?? `running ${hours.toFixed(1)} h, within limits (${idle.why})`;
  const alerts = [silent?.alert, brokenStackAlert(snapshot, task, bound.until, settings)].filter((a) => a !== undefined);
  return alerts.length > 0 ? { act: false, why, alert: alerts.join('\n\n') } : { act: false, why };
}

/**
 * The stats of a READY or DEGRADED meeting silent for 15 to 20 minutes: one alert, in the guard's
 * round that first sees it (the idle stop cannot tell whether anyone is in a call).
 */
function statsSilent(
  snapshot: Snapshot,
  current: Phase,
  since: number,
  until: number,
): { why: string; alert: string } | undefined {
  if (current !== 'READY' && current !== 'DEGRADED') return undefined;
  const statsAt = lastStatsAt(snapshot.stats) ?? since;
  const silentMinutes = (snapshot.at - statsAt) / MINUTE;
  if (silentMinutes < STATS_SILENT_ALERT_MINUTES || silentMinutes >= STATS_SILENT_ALERT_MINUTES + 5) return undefined;
  return {
    why: `no stats for ${Math.floor(silentMinutes)} minutes`,
    alert: `${snapshot.stack.name} is running but its stats sidecar has written nothing for ${Math.floor(silentMinutes)} minutes, so the idle stop cannot tell whether anyone is in a call. The runtime guard still stops it at ${iso(until)} UTC. Check \`meetctl logs --container stats\`.`,
  };
}

/** A sentence for a stop alert on a broken stack: the next start needs the repair first. */
function repairNote(snapshot: Snapshot): string {
  if (!stackBroken(snapshot)) return '';
  return ` The stack is still ${snapshot.stack.status}: nothing can start it until a person repairs it. ${STACK_REPAIR_HINT}`;
}

/**
 * A meeting task running on a stack CloudFormation left broken: one alert, in the guard's round that
 * first sees both, counted from the later of the moment the stack took its status (the stack's own
 * event, read only for the guard) and the task's creation. No state is kept: the round window does it.
 */
function brokenStackAlert(
  snapshot: Snapshot,
  task: TaskSnapshot,
  until: number,
  settings: AutomationSettings,
): string | undefined {
  if (!stackBroken(snapshot)) return undefined;
  const since = Math.max(snapshot.stack.statusSince ?? 0, task.createdAt);
  const minutes = (snapshot.at - since) / MINUTE;
  if (minutes < 0 || minutes >= GUARD_ROUND_MINUTES) return undefined;
  const { name, status } = snapshot.stack;
  return `Stack ${name} is ${status}: CloudFormation needs a person to repair it, while a meeting task runs (task created ${iso(task.createdAt)} UTC). The meeting goes on: the runtime guard still stops it at ${iso(until)} UTC (its run bound) or once nobody has been in a call for ${settings.idleStopMinutes} minutes, and \`meetctl stop\` works. Until the repair nothing can start or power the platform: \`meetctl start\`, scheduled starts and a recorder a schedule asks for are refused. ${STACK_REPAIR_HINT} This is sent once.`;
}

/**
 * A recorder without a meeting. Idle with nothing waiting on it, it is removed RECORDER_ORPHAN_MINUTES
 * after the meeting (forced: it has nothing left to upload). Still uploading, or holding a recording
 * that S3 has not confirmed, it is kept: the guard alerts once that bound passes and every
 * RECORDER_REMINDER_HOURS after, and never removes it.
 */
function decideOrphanRecorder(snapshot: Snapshot): Decision {
  const now = snapshot.at;
  const ends = [...snapshot.tasks.map((t) => t.stoppedAt ?? 0), ...(snapshot.recorder?.tasks.map((t) => t.createdAt) ?? [])];
  const since = Math.max(0, ...ends);
  const minutes = Math.floor((now - since) / MINUTE);
  const pending = recorderPending(snapshot);
  if (pending.length > 0 || recorderBusy(snapshot)) {
    const what =
      pending.length > 0
        ? // Stryker disable next-line OptionalChaining: pending has a first element in this branch
          `${pending.length} recording(s) on it are not in S3 yet (pending: ${pending[0]?.why})`
        : 'it is still uploading';
    const waitingSince = pending.length > 0 ? Math.min(...pending.map((p) => Date.parse(p.since) || now)) : since;
    const waited = Math.floor((now - waitingSince) / MINUTE);
    const past = waited - RECORDER_ORPHAN_MINUTES;
    const due = past >= 0 && past % (RECORDER_REMINDER_HOURS * 60) < GUARD_ROUND_MINUTES;
    return {
      act: false,
      why: `the recorder is kept: ${what}`,
      ...(due
        ? {
            alert: `The recorder of ${snapshot.stack.name} has waited ${waited} minutes: ${what}. It is kept (its instance bills by the hour) and never removed while a recording on it is not in S3; it tries again every 5 minutes. Fix the cause, then \`meetctl stop\` removes it once S3 has everything; \`meetctl recordings list\` shows what waits.`,
          }
        : {}),
    };
  }
  if (since > 0 && minutes < RECORDER_ORPHAN_MINUTES) {
    return { act: false, why: `the recorder is finishing (${minutes} of ${RECORDER_ORPHAN_MINUTES} minutes after the meeting)` };
  }
  return {
    act: true,
    force: true,
    why: `a recorder without a meeting for ${RECORDER_ORPHAN_MINUTES} minutes`,
    alert: `The recorder of ${snapshot.stack.name} was still there ${RECORDER_ORPHAN_MINUTES} minutes after its meeting, idle, with every recording in S3; the runtime guard removed it.`,
  };
}

/**
 * A recording that could not be uploaded and waits on the recorder: alerted in the guard's round that
 * first sees it (it failed less than a round ago), with the reason.
 */
export function decidePendingAlert(snapshot: Snapshot): string | undefined {
  const fresh = recorderPending(snapshot).filter((p) => {
    const minutes = (snapshot.at - Date.parse(p.since)) / MINUTE;
    return minutes >= 0 && minutes < GUARD_ROUND_MINUTES;
  });
  if (fresh.length === 0) return undefined;
  const list = fresh.map((p) => `- ${p.key ?? p.file}: ${p.why}`).join('\n');
  return `${fresh.length} recording(s) of ${snapshot.stack.name} could not be uploaded to S3 and wait on the recorder:\n${list}\nThe recorder is kept (nothing is deleted) and tries again every 5 minutes. \`meetctl recordings list\` and \`meetctl status\` show them as pending with the reason; fix the cause, and \`meetctl stop\` removes the recorder once S3 has them.`;
}

/**
 * A scheduled meetup that asked for the recorder: the scheduled start only gets the meeting task
 * asked for, so the guard adds the recorder once the meeting is READY, inside the window.
 */
export function decideRecorderStart(snapshot: Snapshot, window: MeetingWindow | undefined): Decision {
  if (!windowActive(window, snapshot.at) || !window.record) return { act: false, why: 'no scheduled recording' };
  if (!snapshot.recorder) return { act: false, why: 'the stack has no recorder' };
  // A start of the recorder is a `running` plan, which a broken stack refuses: the guard's alert says so.
  if (stackBroken(snapshot))
    return { act: false, why: `the stack is ${snapshot.stack.status}: CloudFormation needs a person to repair it` };
  if (phase(snapshot) !== 'READY') return { act: false, why: `the meeting is ${phase(snapshot)}` };
  const state = recorderState(snapshot);
  // A recorder kept only for a recording on its disk has no task: a new one records (and uploads that too).
  const kept = state === 'pending' && !liveRecorderTask(snapshot);
  if (state !== 'off' && !kept) return { act: false, why: `the recorder is ${state}` };
  return {
    act: true,
    why: `schedule "${window.schedule}" asked for the recorder`,
    alert: `Started the recorder of ${snapshot.stack.name} for "${window.schedule}".`,
  };
}

/** The latest a run that began at `since` may last: the maximum runtime, or a window's end plus an hour. */
export function runBound(
  since: number,
  window: MeetingWindow | undefined,
  settings: AutomationSettings,
): { until: number; what: string } {
  const max = since + settings.maxRuntimeHours * 3_600_000;
  const windowEnd = window && window.until > since ? window.until + WINDOW_OVERRUN_MINUTES * MINUTE : undefined;
  if (windowEnd !== undefined && windowEnd > max) {
    return {
      until: windowEnd,
      // Stryker disable next-line OptionalChaining: windowEnd is defined only with a window
      what: `the end of the scheduled window "${window?.schedule}" plus ${WINDOW_OVERRUN_MINUTES} minutes`,
    };
  }
  return { until: max, what: `the ${settings.maxRuntimeHours} h maximum outside a scheduled window` };
}
