import { isCredentials, isTransient } from './errors.js';
import { LeaseLostError } from './lock.js';
import { logGroupsFrom, observe } from './observe.js';
import { OUTPUT_NAMES } from './outputs.js';
import { stackBusy } from './phase.js';
import { describeStep, type Goal, type Step } from './plan.js';
import type { Clock, ControlPorts } from './ports.js';
import type { CheckResult, Snapshot, TaskSnapshot } from './snapshot.js';
import { isLive } from './snapshot.js';

/** What the CLI draws and the web page will poll. */
export interface ProgressEvent {
  readonly type: 'step' | 'waiting' | 'done' | 'failed' | 'compensating' | 'compensated';
  /** 1-based step number and the plan length. */
  readonly index: number;
  readonly total: number;
  readonly description: string;
  /** Milliseconds since this step started. */
  readonly stepElapsedMs: number;
  /** Milliseconds since execution started. */
  readonly elapsedMs: number;
  /** The step's deadline in seconds (for "1:05 of 8:00"). */
  readonly deadlineSeconds?: number;
  readonly detail?: string;
}

/** Why a start failed, for the person reading it. */
export interface Diagnostics {
  readonly stoppedReason?: string;
  readonly container?: string;
  /** The last lines the failing container logged. */
  readonly logLines?: readonly string[];
  readonly checks?: readonly CheckResult[];
}

/**
 * Why a step failed. `lease-lost`: another actor took the lock over, so nothing more may be changed
 * (no compensation); `cancelled`: a person pressed Ctrl-C; `out-of-time`: the caller's own deadline
 * (a Lambda's timeout) would pass before the step could finish.
 */
export type FailureKind = 'deadline' | 'fatal' | 'credentials' | 'lease-lost' | 'cancelled' | 'out-of-time';

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly diagnostics: Diagnostics = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StepFailure';
  }
}

export interface ExecuteResult {
  readonly ok: boolean;
  readonly failedStep?: Step;
  readonly error?: StepFailure;
  /** For a failed start: whether the task was stopped again. */
  readonly compensated?: boolean;
  readonly compensationError?: StepFailure;
  readonly elapsedMs: number;
  /** Steps that finished. */
  readonly completed: number;
}

/** The lock an execution runs under: fenced right before every mutation, kept alive in every wait. */
export interface ExecutionLock {
  fence(): Promise<void>;
  keepAlive(): Promise<void>;
}

export interface Runtime {
  readonly ports: ControlPorts;
  readonly clock: Clock;
  /** Public host name of the meeting. */
  readonly host: string;
  /** Milliseconds between polls. */
  readonly pollMs: number;
  readonly onProgress: (event: ProgressEvent) => void;
  /** Set by `transition`: the lock held while the steps run. */
  readonly lock?: ExecutionLock;
  /** True once a person asked to cancel (the first Ctrl-C). */
  readonly cancelled?: () => boolean;
  /** Epoch ms on this runtime's clock by which execution must have returned (a Lambda's timeout). */
  readonly deadline?: number;
}

/** Lines of the failing container's log shown with a failed start. */
export const LOG_LINES_ON_FAILURE = 20;
/** Attempts to stop a task after a failed start, with growing pauses, before giving up loudly. */
export const COMPENSATION_ATTEMPTS = 4;

/**
 * Run the steps in order, each within its deadline, reporting progress. When a start fails after it
 * asked for a task, stop the task again (compensation) so that a failed start never leaves a task
 * billing; the result says whether that worked. A lost lease is the exception: another actor owns
 * the platform now, so nothing is compensated. `initial` is the snapshot the steps were planned from.
 */
