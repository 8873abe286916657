import { UPLOAD_RETRY_SECONDS } from '../recording/recorder.js';
import { restoreHost } from './host-record.js';
import { logGroupsFrom } from './observe.js';
import { OUTPUT_NAMES } from './outputs.js';
import { stackBusy } from './phase.js';
import type { Step } from './plan.js';
import { type Diagnostics, mutate, observeNow, poll, type Runtime, StepFailure } from './runtime.js';
import type { CheckResult, Snapshot, TaskSnapshot } from './snapshot.js';
import { isLive, liveRecorderTask, recorderBusy, recorderPending } from './snapshot.js';
import { SIDECAR_LINGER_SECONDS } from './start-time.js';
import { SERVING_CONTAINER } from './task-dns.js';

/** Lines of the failing container's log shown with a failed start. */
export const LOG_LINES_ON_FAILURE = 20;

/** What the steps of one execution remember: the stack outputs (the bucket outlives the stack) and when it began. */
export interface Memory {
  outputs: Record<string, string>;
  readonly startedAt: number;
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
  options: { endpoints?: boolean } = {},
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
    { ...options, onDeadline },
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

async function waitStackStable(
  step: Extract<Step, { kind: 'wait-stack-stable' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  await poll(
    rt,
    step,
    stepStart,
    (s) => (!s || !stackBusy(s) ? { done: true } : { waiting: `stack is ${s.stack.status}` }),
    {
      onDeadline: (w) => new StepFailure(`the stack did not settle within ${step.deadlineSeconds / 60} min (${w})`, 'deadline'),
    },
    progress,
  );
}

async function setPower(
  step: Extract<Step, { kind: 'set-power' }>,
  { rt, memory, stepStart, progress }: StepContext,
): Promise<void> {
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
}

async function setDesired(step: Extract<Step, { kind: 'set-desired' }>, { rt, memory }: StepContext): Promise<void> {
  const { cluster, service } = ids(await observeNow(rt), memory);
  await mutate(rt, () => rt.ports.service.setDesired(cluster, service, step.count));
}

/**
 * A step that polls until `ready` says done, failing fast when the task stops by itself and with
 * `onDeadline`'s message when its deadline passes.
 */
function whileTaskLives<K extends Step['kind']>(
  ready: (snapshot: Snapshot) => { done: true } | { waiting: string },
  onDeadline: (step: Extract<Step, { kind: K }>, lastWaiting: string) => string,
): Runner<K> {
  return (step, { rt, memory, stepStart, progress }) =>
    pollWhileTaskLives(rt, step, memory, stepStart, ready, (w) => new StepFailure(onDeadline(step, w), 'deadline'), progress);
}

/** The task this start asked for: live and not told to stop. */
const startedTask = (s: Snapshot): TaskSnapshot | undefined => s.tasks.find((t) => isLive(t) && t.desiredStatus !== 'STOPPED');

const NOT_PLACED = 'waiting for ECS to place the task';

/** Where a task that is not RUNNING yet stands, e.g. "task PENDING" (its images being pulled). */
const notRunning = (task: TaskSnapshot | undefined): string => (task ? `task ${task.lastStatus}` : NOT_PLACED);

/** A start whose service got no task at all before the step's deadline: what the person can do. */
const noTaskPlaced = (step: Step): string =>
  `ECS placed no task within ${step.deadlineSeconds / 60} min: Fargate may have no capacity for the task's size and architecture right now (the service's events in the ECS console say "unable to place a task"); try again later`;

/**
 * Which containers' start-up checks passed, and which failed. The rest are not named: ECS shows a
 * container with no health check as UNKNOWN for good (API_HealthCheck: "UNKNOWN - … there's no
 * container health check defined"), the same as one whose check has not passed yet, and the ECS
 * agent reports only containers that have one (HealthStatusShouldBeReported, agent/stats/engine.go).
 */
export function startUpChecks(task: TaskSnapshot): string {
  const named = (health: string) => task.containers.filter((c) => c.health === health).map((c) => c.name);
  const passed = named('HEALTHY');
  const failed = named('UNHEALTHY');
  return [
    passed.length > 0 ? `start-up checks passed: ${passed.join(', ')}` : 'no start-up check passed yet',
    ...(failed.length > 0 ? [`failing: ${failed.join(', ')}`] : []),
  ].join('; ');
}

const waitTaskRunning = whileTaskLives<'wait-task-running'>(
  (s) => {
    const task = startedTask(s);
    if (task?.lastStatus === 'RUNNING' && task.health === 'HEALTHY') return { done: true };
    if (task?.lastStatus !== 'RUNNING') return { waiting: notRunning(task) };
    return { waiting: `task running; ${startUpChecks(task)}` };
  },
  (step, w) =>
    w === NOT_PLACED
      ? noTaskPlaced(step)
      : `the task did not become healthy within ${step.deadlineSeconds / 60} min (last: ${w})`,
);

const waitTargetsHealthy = whileTaskLives<'wait-targets-healthy'>(
  (s) => {
    if (s.targets.web.some((t) => t.state === 'healthy')) return { done: true };
    const states = s.targets.web.map((t) => `${t.state}${t.reason ? ` (${t.reason})` : ''}`).join('/');
    return { waiting: `web target ${states || 'not registered'}` };
  },
  (_step, w) => `the load balancer never saw the web target healthy (${w})`,
);

/** Direct mode: the DNS function pointed the meeting host at the task, and Route 53 has it everywhere. */
const waitHostRecord = whileTaskLives<'wait-host-record'>(
  (s) => {
    const dns = s.taskDns;
    if (dns?.ip && dns.inSync) return { done: true };
    if (!dns?.ip) return { waiting: 'waiting for the DNS function to point the meeting host at the task' };
    return { waiting: `meeting host points at ${dns.ip}; waiting for Route 53 to report the change INSYNC` };
  },
  (step, w) => `the meeting host's DNS record did not follow the task within ${step.deadlineSeconds / 60} min (${w})`,
);

/**
 * Poll the endpoint checks until every one passes; fail fast when the task stops on its own. In direct
 * mode this runs while the task starts: until the DNS function has the task's address there is nothing
 * to check, and until web answers the sidecar serves the waking page.
 */
async function checkEndpoints(
  step: Extract<Step, { kind: 'check-endpoints' }>,
  { rt, memory, stepStart, progress }: StepContext,
): Promise<void> {
  let lastChecks: readonly CheckResult[] = [];
  let placed = false;
  await pollWhileTaskLives(
    rt,
    step,
    memory,
    stepStart,
    (s) => {
      lastChecks = s.endpoints ?? [];
      const failing = lastChecks.filter((c) => c.status === 'fail');
      if (lastChecks.length > 0 && failing.length === 0) return { done: true };
      const task = startedTask(s);
      placed ||= task !== undefined;
      const state = task?.lastStatus === 'RUNNING' ? [] : [notRunning(task)];
      return { waiting: [...state, ...failing.map((c) => `${c.name}: ${c.detail}`)].join('; ') || 'no task to check' };
    },
    (w) =>
      placed
        ? new StepFailure(`the meeting is not usable: ${w}`, 'deadline', { checks: lastChecks })
        : new StepFailure(noTaskPlaced(step), 'deadline'),
    progress,
    { endpoints: true },
  );
}

/** Direct mode, stopping: every container but the TLS sidecar has stopped. */
const onlySidecarLeft = (t: TaskSnapshot): boolean =>
  t.containers.some((c) => c.name === SERVING_CONTAINER && c.lastStatus !== 'STOPPED') &&
  t.containers.every((c) => c.name === SERVING_CONTAINER || c.lastStatus === 'STOPPED');

const SIDECAR_LINGERS = `the meeting has ended; its TLS sidecar shows the waking page for up to ${SIDECAR_LINGER_SECONDS} s more, until every DNS answer points at the asleep page, so nobody is refused`;

async function waitTasksStopped(
  step: Extract<Step, { kind: 'wait-tasks-stopped' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  await poll(
    rt,
    step,
    stepStart,
    (s) => {
      const live = s?.tasks.filter(isLive) ?? [];
      if (live.length === 0) return { done: true };
      const states = `${live.length === 1 ? 'task' : `${live.length} tasks`} ${live.map((t) => t.lastStatus).join(', ')}`;
      return { waiting: s?.ingress === 'direct' && live.every(onlySidecarLeft) ? `${states}: ${SIDECAR_LINGERS}` : states };
    },
    { onDeadline: (w) => new StepFailure(`tasks did not stop within ${step.deadlineSeconds / 60} min (${w})`, 'deadline') },
    progress,
  );
}

async function deleteStack(
  step: Extract<Step, { kind: 'delete-stack' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  // Direct mode: CloudFormation deletes the meeting host's record by the values it created (the
  // asleep page); one that still names a task's address would fail the delete (DELETE_FAILED).
  const restored = await mutate(rt, () => restoreHost(rt.ports, rt.clock));
  if (restored?.changeId)
    progress("pointed the meeting host back at the asleep page (CloudFormation's record) before the delete");
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
}

async function deleteRecordings(
  _step: Extract<Step, { kind: 'delete-recordings' }>,
  { rt, memory, progress }: StepContext,
): Promise<void> {
  const bucket = memory.outputs[OUTPUT_NAMES.bucket];
  if (!bucket) throw new StepFailure('the recordings bucket name is unknown', 'fatal');
  const count = await mutate(rt, () => rt.ports.recordings.deleteAll(bucket));
  progress(`deleted ${count} object version(s) and bucket ${bucket}`);
}

/** The recorder's names from the stack outputs, or a fatal failure naming what is missing. */
function recorderIds(snapshot: Snapshot | undefined, memory: Memory) {
  const outputs = snapshot?.stack.outputs ?? memory.outputs;
  const ids = {
    cluster: outputs[OUTPUT_NAMES.cluster],
    group: outputs[OUTPUT_NAMES.recorderGroup],
    family: outputs[OUTPUT_NAMES.recorderTaskFamily],
    launcher: outputs[OUTPUT_NAMES.recorderLauncher],
  };
  if (!ids.cluster || !ids.group || !ids.family) {
    throw new StepFailure('the stack has no recorder (recording is off in the deployed config)', 'fatal');
  }
  return ids as { cluster: string; group: string; family: string; launcher?: string };
}

async function setRecorderCapacity(
  step: Extract<Step, { kind: 'set-recorder-capacity' }>,
  { rt, memory }: StepContext,
): Promise<void> {
  const snapshot = await observeNow(rt);
  const { group } = recorderIds(snapshot, memory);
  // Capacity 0 terminates the instance, and its disk with any recording still waiting there.
  if (step.count === 0 && snapshot && recorderPending(snapshot).length > 0) throw keptFailure(snapshot, false);
  await mutate(rt, () => rt.ports.recorder.setCapacity(group, step.count));
}

async function waitRecorderInstance(
  step: Extract<Step, { kind: 'wait-recorder-instance' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  await poll(
    rt,
    step,
    stepStart,
    (s) =>
      (s?.recorder?.instances ?? 0) > 0
        ? { done: true }
        : {
            waiting: `recorder instance asked for (desired ${s?.recorder?.desiredCapacity ?? 0}); waiting for it to join the cluster`,
          },
    {
      onDeadline: (w) =>
        new StepFailure(
          `the recorder instance did not join the cluster within ${step.deadlineSeconds / 60} min (${w}); check the Auto Scaling group's activity (instance type available in the region? vCPU quota?)`,
          'deadline',
        ),
    },
    progress,
  );
}

/**
 * Run the recorder on the meeting that runs now, through the launcher function: it finds the Jitsi
 * task's private address (XMPP, 5222) itself and passes nothing a caller chose.
 */
async function runRecorder(step: Extract<Step, { kind: 'run-recorder' }>, { rt, memory }: StepContext): Promise<void> {
  const snapshot = await observeNow(rt);
  const ids = recorderIds(snapshot, memory);
  const meeting = snapshot?.tasks.find((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED');
  if (!meeting?.privateIp) throw new StepFailure('no running meeting task with a private address to record', 'fatal');
  // A recorder left from an earlier meeting points at an old address: it goes first.
  for (const old of snapshot?.recorder?.tasks.filter((t) => isLive(t) && t.desiredStatus !== 'STOPPED') ?? []) {
    await mutate(rt, () => rt.ports.recorder.stop(ids.cluster, old.arn, 'replaced: the meeting task changed'));
  }
  if (!ids.launcher) {
    throw new StepFailure(
      'the stack has no recorder launcher yet (deployed before it existed); run `meetctl deploy` to update it',
      'fatal',
    );
  }
  const launcher = ids.launcher;
  await mutate(rt, () => rt.ports.recorder.launch(launcher)).catch((error: unknown) => {
    throw new StepFailure(`${(error as Error).message}`, 'fatal', {}, { cause: error });
  });
  void step;
}

async function waitRecorderReady(
  step: Extract<Step, { kind: 'wait-recorder-ready' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  await poll(
    rt,
    step,
    stepStart,
    (s) => {
      const task = s ? liveRecorderTask(s) : undefined;
      if (!task) {
        const stopped = s?.recorder?.tasks
          .filter((t) => t.lastStatus === 'STOPPED')
          .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0))[0];
        if (stopped && stopped.createdAt >= stepStart - 60_000) {
          throw new StepFailure(`the recorder stopped: ${stopped.stoppedReason ?? 'unknown reason'}`, 'fatal');
        }
        return { waiting: 'waiting for ECS to place the recorder task' };
      }
      if (task.lastStatus !== 'RUNNING') return { waiting: `recorder task ${task.lastStatus} (pulling the jibri image)` };
      const status = s?.recorder?.status;
      const fresh = status && status.at >= (task.startedAt ?? task.createdAt);
      if (fresh && status.answering && status.busy === 'IDLE') return { done: true };
      return { waiting: fresh && status.answering ? `Jibri is ${status.busy ?? 'starting'}` : 'waiting for Jibri to answer' };
    },
    {
      onDeadline: (w) =>
        new StepFailure(
          `the recorder was not ready within ${step.deadlineSeconds / 60} min (${w}); \`meetctl logs --container jibri\` says why`,
          'deadline',
        ),
    },
    progress,
  );
}

/** The failure that keeps the recorder: a recording on it is not in S3 yet. */
function keptFailure(snapshot: Snapshot | undefined, busy: boolean): StepFailure {
  const pending = snapshot ? recorderPending(snapshot) : [];
  const what = busy
    ? 'the recorder is still uploading'
    : `${pending.length} recording(s) on the recorder are not in S3 yet (pending: ${pending[0]?.why ?? 'unknown'})`;
  return new StepFailure(
    `${what}. The recorder and its disk are kept so that nothing is lost; it tries again every ${UPLOAD_RETRY_SECONDS / 60} minutes. \`meetctl recordings list\` shows what waits; \`meetctl stop\` removes the recorder once S3 has everything.`,
    'kept',
  );
}

/**
 * Wait until Jibri is no longer BUSY: the meeting is over and the finalize script has uploaded every
 * recording, or given up and left it pending on the recorder's disk. Forced, the wait is short. Past
 * the deadline the recorder is kept (a 'kept' failure): an upload is never cut short.
 */
async function waitRecorderIdle(
  step: Extract<Step, { kind: 'wait-recorder-idle' }>,
  { rt, stepStart, progress }: StepContext,
): Promise<void> {
  let last: Snapshot | undefined;
  await poll(
    rt,
    step,
    stepStart,
    (s) => {
      last = s;
      if (!s || !liveRecorderTask(s)) return { done: true };
      const status = s.recorder?.status;
      if (status?.answering && status.busy !== 'BUSY') return { done: true };
      return {
        waiting: status?.answering ? 'the recorder is still recording or uploading' : 'waiting for the recorder to answer',
      };
    },
    { onDeadline: () => keptFailure(last, true) },
    progress,
  );
}

/** Stop the recorder task, unless a recording on it is not in S3 yet (then it is kept). */
async function stopRecorder(
  step: Extract<Step, { kind: 'stop-recorder' }>,
  { rt, memory, stepStart, progress }: StepContext,
): Promise<void> {
  const snapshot = await observeNow(rt);
  const ids = recorderIds(snapshot, memory);
  if (snapshot && (recorderPending(snapshot).length > 0 || recorderBusy(snapshot))) {
    throw keptFailure(snapshot, recorderBusy(snapshot));
  }
  for (const task of snapshot?.recorder?.tasks.filter(isLive) ?? []) {
    if (task.desiredStatus !== 'STOPPED')
      await mutate(rt, () => rt.ports.recorder.stop(ids.cluster, task.arn, 'the meeting is over'));
  }
  await poll(
    rt,
    step,
    stepStart,
    (s) => {
      const live = s?.recorder?.tasks.filter(isLive) ?? [];
      return live.length === 0 ? { done: true } : { waiting: `recorder task ${live.map((t) => t.lastStatus).join(', ')}` };
    },
    {
      onDeadline: (w) =>
        new StepFailure(`the recorder task did not stop within ${step.deadlineSeconds / 60} min (${w})`, 'deadline'),
    },
    progress,
  );
}

/** One function per step kind; each polls or mutates through the runtime (lock, deadline, Ctrl-C). */
type Runner<K extends Step['kind']> = (step: Extract<Step, { kind: K }>, context: StepContext) => Promise<void>;

/** What every step runs with. */
export interface StepContext {
  readonly rt: Runtime;
  readonly memory: Memory;
  /** When this step began (its deadline counts from here). */
  readonly stepStart: number;
  /** Report what the step is waiting for. */
  readonly progress: (detail: string) => void;
}

const RUNNERS: { readonly [K in Step['kind']]: Runner<K> } = {
  'wait-stack-stable': waitStackStable,
  'set-power': setPower,
  'set-desired': setDesired,
  'wait-task-running': waitTaskRunning,
  'wait-targets-healthy': waitTargetsHealthy,
  'wait-host-record': waitHostRecord,
  'check-endpoints': checkEndpoints,
  'wait-tasks-stopped': waitTasksStopped,
  'delete-stack': deleteStack,
  'delete-recordings': deleteRecordings,
  'set-recorder-capacity': setRecorderCapacity,
  'wait-recorder-instance': waitRecorderInstance,
  'run-recorder': runRecorder,
  'wait-recorder-ready': waitRecorderReady,
  'wait-recorder-idle': waitRecorderIdle,
  'stop-recorder': stopRecorder,
};

/** Run one step to completion, or throw why it could not complete. */
export function runStep(
  step: Step,
  rt: Runtime,
  memory: Memory,
  stepStart: number,
  progress: (detail: string) => void,
): Promise<void> {
  const run = RUNNERS[step.kind] as Runner<Step['kind']>;
  return run(step as never, { rt, memory, stepStart, progress });
}
