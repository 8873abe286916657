import { LeaseLostError } from './lock.js';
import { describeStep, type Goal, RECORDER_STEPS, type Step } from './plan.js';
import {
  asFailure,
  checkCancelled,
  type ExecuteResult,
  type ProgressEvent,
  pause,
  type Runtime,
  type StepFailure,
} from './runtime.js';
import type { Snapshot } from './snapshot.js';
import { type Memory, runStep } from './steps.js';

export * from './runtime.js';
export { LOG_LINES_ON_FAILURE } from './steps.js';

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
    const done = steps.slice(0, i + 1);
    const recorderAsked = goal === 'running' && done.some((s) => s.kind === 'set-recorder-capacity' && s.count === 1);
    // A recorder that fails to start leaves the meeting as it is (READY): only the recorder goes again.
    const meetingFailed = !RECORDER_STEPS.includes(step.kind);
    if (failure.kind === 'lease-lost' || (!recorderAsked && !needsCompensation(goal, done))) {
      return { ok: false, failedStep: step, error: failure, elapsedMs: elapsed(), completed: i };
    }
    const calm = { ...rt, cancelled: () => false };
    const compensation = await compensate(calm, memory, started, steps.length, {
      meeting: meetingFailed && needsCompensation(goal, done),
      recorder: recorderAsked,
    });
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

async function compensate(
  rt: Runtime,
  memory: Memory,
  started: number,
  total: number,
  what: { meeting: boolean; recorder: boolean },
): Promise<StepFailure | undefined> {
  let last: StepFailure | undefined;
  for (let attempt = 1; attempt <= COMPENSATION_ATTEMPTS; attempt++) {
    const begin = rt.clock.now();
    rt.onProgress({
      type: 'compensating',
      index: total,
      total,
      description: what.meeting
        ? 'stop the task again so that nothing keeps billing'
        : 'remove the recorder again so that it does not keep billing',
      stepElapsedMs: 0,
      elapsedMs: begin - started,
      ...(attempt > 1 ? { detail: `attempt ${attempt} of ${COMPENSATION_ATTEMPTS}` } : {}),
    });
    try {
      if (what.meeting) {
        await runStep({ kind: 'set-desired', count: 0, deadlineSeconds: 60 }, rt, memory, begin, () => {});
        // Desired 0 is what stops the billing; waiting for the task to drain is best effort within our own deadline.
        await runStep({ kind: 'wait-tasks-stopped', deadlineSeconds: 300 }, rt, memory, rt.clock.now(), () => {}).catch(
          (error: unknown) => {
            if (asFailure(error).kind !== 'out-of-time') throw error;
          },
        );
      }
      let kept = false;
      if (what.recorder) {
        // The recorder never got ready, so it recorded nothing; but an earlier recording may still wait on its disk.
        kept = await runStep({ kind: 'stop-recorder', deadlineSeconds: 240 }, rt, memory, rt.clock.now(), () => {}).then(
          () => false,
          (error: unknown) => {
            const failure = asFailure(error);
            if (failure.kind === 'kept') return true;
            if (failure.kind !== 'out-of-time') throw error;
            return false;
          },
        );
        if (!kept) {
          await runStep({ kind: 'set-recorder-capacity', count: 0, deadlineSeconds: 60 }, rt, memory, rt.clock.now(), () => {});
        }
      }
      rt.onProgress({
        type: 'compensated',
        index: total,
        total,
        description: what.meeting
          ? 'the task is stopped; nothing keeps billing'
          : kept
            ? 'the recorder is kept: a recording on it is not in S3 yet'
            : 'the recorder is removed; the meeting runs on',
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
