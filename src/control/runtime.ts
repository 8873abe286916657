import { isCredentials, isTransient } from './errors.js';
import { LeaseLostError } from './lock.js';
import { observe } from './observe.js';
import type { Step } from './plan.js';
import type { Clock, ControlPorts } from './ports.js';
import { retryTransient } from './retry.js';
import type { CheckResult, Snapshot } from './snapshot.js';

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
 * (a Lambda's timeout) would pass before the step could finish; `kept`: the recorder is kept on
 * purpose, because a recording on it is not in S3 yet.
 */
export type FailureKind = 'deadline' | 'fatal' | 'credentials' | 'lease-lost' | 'cancelled' | 'out-of-time' | 'kept';

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
  /** Every snapshot a wait observed, with the clock's time (a start's timings read Route 53's INSYNC from them). */
  readonly onSnapshot?: (snapshot: Snapshot, at: number) => void;
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
/** A person pressed Ctrl-C. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled (Ctrl-C)');
    this.name = 'CancelledError';
  }
}

export function checkCancelled(rt: Runtime): void {
  if (rt.cancelled?.()) throw new CancelledError();
}

export function asFailure(error: unknown): StepFailure {
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
export async function pause(rt: Runtime, ms: number, options: { tolerant?: boolean } = {}): Promise<void> {
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

/** A step that waits reports where it is at least this often. */
export const PROGRESS_EVERY_MS = 15_000;

/**
 * Mutate AWS only while holding the lock: a fresh heartbeat (which proves we still hold it, see
 * HeldLock.fence), then the call at once. Every retry is fenced again.
 */
export async function mutate<T>(rt: Runtime, call: () => Promise<T>): Promise<T> {
  return withRetry(rt, async () => {
    await rt.lock?.fence();
    return call();
  });
}

/** The world as it is now, observed through transient errors (the steps' and the transitions' one look). */
export const observeNow = (rt: Runtime): Promise<Snapshot | undefined> =>
  withRetry(rt, () => observe(rt.ports, { host: rt.host, now: rt.clock.now() }));

/**
 * Retry a call through transient errors (throttling) a few times; anything else is thrown. The
 * pauses keep the lock alive and respect the runtime's deadline.
 */
export function withRetry<T>(rt: Runtime, call: () => Promise<T>): Promise<T> {
  return retryTransient({ sleep: (ms) => pause(rt, ms) }, call, { baseMs: 1000, maxMs: 20_000 });
}

/**
 * Poll `observe` until `check` returns a value (done), throws (fail fast) or the deadline passes.
 * Transient errors only cost a poll.
 */
export async function poll<T>(
  rt: Runtime,
  step: Step,
  stepStart: number,
  check: (snapshot: Snapshot | undefined) => { done: T } | { waiting: string },
  options: { endpoints?: boolean; onDeadline: (lastWaiting: string) => StepFailure },
  progress: (detail: string) => void,
): Promise<T> {
  const deadline = stepStart + step.deadlineSeconds * 1000;
  let lastWaiting = 'nothing observed yet';
  let lastReported = rt.clock.now();
  for (;;) {
    try {
      const snapshot = await observe(rt.ports, { host: rt.host, now: rt.clock.now(), endpoints: options.endpoints ?? false });
      if (snapshot) rt.onSnapshot?.(snapshot, rt.clock.now());
      const result = check(snapshot);
      if ('done' in result) return result.done;
      // Report a change at once, and the same state again at least every 15 s so nobody stares at silence.
      if (result.waiting !== lastWaiting || rt.clock.now() - lastReported >= PROGRESS_EVERY_MS) {
        progress(result.waiting);
        lastReported = rt.clock.now();
      }
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