export async function execute(
  steps: readonly Step[],
  goal: Goal,
  rt: Runtime,
  initial: Snapshot | undefined,
): Promise<ExecuteResult> {
  const started = rt.clock.now();
  // Outputs of the snapshot the plan was made from (the bucket name survives the stack's deletion this way).
  const memory: Memory = { outputs: { ...(initial?.stack.outputs ?? {}) }, startedAt: started };
  for (const [i, step] of steps.entries()) {
    const failure = await runReported(step, i, steps.length, rt, memory, started);
    if (!failure) continue;
    const elapsed = () => rt.clock.now() - started;
    if (failure.kind === 'lease-lost' || !needsCompensation(goal, steps.slice(0, i + 1))) {
      return { ok: false, failedStep: step, error: failure, elapsedMs: elapsed(), completed: i };
    }
    const compensation = await compensate({ ...rt, cancelled: () => false }, memory, started, steps.length);
    return {
      ok: false,
      failedStep: step,
      error: compensation?.kind === 'lease-lost' ? compensation : failure,
      compensated: compensation === undefined,
      ...(compensation ? { compensationError: compensation } : {}),
      elapsedMs: elapsed(),
      completed: i,
    };
  }
  return { ok: true, elapsedMs: rt.clock.now() - started, completed: steps.length };
}

/** A start that asked ECS for a task must stop it again when it fails. */
const needsCompensation = (goal: Goal, done: readonly Step[]): boolean =>
  goal === 'running' && done.some((s) => s.kind === 'set-desired' && s.count === 1);

/** Run one step with its progress events; the failure, if any. */
async function runReported(
  step: Step,
  i: number,
  total: number,
  rt: Runtime,
  memory: Memory,
  started: number,
): Promise<StepFailure | undefined> {
  const stepStart = rt.clock.now();
  const report = (type: ProgressEvent['type'], detail?: string) =>
    rt.onProgress({
      type,
      index: i + 1,
      total,
      description: describeStep(step),
      stepElapsedMs: rt.clock.now() - stepStart,
      elapsedMs: rt.clock.now() - started,
      deadlineSeconds: step.deadlineSeconds,
      ...(detail ? { detail } : {}),
    });
  report('step');
  try {
    checkCancelled(rt);
    await runStep(step, rt, memory, stepStart, (detail) => report('waiting', detail));
    report('done');
    return undefined;
  } catch (error) {
    const failure = asFailure(error);
    report('failed', failure.message);
    return failure;
  }
}

interface Memory {
  outputs: Record<string, string>;
  readonly startedAt: number;
}

async function compensate(rt: Runtime, memory: Memory, started: number, total: number): Promise<StepFailure | undefined> {
  let last: StepFailure | undefined;
  for (let attempt = 1; attempt <= COMPENSATION_ATTEMPTS; attempt++) {
    const begin = rt.clock.now();
    rt.onProgress({
      type: 'compensating',
      index: total,
      total,
      description: 'stop the task again so that nothing keeps billing',
      stepElapsedMs: 0,
      elapsedMs: begin - started,
      ...(attempt > 1 ? { detail: `attempt ${attempt} of ${COMPENSATION_ATTEMPTS}` } : {}),
    });
    try {
      await runStep({ kind: 'set-desired', count: 0, deadlineSeconds: 60 }, rt, memory, begin, () => {});
      // Desired 0 is what stops the billing; waiting for the task to drain is best effort within our own deadline.
      await runStep({ kind: 'wait-tasks-stopped', deadlineSeconds: 300 }, rt, memory, rt.clock.now(), () => {}).catch(
        (error: unknown) => {
          if (asFailure(error).kind !== 'out-of-time') throw error;
        },
      );
      rt.onProgress({
        type: 'compensated',
        index: total,
        total,
        description: 'the task is stopped; nothing keeps billing',
        stepElapsedMs: rt.clock.now() - begin,
        elapsedMs: rt.clock.now() - started,
      });
      return undefined;
    } catch (error) {
      last = asFailure(error);
      if (last.kind === 'lease-lost') return last;
      if (attempt < COMPENSATION_ATTEMPTS) {
        const lost = await pause(rt, 15_000 * 2 ** (attempt - 1), { tolerant: true }).catch((error: unknown) => error);
        if (lost instanceof LeaseLostError) return asFailure(lost);
      }
    }
  }
  return last;
}

