import { meetingPhase, type Phase, phase, STACK_REPAIR_HINT, stackBroken, stackBusy } from './phase.js';
import { type Ingress, liveRecorderTask, type PowerState, recorderLive, type Snapshot } from './snapshot.js';

/**
 * `running`, `powered-up` ("at least powered up": never moves a running platform down), `stopped`,
 * `powered-down`, `destroyed`.
 */
export const GOALS = ['running', 'powered-up', 'stopped', 'powered-down', 'destroyed'] as const;
export type Goal = (typeof GOALS)[number];

/** Per-step deadlines in seconds, sized from the research notes (see docs/control-plane.md). */
export const DEADLINES = {
  stackStable: 30 * 60,
  setPower: 30 * 60,
  setDesired: 60,
  taskRunning: 8 * 60,
  targetsHealthy: 8 * 60,
  // The DNS function waits up to 60 s for the public IP; Route 53 reports INSYNC within about a minute.
  hostRecord: 5 * 60,
  endpoints: 4 * 60,
  tasksStopped: 5 * 60,
  deleteStack: 30 * 60,
  deleteRecordings: 30 * 60,
  // An EC2 instance boots and its ECS agent registers in 1–3 minutes.
  recorderInstance: 8 * 60,
  // The jibri image (about 1.5 GB) is pulled on a fresh instance, then Jibri joins the brewery room.
  recorderReady: 8 * 60,
  // Jibri stays BUSY while the finalize script uploads; hours of 720p upload in minutes.
  recorderIdle: 30 * 60,
  // With --force (or the runtime guard's bound): how long a stop waits for an upload before it
  // leaves the recorder running (kept, never cut short).
  recorderIdleForced: 3 * 60,
  // Jibri is stopped only once idle with every recording in S3 (stop-recorder refuses otherwise), so
  // it exits on SIGTERM within seconds; its 900 s stop timeout is for an upload cut short elsewhere.
  recorderStopped: 4 * 60,
} as const;

