import { type ExecuteResult, execute, observeNow, type Runtime, StepFailure, withRetry } from './execute.js';
import { acquireLock, LEASE_SECONDS, LeaseLostError } from './lock.js';
import { observe, withParticipants } from './observe.js';
import { knownParticipants } from './participants.js';
import { type Phase, phase } from './phase.js';
import { type Goal, PlanError, plan, type Step } from './plan.js';
import type { TransitionEvent } from './ports.js';
import { type LockLease, recordingNow, type Snapshot, type TaskSnapshot } from './snapshot.js';

/** What an automatic actor decides on the snapshot taken under the lock. */
export type Precondition = (
  snapshot: Snapshot,
) => Promise<{ readonly proceed: true; readonly force?: boolean } | { readonly proceed: false; readonly why: string }>;

export interface TransitionRequest {
  readonly goal: Goal;
  /** Who asks: `cli:<user>@<host>`, `schedule:<name>`, `idle-stop`, … */
  readonly actor: string;
  /** Why, in words; stored in the event log. */
  readonly reason: string;
  /** Stop even while people are in a call (or their number is unknown). */
  readonly force?: boolean;
  readonly deleteRecordings?: boolean;
  /** With goal `running`: start the recorder too, once the meeting is READY. */
  readonly record?: boolean;
  /**
   * Only get a task asked for: run the plan up to and including its last "desired count 1" step and
   * leave the waiting to the runtime guard (a Lambda must stay within its 15 minutes). A plan with no
   * such step (already starting or ready) runs nothing.
   */
  readonly startOnly?: boolean;
  /** Re-decide under the lock, on the fresh snapshot (automation); declining logs a no-op. */
  readonly precondition?: Precondition;
  /** How long to wait for another actor's lock (seconds); see LockRequest. */
  readonly lockWaitSeconds?: number;
  /** Keep waiting for the lock while its holder is alive. */
  readonly waitForLiveHolder?: boolean;
}

export interface TransitionOutcome {
  readonly from: Phase | 'ABSENT';
  readonly to: Phase | 'ABSENT';
  readonly steps: readonly Step[];
  readonly outcome: TransitionEvent['outcome'];
  readonly result?: ExecuteResult;
  readonly event: TransitionEvent;
  /** False when the event could not be written (stack destroyed, credentials expired). */
  readonly logged?: boolean;
  /** Set when a precondition declined under the lock. */
  readonly declined?: string;
  /** The holder whose dead lease we took over, if any. */
  readonly tookOverFrom?: LockLease;
}

/** Someone else holds the lock, or people are in a call: nothing was changed. */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly holder?: LockLease,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

const phaseOf = (snapshot: Snapshot | undefined): Phase | 'ABSENT' => (snapshot ? phase(snapshot) : 'ABSENT');

/** The phase a plan that ran to its end has reached: its last steps waited for exactly this. */
function reached(goal: Goal, startOnly: boolean): Phase | 'ABSENT' {
  if (goal === 'destroyed') return 'ABSENT';
  // startOnly ends at "desired count 1": the task is on its way, not READY.
  if (goal === 'running') return startOnly ? 'STARTING' : 'READY';
  if (goal === 'powered-down') return 'POWERED_DOWN';
  // stopped; and powered-up, which has steps only from a platform powered down (or on its way).
  return 'STOPPED';
}
// Stryker disable next-line ArrayDeclaration: each of these plans sets desired 0 whenever a call could be running (restartsTask)
const stoppingGoals: readonly Goal[] = ['stopped', 'powered-down', 'destroyed'];

/**
 * Minutes of the tasks this transition saw stop (for the cost report and `meetctl report`): stopped
 * in `after` but not yet stopped in `before`. A task stopped before the transition began was counted
 * by the transition that stopped it, so the next start never counts it again, whatever its stoppedAt.
 */