/** A person pressed Ctrl-C. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled (Ctrl-C)');
    this.name = 'CancelledError';
  }
}

function checkCancelled(rt: Runtime): void {
  if (rt.cancelled?.()) throw new CancelledError();
}

function asFailure(error: unknown): StepFailure {
  if (error instanceof StepFailure) return error;
  if (error instanceof LeaseLostError) return new StepFailure(error.message, 'lease-lost', {}, { cause: error });
  if (error instanceof CancelledError) return new StepFailure(error.message, 'cancelled', {}, { cause: error });
  if (isCredentials(error)) {
    return new StepFailure(
      `AWS credentials expired or missing: ${(error as Error).message}`,
      'credentials',
      {},
      { cause: error },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StepFailure(message, 'fatal', {}, { cause: error });
}

/**
 * Sleep on the runtime's clock, keeping the lock alive and never past the runtime's deadline.
 * `tolerant`: a heartbeat that fails for another reason than a lost lease (expired credentials
 * during compensation) does not end the pause.
 */
async function pause(rt: Runtime, ms: number, options: { tolerant?: boolean } = {}): Promise<void> {
  if (rt.deadline !== undefined && rt.clock.now() + ms > rt.deadline) {
    throw new StepFailure("out of time: the caller's own deadline (its Lambda timeout) comes first", 'out-of-time');
  }
  const until = rt.clock.now() + ms;
  while (rt.clock.now() < until) {
    try {
      await rt.lock?.keepAlive();
    } catch (error) {
      if (!options.tolerant || error instanceof LeaseLostError) throw error;
    }
    await rt.clock.sleep(Math.min(until - rt.clock.now(), 10_000));
  }
}

/** A heartbeat older than this (on our clock) no longer proves we hold the lock when the call lands. */
export const FENCE_FRESH_MS = 5000;

/**
 * Mutate AWS only while holding the lock: heartbeat (which proves we still hold it) and call at
 * once. If the process was paused around the heartbeat (a laptop lid closed), the proof is stale:
 * heartbeat again, which fails if someone took over meanwhile. Every retry is fenced again.
 */
async function mutate<T>(rt: Runtime, call: () => Promise<T>): Promise<T> {
  return withRetry(rt, async () => {
    if (rt.lock) {
      for (;;) {
        const before = rt.clock.now();
        await rt.lock.fence();
        if (rt.clock.now() - before <= FENCE_FRESH_MS) break;
      }
    }
    return call();
  });
}

/** Retry a call through transient errors (throttling) a few times; anything else is thrown. */
export async function withRetry<T>(rt: Runtime, call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await pause(rt, Math.min(1000 * 2 ** attempt, 20_000));
    }
  }
}

/**
 * Poll `observe` until `check` returns a value (done), throws (fail fast) or the deadline passes.
 * Transient errors only cost a poll.
 */
async function poll<T>(
  rt: Runtime,
  step: Step,
  stepStart: number,
  check: (snapshot: Snapshot | undefined) => { done: T } | { waiting: string },
  options: { endpoints?: boolean; onDeadline: (lastWaiting: string) => StepFailure },
  progress: (detail: string) => void,
): Promise<T> {
  const deadline = stepStart + step.deadlineSeconds * 1000;
  let lastWaiting = 'nothing observed yet';
  for (;;) {
    try {
      const snapshot = await observe(rt.ports, { host: rt.host, now: rt.clock.now(), endpoints: options.endpoints ?? false });
      const result = check(snapshot);
      if ('done' in result) return result.done;
      if (result.waiting !== lastWaiting) progress(result.waiting);
      lastWaiting = result.waiting;
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastWaiting = `AWS is throttling (${(error as Error).name}); retrying`;
      progress(lastWaiting);
    }
    if (rt.clock.now() + rt.pollMs > deadline) throw options.onDeadline(lastWaiting);
    checkCancelled(rt);
    await pause(rt, rt.pollMs);
    checkCancelled(rt);
  }
}

function ids(snapshot: Snapshot | undefined, memory: Memory): { cluster: string; service: string } {
  const outputs = snapshot?.stack.outputs ?? memory.outputs;
  const cluster = outputs[OUTPUT_NAMES.cluster];
  const service = outputs[OUTPUT_NAMES.service];
  if (!cluster || !service) throw new StepFailure('the ECS service does not exist (the stack is powered down)', 'fatal');
  return { cluster, service };
}

/** The newest task that stopped on its own after `since`, with the reason. */
function failedTask(snapshot: Snapshot, since: number): TaskSnapshot | undefined {
  if (snapshot.tasks.some((t) => isLive(t) && t.desiredStatus !== 'STOPPED')) return undefined;
  return snapshot.tasks
    .filter((t) => t.lastStatus === 'STOPPED' && t.createdAt >= since - 1000 && t.stoppedReason)
    .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0))[0];
}