export type Step =
  | { readonly kind: 'wait-stack-stable'; readonly deadlineSeconds: number }
  | { readonly kind: 'set-power'; readonly power: PowerState; readonly deadlineSeconds: number }
  | { readonly kind: 'set-desired'; readonly count: 0 | 1; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-task-running'; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-targets-healthy'; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-host-record'; readonly deadlineSeconds: number }
  /** `at`: the task's own address with the meeting host as SNI (direct), or the meeting host through the load balancer. */
  | { readonly kind: 'check-endpoints'; readonly at: 'task' | 'load-balancer'; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-tasks-stopped'; readonly deadlineSeconds: number }
  | { readonly kind: 'delete-stack'; readonly deadlineSeconds: number }
  | { readonly kind: 'delete-recordings'; readonly deadlineSeconds: number }
  | { readonly kind: 'set-recorder-capacity'; readonly count: 0 | 1; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-recorder-instance'; readonly deadlineSeconds: number }
  | { readonly kind: 'run-recorder'; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-recorder-ready'; readonly deadlineSeconds: number }
  | { readonly kind: 'wait-recorder-idle'; readonly forced: boolean; readonly deadlineSeconds: number }
  | { readonly kind: 'stop-recorder'; readonly deadlineSeconds: number };
export type StepKind = Step['kind'];

/** A plan cannot be made: the message says why and what a person can do. */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

export interface PlanOptions {
  /** With goal `destroyed`: also delete every recording and the bucket. */
  readonly deleteRecordings?: boolean;
  /** With goal `running`: start the recorder too, once the meeting is READY. */
  readonly record?: boolean;
  /** A stop waits only briefly for the recorder's upload. */
  readonly force?: boolean;
}

/** The recorder's steps run when the plan contains these. */
export const RECORDER_STEPS: readonly StepKind[] = [
  'set-recorder-capacity',
  'wait-recorder-instance',
  'run-recorder',
  'wait-recorder-ready',
  'wait-recorder-idle',
  'stop-recorder',
];

const step = {
  waitStable: (): Step => ({ kind: 'wait-stack-stable', deadlineSeconds: DEADLINES.stackStable }),
  power: (power: PowerState): Step => ({ kind: 'set-power', power, deadlineSeconds: DEADLINES.setPower }),
  desired: (count: 0 | 1): Step => ({ kind: 'set-desired', count, deadlineSeconds: DEADLINES.setDesired }),
  taskRunning: (): Step => ({ kind: 'wait-task-running', deadlineSeconds: DEADLINES.taskRunning }),
  targets: (): Step => ({ kind: 'wait-targets-healthy', deadlineSeconds: DEADLINES.targetsHealthy }),
  hostRecord: (): Step => ({ kind: 'wait-host-record', deadlineSeconds: DEADLINES.hostRecord }),
  endpoints: (at: 'task' | 'load-balancer', deadlineSeconds: number = DEADLINES.endpoints): Step => ({
    kind: 'check-endpoints',
    at,
    deadlineSeconds,
  }),
  stopped: (): Step => ({ kind: 'wait-tasks-stopped', deadlineSeconds: DEADLINES.tasksStopped }),
  deleteStack: (): Step => ({ kind: 'delete-stack', deadlineSeconds: DEADLINES.deleteStack }),
  deleteRecordings: (): Step => ({ kind: 'delete-recordings', deadlineSeconds: DEADLINES.deleteRecordings }),
  recorderCapacity: (count: 0 | 1): Step => ({ kind: 'set-recorder-capacity', count, deadlineSeconds: DEADLINES.setDesired }),
};

/** Start the recorder: an instance, then the task with the Jitsi task's address, then Jibri ready. */
const recorderStart = (): Step[] => [
  step.recorderCapacity(1),
  { kind: 'wait-recorder-instance', deadlineSeconds: DEADLINES.recorderInstance },
  { kind: 'run-recorder', deadlineSeconds: DEADLINES.recorderReady },
  { kind: 'wait-recorder-ready', deadlineSeconds: DEADLINES.recorderReady },
];
/**
 * Remove the recorder once its uploads are done, then its instance. A recorder still uploading after
 * the wait (shorter when forced), or with a recording that is not in S3, is kept instead.
 */
const recorderStop = (forced: boolean): Step[] => [
  { kind: 'wait-recorder-idle', forced, deadlineSeconds: forced ? DEADLINES.recorderIdleForced : DEADLINES.recorderIdle },
  { kind: 'stop-recorder', deadlineSeconds: DEADLINES.recorderStopped },
  step.recorderCapacity(0),
];

/**
 * Load-balancer mode: once the task runs and is healthy, the load balancer's target, then the
 * endpoints through it. Direct mode: the endpoints at the task's own address from the moment it has
 * one (web and prosody answer long before the two JVMs are up, so the checks run while they start;
 * their deadline covers the images' pull), then the task healthy, then the record INSYNC, which
 * Route 53 has usually reached by then: the task's own start bounds READY.
 */
const becomeReadyFor = (ingress: Ingress): Step[] =>
  ingress === 'direct'
    ? [step.endpoints('task', DEADLINES.taskRunning), step.taskRunning(), step.hostRecord()]
    : [step.taskRunning(), step.targets(), step.endpoints('load-balancer')];
const startFor = (ingress: Ingress): Step[] => [step.desired(1), ...becomeReadyFor(ingress)];
const stop = (): Step[] => [step.desired(0), step.stopped()];

/**
 * The phase the platform will settle in once CloudFormation finishes what it is doing; the plan
 * waits for that first.
 */
function settledPhase(current: Phase): Phase {
  if (current === 'POWERING_UP') return 'STOPPED';
  if (current === 'POWERING_DOWN') return 'POWERED_DOWN';
  return current;
}

/**
 * The ordered steps that take the platform from where the snapshot says it is to `goal`. Pure and
 * idempotent: empty when the goal already holds. Throws PlanError when no safe plan exists.
 */
export function plan(goal: Goal, snapshot: Snapshot | undefined, options: PlanOptions = {}): Step[] {
  const steps = platformPlan(goal, snapshot, options);
  return snapshot ? withRecorder(goal, snapshot, steps, options) : steps;
}

/**
 * The recorder's steps around the platform's. A plan that stops the meeting (or a meeting already
 * stopped) removes a live recorder after its uploads; a start with `record` adds the recorder once the
 * meeting is READY. A meeting restarted with a recorder live gets its recorder back only when asked.
 */
function withRecorder(goal: Goal, snapshot: Snapshot, steps: Step[], options: PlanOptions): Step[] {
  const live = recorderLive(snapshot);
  const forced = options.force ?? false;
  const out = [...steps];
  if (live) {
    const stopAt = out.findIndex((s) => s.kind === 'wait-tasks-stopped');
    const teardown = recorderStop(forced);
    if (stopAt >= 0) out.splice(stopAt + 1, 0, ...teardown);
    else if (goal !== 'running' && goal !== 'powered-up') {
      // Stopped already (or going down without a task): the recorder goes before power-off or delete.
      const at = out.findIndex((s) => s.kind === 'set-power' || s.kind === 'delete-stack');
      out.splice(at >= 0 ? at : out.length, 0, ...teardown);
    }
  }
  if (goal === 'running' && options.record) {
    if (!snapshot.recorder) {
      throw new PlanError(
        'the deployed stack has no recorder: server-side recording is off.',
        'Set "recording": { "enabled": true } in the config and run `meetctl deploy`, or start without --record.',
      );
    }
    const restarted = out.some((s) => s.kind === 'set-desired' && s.count === 1);
    if (!liveRecorderTask(snapshot) || restarted) out.push(...recorderStart());
  }
  return out;
}

function platformPlan(goal: Goal, snapshot: Snapshot | undefined, options: PlanOptions): Step[] {
  if (!snapshot) {
    if (goal === 'destroyed') return [];
    throw new PlanError('the stack is not deployed.', 'Run `meetctl deploy` first.');
  }
  const current = phase(snapshot);
  if (goal === 'destroyed') {
    const live = snapshot.service && (snapshot.service.desired > 0 || snapshot.tasks.some((t) => t.lastStatus !== 'STOPPED'));
    return [
      ...(stackBusy(snapshot) ? [step.waitStable()] : []),
      ...(live ? stop() : []),
      step.deleteStack(),
      ...(options.deleteRecordings ? [step.deleteRecordings()] : []),
    ];
  }
  if (stackBroken(snapshot)) {
    if (goal === 'stopped') return stopOnBrokenStack(snapshot);
    throw new PlanError(
      `stack ${snapshot.stack.name} is ${snapshot.stack.status}; CloudFormation needs a person to repair it.`,
      STACK_REPAIR_HINT,
    );
  }
  if (snapshot.ingress === 'direct' && (goal === 'powered-down' || goal === 'powered-up')) {
    throw new PlanError(
      `the ${goal === 'powered-down' ? 'power-down' : 'power-up'} tier does not exist in the direct ingress mode: there is no load balancer, so a stopped platform already bills nothing by the hour.`,
      goal === 'powered-down'
        ? 'Use `meetctl stop` (the same cost as powered down). Power tiers come with "ingress": "load-balancer".'
        : 'Nothing to do: `meetctl start` starts the meeting server directly.',
    );
  }
  const wait = stackBusy(snapshot) ? [step.waitStable()] : [];
  const settled = settledPhase(current);
  return [...wait, ...fromSettled(goal, settled, snapshot.ingress)];
}

/**
 * A stop on a stack CloudFormation left broken: the service and the recorder's group it created are
 * still there, and ECS (desired count) and Auto Scaling stop what runs on them without CloudFormation.
 * The stop steps of whatever is live, as the service and its tasks say (`meetingPhase`), never a power
 * change (that is a stack update); nothing without a service. `withRecorder` adds a live recorder.
 */
function stopOnBrokenStack(snapshot: Snapshot): Step[] {
  return snapshot.service ? fromSettled('stopped', meetingPhase(snapshot), snapshot.ingress) : [];
}

function fromSettled(goal: Exclude<Goal, 'destroyed'>, from: Phase, ingress: Ingress): Step[] {
  const start = () => startFor(ingress);
  const becomeReady = () => becomeReadyFor(ingress);
  switch (goal) {
    case 'running':
      switch (from) {
        case 'READY':
          return [];
        case 'STARTING':
          return becomeReady();
        case 'STOPPED':
          return start();
        case 'STOPPING':
          return [step.stopped(), ...start()];
        case 'DEGRADED':
        case 'FAILED':
          return [...stop(), ...start()];
        case 'POWERED_DOWN':
          return [step.power('on'), ...start()];
        default:
          return unreachable(from);
      }
    case 'powered-up':
      // At least powered up: whatever runs keeps running; only a powered-down platform changes.
      return from === 'POWERED_DOWN' ? [step.power('on')] : [];
    case 'stopped':
      switch (from) {
        case 'STOPPED':
          return [];
        case 'STOPPING':
          return [step.stopped()];
        case 'READY':
        case 'STARTING':
        case 'DEGRADED':
        case 'FAILED':
          return stop();
        case 'POWERED_DOWN':
          return [step.power('on')];
        default:
          return unreachable(from);
      }
    case 'powered-down':
      switch (from) {
        case 'POWERED_DOWN':
          return [];
        case 'STOPPED':
          return [step.power('off')];
        case 'STOPPING':
          return [step.stopped(), step.power('off')];
        case 'READY':
        case 'STARTING':
        case 'DEGRADED':
        case 'FAILED':
          return [...stop(), step.power('off')];
        default:
          return unreachable(from);
      }
  }
}

function unreachable(from: Phase): never {
  throw new Error(`no plan from settled phase ${from}`);
}

/** One line per step for `--dry-run` and progress output. */
export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'wait-stack-stable':
      return 'wait until CloudFormation finishes the current stack change';
    case 'set-power':
      return s.power === 'on'
        ? 'power up: recreate the load balancer, its addresses and the service (stack parameter PowerState=on)'
        : 'power down: delete the load balancer, its addresses and the service (stack parameter PowerState=off)';
    case 'set-desired':
      return s.count === 1 ? 'start one task (ECS desired count 1)' : 'stop the task (ECS desired count 0)';
    case 'wait-task-running':
      return 'wait until the task runs and its containers are healthy';
    case 'wait-targets-healthy':
      return 'wait until the load balancer sees the web target (443) healthy';
    case 'wait-host-record':
      return "wait until the meeting host's DNS record points at the task and Route 53 reports the change INSYNC";
    case 'check-endpoints':
      return `check HTTPS, the certificate, the web client config and the XMPP websocket ${s.at === 'task' ? "at the task's own address" : 'through the load balancer'}`;
    case 'wait-tasks-stopped':
      return 'wait until no task is left running';
    case 'delete-stack':
      return 'delete the stack (the recordings bucket is retained)';
    case 'delete-recordings':
      return 'delete every recording (all versions) and the recordings bucket';
    case 'set-recorder-capacity':
      return s.count === 1
        ? 'ask for the recorder instance (Auto Scaling desired capacity 1)'
        : 'remove the recorder instance (Auto Scaling desired capacity 0)';
    case 'wait-recorder-instance':
      return 'wait until the recorder instance has booted and joined the cluster';
    case 'run-recorder':
      return "run the recorder task with the meeting task's private address";
    case 'wait-recorder-ready':
      return 'wait until Jibri is up and ready to record';
    case 'wait-recorder-idle':
      return s.forced
        ? 'wait briefly for the recorder to finish uploading (forced: at most 3 min; a recorder still uploading is kept)'
        : 'wait until the recorder has uploaded every recording';
    case 'stop-recorder':
      return 'stop the recorder task (kept while a recording on it is not in S3)';
  }
}