export function runningMinutesEnded(before: Snapshot | undefined, after: Snapshot | undefined): number {
  return after ? minutesEnded(after.tasks, stoppedArns(before?.tasks)) : 0;
}

/** The ARNs of the tasks already stopped in a snapshot. */
export function stoppedArns(tasks: readonly TaskSnapshot[] | undefined): ReadonlySet<string> {
  // Stryker disable next-line ArrayDeclaration: an element that is no task is never a STOPPED one
  return new Set((tasks ?? []).filter((t) => t.lastStatus === 'STOPPED').map((t) => t.arn));
}

/** Minutes the stopped tasks ran, leaving out those in `alreadyStopped`, to a tenth. */
export function minutesEnded(tasks: readonly TaskSnapshot[], alreadyStopped: ReadonlySet<string>): number {
  const ms = tasks
    .filter((t) => t.lastStatus === 'STOPPED' && !alreadyStopped.has(t.arn) && t.startedAt !== undefined)
    .reduce((sum, t) => sum + ((t.stoppedAt ?? 0) - (t.startedAt ?? 0)), 0);
  return Math.round(ms / 6000) / 10;
}

/** The steps to run: all of them, or (startOnly) up to the last "desired count 1". */
export function stepsToRun(planned: readonly Step[], startOnly: boolean | undefined): Step[] {
  if (!startOnly) return [...planned];
  const last = planned.findLastIndex((s) => s.kind === 'set-desired' && s.count === 1);
  return last < 0 ? [] : planned.slice(0, last + 1);
}

/**
 * Why a stopping transition must not run without --force: people are in a call, or a meeting may be
 * running and nobody knows how many are in it. Undefined when it may run.
 */
export function peopleRefusal(snapshot: Snapshot | undefined): { detail: string; message: string; hint: string } | undefined {
  if (!snapshot) return undefined;
  const people = knownParticipants(snapshot);
  if (people === 'none') return undefined;
  if (people === 'unknown') {
    return {
      detail: 'participant count unknown',
      message:
        'nobody knows whether people are in a call: the stats sidecar has written no line in the last 3 minutes (it needs a minute after a start).',
      hint: 'Check `meetctl status` (or `meetctl logs --container stats`), or pass --force to stop anyway.',
    };
  }
  return {
    detail: `${people} people in a call`,
    message: `${people} ${people === 1 ? 'person is' : 'people are'} in a call right now.`,
    hint: 'Wait until the meeting ends, or pass --force to end it for everyone.',
  };
}

/** The event log's detail of a request refused because another actor holds the lock. */
export const lockedDetail = (holder: LockLease): string => `locked by ${holder.owner} (${holder.reason})`;

/** The refusal a person reads when another actor holds the lock (transitions and rotation alike). */
export function lockedOut(holder: LockLease): RefusedError {
  return new RefusedError(
    `another change is running: ${holder.owner} holds the lock since ${new Date(holder.acquiredAt).toISOString()} (${holder.reason}).`,
    `Wait for it to finish, then try again. If that actor died, its lease lapses by itself within ${LEASE_SECONDS} s of its last heartbeat.`,
    holder,
  );
}

/** Why a stop must not end a meeting that is being recorded without --force. */
export function recordingRefusal(snapshot: Snapshot | undefined): { detail: string; message: string; hint: string } | undefined {
  if (!snapshot || !recordingNow(snapshot)) return undefined;
  return {
    detail: 'a recording is running',
    message: 'a recording is running: stopping the meeting ends it.',
    hint: 'Stop the recording in the meeting first, or pass --force (what was recorded so far is still uploaded).',
  };
}

type Entry = Omit<TransitionEvent, 'at' | 'actor' | 'reason' | 'goal'>;

/**
 * One deterministic transition: take the lock, observe under it, plan, execute, log, release. Two
 * actors never run at once: the second is refused (RefusedError) with the holder named. Every
 * mutation is fenced by a heartbeat on the lock, so an actor whose lease was taken over stops at
 * once (`aborted`) and changes nothing more. No-ops and refusals are logged too: every request leaves
 * exactly one event.
 */