async function diagnose(rt: Runtime, snapshot: Snapshot, task: TaskSnapshot): Promise<Diagnostics> {
  const container =
    task.containers.find((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason) ??
    task.containers.find((c) => c.health === 'UNHEALTHY');
  const group = container ? logGroupsFrom(snapshot.stack.outputs)[container.name] : undefined;
  let logLines: string[] | undefined;
  if (container && group) {
    const taskId = task.arn.split('/').pop() ?? '';
    logLines = await rt.ports.logs
      .tail(group, `${container.name}/${container.name}/${taskId}`, LOG_LINES_ON_FAILURE)
      .catch(() => undefined);
  }
  return {
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...(container ? { container: container.name } : {}),
    ...(logLines ? { logLines } : {}),
  };
}

/**
 * Poll until `ready` says done, but fail fast, with the stop reason and the failing container's last
 * log lines, when the task stops on its own (an image that cannot be pulled, a crashing container).
 */
async function pollWhileTaskLives(
  rt: Runtime,
  step: Step,
  memory: Memory,
  stepStart: number,
  ready: (snapshot: Snapshot) => { done: true } | { waiting: string },
  onDeadline: (lastWaiting: string) => StepFailure,
  progress: (detail: string) => void,
): Promise<void> {
  let stopped: { task: TaskSnapshot; snapshot: Snapshot } | undefined;
  await poll(
    rt,
    step,
    stepStart,
    (s) => {
      if (!s) return { waiting: 'stack not found' };
      const failed = failedTask(s, memory.startedAt);
      if (failed) {
        stopped = { task: failed, snapshot: s };
        return { done: true };
      }
      return ready(s);
    },
    { onDeadline },
    progress,
  );
  if (stopped) {
    const diagnostics = await diagnose(rt, stopped.snapshot, stopped.task);
    throw new StepFailure(
      `the task stopped: ${stopped.task.stoppedReason ?? stopped.task.stopCode ?? 'unknown reason'}`,
      'fatal',
      diagnostics,
    );
  }
}

async function runStep(
  step: Step,
  rt: Runtime,
  memory: Memory,
  stepStart: number,
  progress: (detail: string) => void,
): Promise<void> {
  switch (step.kind) {
    case 'wait-stack-stable':
      await poll(
        rt,
        step,
        stepStart,
        (s) => (!s || !stackBusy(s) ? { done: true } : { waiting: `stack is ${s.stack.status}` }),
        {
          onDeadline: (w) =>
            new StepFailure(`the stack did not settle within ${step.deadlineSeconds / 60} min (${w})`, 'deadline'),
        },
        progress,
      );
      return;

    case 'set-power': {
      await mutate(rt, () => rt.ports.stack.setPower(step.power));
      const snapshot = await poll<Snapshot>(
        rt,
        step,
        stepStart,
        (s) => {
          if (!s) return { waiting: 'stack not found' };
          if (stackBusy(s)) return { waiting: `stack is ${s.stack.status}` };
          // Right after the call CloudFormation may still report the old, settled state.
          const serviceExists = Boolean(s.stack.outputs[OUTPUT_NAMES.service]);
          if (s.stack.powerState !== step.power || serviceExists !== (step.power === 'on')) {
            if (!/ROLLBACK|FAILED/.test(s.stack.status)) return { waiting: 'waiting for CloudFormation to take the change' };
          }
          if (/ROLLBACK|FAILED/.test(s.stack.status))
            throw new StepFailure(
              `CloudFormation could not power ${step.power === 'on' ? 'up' : 'down'}: the stack is ${s.stack.status}`,
              'fatal',
            );
          return { done: s };
        },
        {
          onDeadline: (w) =>
            new StepFailure(
              `powering ${step.power === 'on' ? 'up' : 'down'} took longer than ${step.deadlineSeconds / 60} min (${w})`,
              'deadline',
            ),
        },
        progress,
      );
      memory.outputs = { ...memory.outputs, ...snapshot.stack.outputs };
      return;
    }

    case 'set-desired': {
      const snapshot = await withRetry(rt, () => observe(rt.ports, { host: rt.host, now: rt.clock.now() }));
      const { cluster, service } = ids(snapshot, memory);
      await mutate(rt, () => rt.ports.service.setDesired(cluster, service, step.count));
      return;
    }

    case 'wait-task-running':
      await pollWhileTaskLives(
        rt,
        step,
        memory,
        stepStart,
        (s) => {
          const task = s.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');
          if (task?.lastStatus === 'RUNNING' && task.health === 'HEALTHY') return { done: true };
          if (!task) return { waiting: 'waiting for ECS to place the task' };
          const unhealthy = task.containers
            .filter((c) => c.health !== 'HEALTHY')
            .map((c) => `${c.name} ${c.health.toLowerCase()}`);
          return {
            waiting:
              task.lastStatus === 'RUNNING'
                ? `task running; containers: ${unhealthy.join(', ') || 'checking'}`
                : `task ${task.lastStatus}`,
          };
        },
        (w) =>
          new StepFailure(`the task did not become healthy within ${step.deadlineSeconds / 60} min (last: ${w})`, 'deadline'),
        progress,
      );
      return;

    case 'wait-targets-healthy':
      await pollWhileTaskLives(
        rt,
        step,
        memory,
        stepStart,
        (s) => {
          const web = s.targets.web.some((t) => t.state === 'healthy');
          const media = s.targets.media.some((t) => t.state === 'healthy');
          if (web && media) return { done: true };
          const describe = (name: string, list: Snapshot['targets']['web']) =>
            `${name} ${list.map((t) => `${t.state}${t.reason ? ` (${t.reason})` : ''}`).join('/') || 'not registered'}`;
          return { waiting: `targets: ${describe('web', s.targets.web)}, ${describe('media', s.targets.media)}` };
        },
        (w) => new StepFailure(`the load-balancer targets never became healthy (${w})`, 'deadline'),
        progress,
      );
      return;

    case 'check-endpoints': {
      let lastChecks: readonly CheckResult[] = [];
      await poll(
        rt,
        step,
        stepStart,
        (s) => {
          lastChecks = s?.endpoints ?? [];
          const failing = lastChecks.filter((c) => c.status === 'fail');
          if (lastChecks.length > 0 && failing.length === 0) return { done: true };
          return { waiting: failing.map((c) => `${c.name}: ${c.detail}`).join('; ') || 'no task to check' };
        },
        {
          endpoints: true,
          onDeadline: (w) => new StepFailure(`the meeting is not usable: ${w}`, 'deadline', { checks: lastChecks }),
        },
        progress,
      );
      return;
    }

    case 'wait-tasks-stopped':
      await poll(
        rt,
        step,
        stepStart,
        (s) => {
          const live = s?.tasks.filter(isLive) ?? [];
          return live.length === 0
            ? { done: true }
            : { waiting: `${live.length} task(s) ${live.map((t) => t.lastStatus).join(', ')}` };
        },
        { onDeadline: (w) => new StepFailure(`tasks did not stop within ${step.deadlineSeconds / 60} min (${w})`, 'deadline') },
        progress,
      );
      return;

    case 'delete-stack':
      await mutate(rt, () => rt.ports.stack.delete());
      await poll(
        rt,
        step,
        stepStart,
        (s) => {
          if (!s || s.stack.status === 'DELETE_COMPLETE') return { done: true };
          if (s.stack.status === 'DELETE_FAILED')
            throw new StepFailure('CloudFormation could not delete the stack (DELETE_FAILED)', 'fatal');
          return { waiting: `stack is ${s.stack.status}` };
        },
        {
          onDeadline: (w) =>
            new StepFailure(`deleting the stack took longer than ${step.deadlineSeconds / 60} min (${w})`, 'deadline'),
        },
        progress,
      );
      return;

    case 'delete-recordings': {
      const bucket = memory.outputs[OUTPUT_NAMES.bucket];
      if (!bucket) throw new StepFailure('the recordings bucket name is unknown', 'fatal');
      const count = await mutate(rt, () => rt.ports.recordings.deleteAll(bucket));
      progress(`deleted ${count} object version(s) and bucket ${bucket}`);
      return;
    }
  }
}
