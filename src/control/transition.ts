import { randomUUID } from 'node:crypto';
import { type ExecuteResult, execute, type Runtime, withRetry } from './execute.js';
import { observe } from './observe.js';
import { type Phase, phase } from './phase.js';
import { DEADLINES, type Goal, PlanError, plan, type Step, type StepKind } from './plan.js';
import type { TransitionEvent } from './ports.js';
import type { LockLease, Snapshot } from './snapshot.js';

export interface TransitionRequest {
  readonly goal: Goal;
  /** Who asks: `cli:<user>@<host>`, `schedule:<name>`, `idle-stop`, … */
  readonly actor: string;
  /** Why, in words; stored in the event log. */
  readonly reason: string;
  /** Stop even while people are in a call. */
  readonly force?: boolean;
  readonly deleteRecordings?: boolean;
  /**
   * Run the plan only up to and including the first step of this kind (a Lambda starts the task and
   * leaves the waiting to the runtime guard, to stay within its 15 minutes).
   */
  readonly until?: StepKind;
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

/** Lease length for a plan: the sum of its step deadlines plus compensation, so a live actor never loses it. */
export function leaseSecondsFor(steps: readonly Step[]): number {
  return steps.reduce((sum, s) => sum + s.deadlineSeconds, 0) + DEADLINES.setDesired + DEADLINES.tasksStopped + 60;
}

const phaseOf = (snapshot: Snapshot | undefined): Phase | 'ABSENT' => (snapshot ? phase(snapshot) : 'ABSENT');
const stoppingGoals: readonly Goal[] = ['stopped', 'powered-down', 'destroyed'];

/** Minutes tasks ran that stopped since `since` (for the cost report). */
export function runningMinutesEnded(snapshot: Snapshot | undefined, since: number): number {
  if (!snapshot) return 0;
  const ms = snapshot.tasks
    .filter((t) => t.lastStatus === 'STOPPED' && (t.stoppedAt ?? 0) >= since && t.startedAt !== undefined)
    .reduce((sum, t) => sum + ((t.stoppedAt ?? 0) - (t.startedAt ?? 0)), 0);
  return Math.round(ms / 6000) / 10;
}

/**
 * One deterministic transition: take the lock, observe under it, plan, execute, log, release. Two
 * actors never run at once: the second is refused (RefusedError) with the holder named. No-ops and
 * refusals are logged too, so every request leaves a trace.
 */
export async function transition(request: TransitionRequest, rt: Runtime): Promise<TransitionOutcome> {
  const { ports, clock } = rt;
  const eventOf = (entry: Omit<TransitionEvent, 'at' | 'actor' | 'reason' | 'goal'>): TransitionEvent => ({
    at: clock.now(),
    actor: request.actor,
    reason: request.reason,
    goal: request.goal,
    ...entry,
  });
  const log = async (entry: Omit<TransitionEvent, 'at' | 'actor' | 'reason' | 'goal'>): Promise<TransitionEvent> => {
    const event = eventOf(entry);
    await withRetry(rt, () => ports.state.append(event));
    return event;
  };

  const first = await withRetry(rt, () => observe(ports, { host: rt.host, now: clock.now() }));
  if (!first) {
    if (request.goal === 'destroyed') {
      return {
        from: 'ABSENT',
        to: 'ABSENT',
        steps: [],
        outcome: 'no-op',
        event: eventOf({ from: 'ABSENT', to: 'ABSENT', outcome: 'no-op' }),
      };
    }
    throw new PlanError('the stack is not deployed.', 'Run `meetctl deploy` first.');
  }
  // Size the lease from the plan as seen now; the real plan is made again under the lock.
  const token = randomUUID();
  const lease = leaseSecondsFor(plan(request.goal, first, request));
  const acquired = await withRetry(rt, () =>
    ports.state.acquire({
      owner: request.actor,
      reason: `${request.goal}: ${request.reason}`,
      token,
      now: clock.now(),
      leaseSeconds: lease,
    }),
  );
  if (!acquired.acquired) {
    const holder = acquired.holder;
    await log({
      from: phaseOf(first),
      to: phaseOf(first),
      outcome: 'refused',
      detail: `locked by ${holder.owner} (${holder.reason})`,
    });
    throw new RefusedError(
      `another change is running: ${holder.owner} holds the lock since ${new Date(holder.acquiredAt).toISOString()} (${holder.reason}).`,
      `Wait for it to finish (the lease ends ${new Date(holder.leaseUntil).toISOString()} at the latest), then try again.`,
      holder,
    );
  }

  try {
    const before = await withRetry(rt, () =>
      observe(ports, { host: rt.host, now: clock.now(), participants: stoppingGoals.includes(request.goal) }),
    );
    const planned = plan(request.goal, before, request);
    const cut = request.until ? planned.findIndex((s) => s.kind === request.until) : -1;
    const steps = cut >= 0 ? planned.slice(0, cut + 1) : planned;
    const from = phaseOf(before);
    if (steps.length === 0) {
      const event = await log({ from, to: from, outcome: 'no-op' });
      return { from, to: from, steps, outcome: 'no-op', event };
    }
    if (stoppingGoals.includes(request.goal) && (before?.participants ?? 0) > 0 && !request.force) {
      await log({ from, to: from, outcome: 'refused', detail: `${before?.participants} people in a call` });
      throw new RefusedError(
        `${before?.participants} people are in a call right now.`,
        'Wait until the meeting ends, or pass --force to end it for everyone.',
      );
    }
    const startedAt = clock.now();
    const result = await execute(
      steps,
      request.goal,
      {
        ...rt,
        beforeStep: async () => {
          if (!(await withRetry(rt, () => ports.state.renew(token, clock.now(), lease)))) {
            throw new Error('the lock was taken over by another actor (our lease expired)');
          }
        },
      },
      before,
    );
    // From here on nothing may hide the result: observing and logging are best effort.
    const after = await observe(ports, { host: rt.host, now: clock.now() }).catch(() => first);
    const to = request.goal === 'destroyed' && result.ok ? 'ABSENT' : phaseOf(after);
    const startedTask = after?.tasks.find((t) => t.lastStatus === 'RUNNING' && t.startedAt !== undefined);
    const minutes = runningMinutesEnded(after, startedAt);
    const entry = {
      from,
      to,
      outcome: result.ok ? ('done' as const) : ('failed' as const),
      ...(result.error
        ? { detail: result.error.message + (result.compensated === false ? ' (the task could NOT be stopped)' : '') }
        : {}),
      ...(minutes > 0 ? { runningMinutes: minutes } : {}),
      ...(request.goal === 'running' && result.ok && startedTask?.startedAt ? { taskStartedAt: startedTask.startedAt } : {}),
    };
    let logged = true;
    const event = await log(entry).catch(() => {
      // The table is gone after a destroy, and expired credentials cannot write either.
      logged = false;
      return eventOf(entry);
    });
    return { from, to, steps, outcome: event.outcome, result, event, logged };
  } finally {
    await withRetry(rt, () => ports.state.release(token)).catch(() => undefined);
  }
}