export async function transition(request: TransitionRequest, rt: Runtime): Promise<TransitionOutcome> {
  const { ports, clock } = rt;
  const eventOf = (entry: Entry): TransitionEvent => ({
    at: clock.now(),
    actor: request.actor,
    reason: request.reason,
    goal: request.goal,
    ...entry,
  });
  const log = async (entry: Entry): Promise<TransitionEvent> => {
    const event = eventOf(entry);
    await withRetry(rt, () => ports.state.append(event));
    return event;
  };

  const first = await observeNow(rt);
  if (!first) {
    if (request.goal === 'destroyed') {
      const event = eventOf({ from: 'ABSENT', to: 'ABSENT', outcome: 'no-op' });
      return { from: 'ABSENT', to: 'ABSENT', steps: [], outcome: 'no-op', event };
    }
    throw new PlanError('the stack is not deployed.', 'Run `meetctl deploy` first.');
  }
  const taken = await acquireLock(ports.state, clock, {
    owner: request.actor,
    reason: `${request.goal}: ${request.reason}`,
    ...(request.lockWaitSeconds !== undefined ? { waitSeconds: request.lockWaitSeconds } : {}),
    ...(request.waitForLiveHolder ? { waitForLiveHolder: true } : {}),
  });
  if (!taken.acquired) {
    const { holder } = taken;
    await log({ from: phaseOf(first), to: phaseOf(first), outcome: 'refused', detail: lockedDetail(holder) });
    throw lockedOut(holder);
  }
  let logged = false;
  const logOnce = async (entry: Entry) => {
    logged = true;
    return log(entry);
  };
  try {
    return await underLock(request, { ...rt, lock: taken.lock }, logOnce, eventOf, first, taken.tookOverFrom);
  } catch (error) {
    if (logged) throw error;
    // Whatever ended the request before it logged (a lost lease while observing, an AWS error), it leaves one event.
    const lost = error instanceof LeaseLostError;
    const from = phaseOf(first);
    const entry = {
      from,
      to: from,
      outcome: lost ? ('aborted' as const) : ('failed' as const),
      detail: error instanceof Error ? error.message : String(error),
    };
    const event = await log(entry).catch(() => eventOf(entry));
    if (!lost) throw error;
    const failure = new StepFailure((error as Error).message, 'lease-lost', {}, { cause: error });
    const result = { ok: false, error: failure, elapsedMs: 0, completed: 0 };
    return { from, to: from, steps: [], outcome: 'aborted', event, result };
  } finally {
    // Conditional on our token: a lease someone else took over is never released from under them.
    await taken.lock.release().catch(() => undefined);
  }
}

async function underLock(
  request: TransitionRequest,
  rt: Runtime,
  log: (entry: Entry) => Promise<TransitionEvent>,
  eventOf: (entry: Entry) => TransitionEvent,
  first: Snapshot,
  tookOverFrom: LockLease | undefined,
): Promise<TransitionOutcome> {
  const { ports, clock } = rt;
  const took = tookOverFrom ? { tookOverFrom } : {};
  // The automation decides on the participants; people read them only when a step would end a call.
  const before = await withRetry(rt, () =>
    observe(ports, { host: rt.host, now: clock.now(), participants: Boolean(request.precondition) }),
  );
  const from = phaseOf(before);
  let force = request.force ?? false;
  if (request.precondition && before) {
    const decision = await request.precondition(before);
    if (!decision.proceed) {
      const event = await log({ from, to: from, outcome: 'no-op', detail: `declined under the lock: ${decision.why}` });
      return { from, to: from, steps: [], outcome: 'no-op', event, declined: decision.why, ...took };
    }
    force ||= decision.force ?? false;
  }
  const steps = stepsToRun(plan(request.goal, before, { ...request, force }), request.startOnly);
  if (steps.length === 0) {
    const event = await log(await stillHeld(rt, { from, to: from, outcome: 'no-op' }));
    return { from, to: from, steps, outcome: event.outcome, event, ...took };
  }
  // A stop, or a start that must restart a DEGRADED task first, never ends a call without --force.
  // Stryker disable next-line LogicalOperator,EqualityOperator: people are in a call only when READY or DEGRADED, and a start from there sets desired 0 first
  const restartsTask = steps.some((s) => s.kind === 'set-desired' && s.count === 0);
  const movesDown = stoppingGoals.includes(request.goal) || restartsTask;
  const withPeople =
    movesDown && !force && before && !request.precondition ? await withRetry(rt, () => withParticipants(ports, before)) : before;
  const refusal = movesDown && !force ? (peopleRefusal(withPeople) ?? recordingRefusal(withPeople)) : undefined;
  if (refusal) {
    await log({ from, to: from, outcome: 'refused', detail: refusal.detail });
    throw new RefusedError(refusal.message, refusal.hint);
  }
  const result = await execute(steps, request.goal, rt, before);
  // From here on nothing may hide the result: observing and logging are best effort.
  const after = await observe(ports, { host: rt.host, now: clock.now() }).catch(() => first);
  // A plan that ran to its end reached its goal (its last steps waited for it), also when the read
  // after it fails or still lists a stack CloudFormation is deleting; a failed one ends where it is seen.
  const to = result.ok ? reached(request.goal, request.startOnly === true) : phaseOf(after);
  const startedTask = after?.tasks.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
  const minutes = runningMinutesEnded(before, after);
  // Stryker disable next-line ArrayDeclaration: an element that is no task is never a STOPPED one
  const recorderMinutes = after ? minutesEnded(after.recorder?.tasks ?? [], stoppedArns(before?.recorder?.tasks)) : 0;
  const entry: Entry = {
    from,
    to,
    outcome: outcomeOf(result),
    ...(result.error
      ? { detail: result.error.message + (result.compensated === false ? ' (the task could NOT be stopped)' : '') }
      : {}),
    ...(minutes > 0 ? { runningMinutes: minutes } : {}),
    ...(recorderMinutes > 0 ? { recorderMinutes } : {}),
    elapsedSeconds: Math.round(result.elapsedMs / 1000),
    ...(request.goal === 'running' && result.ok && startedTask?.startedAt ? { taskStartedAt: startedTask.startedAt } : {}),
  };
  let logged = true;
  const event = await log(await stillHeld(rt, entry)).catch(() => {
    // The table is gone after a destroy, and expired credentials cannot write either.
    logged = false;
    return eventOf(entry);
  });
  return { from, to, steps, outcome: event.outcome, result, event, logged, ...took };
}

/**
 * An outcome is only reported as such while we still hold the lock: an actor that was paused past
 * its lease (after deciding, or after its last step) reports `aborted`, since another actor may have
 * changed the platform since.
 */
async function stillHeld(rt: Runtime, entry: Entry): Promise<Entry> {
  if (!rt.lock || entry.outcome === 'aborted') return entry;
  try {
    await rt.lock.fence();
    return entry;
  } catch (error) {
    if (!(error instanceof LeaseLostError)) return entry;
    return { ...entry, outcome: 'aborted', detail: `${entry.detail ? `${entry.detail}; ` : ''}${error.message}` };
  }
}

function outcomeOf(result: ExecuteResult): TransitionEvent['outcome'] {
  if (result.ok) return 'done';
  // Stryker disable next-line OptionalChaining: a result that is not ok has an error
  if (result.error?.kind === 'lease-lost') return 'aborted';
  // Stryker disable next-line OptionalChaining: a result that is not ok has an error
  if (result.error?.kind === 'cancelled') return 'cancelled';
  return 'failed';
}
