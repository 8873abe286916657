import { isLive, type Snapshot } from './snapshot.js';

export const PHASES = [
  'POWERED_DOWN',
  'STOPPED',
  'STARTING',
  'READY',
  'DEGRADED',
  'STOPPING',
  'POWERING_UP',
  'POWERING_DOWN',
  'FAILED',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Seconds after a task starts during which unhealthy load-balancer targets still count as starting:
 * new IP targets of an NLB take 70–180 s to pass their first checks.
 */
export const TARGET_GRACE_SECONDS = 300;
/** A task that stopped less than this long ago explains a service that cannot keep one running. */
export const RECENT_FAILURE_SECONDS = 600;

/** True while CloudFormation is changing the stack. */
// Stryker disable next-line Regex: every CloudFormation stack status that contains _IN_PROGRESS ends with it
export const stackBusy = (snapshot: Snapshot): boolean => /_IN_PROGRESS$/.test(snapshot.stack.status);

/** True when CloudFormation left the stack in a state only a person can repair. */
export const stackBroken = (snapshot: Pick<Snapshot, 'stack'>): boolean =>
  // Stryker disable next-line Regex: every CloudFormation stack status that contains _FAILED ends with it
  /_FAILED$/.test(snapshot.stack.status) || ['ROLLBACK_COMPLETE', 'DELETE_COMPLETE'].includes(snapshot.stack.status);

/** What a person does about a broken stack (the runtime guard's alerts, `meetctl stop`'s note). */
export const STACK_REPAIR_HINT =
  'Open the stack in the CloudFormation console and read its failed events. For UPDATE_ROLLBACK_FAILED, fix their cause and choose Stack actions > Continue update rollback; otherwise (or if that fails) run `meetctl destroy` and `meetctl deploy` again (recordings are kept).';

/**
 * Whether browsers can reach the running task: the load balancer sees its web target healthy, or (direct
 * mode) the meeting host's record points at the task and that change is INSYNC.
 */
export function reachable(snapshot: Snapshot): boolean {
  if (snapshot.ingress === 'direct') return Boolean(snapshot.taskDns?.ip && snapshot.taskDns.inSync);
  return snapshot.targets.web.some((t) => t.state === 'healthy');
}

/** Where the platform is. Pure and total over snapshots of a deployed stack. */
export function phase(snapshot: Snapshot): Phase {
  const { stack, service } = snapshot;
  if (stackBroken(snapshot)) return 'FAILED';
  if (stackBusy(snapshot)) {
    if (stack.status.startsWith('DELETE') || stack.powerState === 'off') return 'POWERING_DOWN';
    if (!service) return 'POWERING_UP';
    // A deploy that keeps the power state: the tasks tell where we are.
  }
  if (stack.powerState === 'off') return 'POWERED_DOWN';
  return servicePhase(snapshot);
}

/**
 * Where the meeting is: `phase()`, except on a stack CloudFormation left broken, where `phase()` says
 * FAILED whatever the meeting does. There the service and its tasks tell a meeting that runs on the
 * resources the stack still has from a start that failed (what the runtime guard, the idle stop and a
 * stop's people check need to know).
 */
export function meetingPhase(snapshot: Snapshot): Phase {
  return stackBroken(snapshot) ? servicePhase(snapshot) : phase(snapshot);
}

/** The phase the service and its tasks alone say, whatever CloudFormation's state; FAILED without a service. */
function servicePhase(snapshot: Snapshot): Phase {
  const { service } = snapshot;
  if (!service) return 'FAILED';

  const live = snapshot.tasks.filter(isLive);
  if (service.desired === 0) return live.length > 0 ? 'STOPPING' : 'STOPPED';

  const running = live.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus !== 'STOPPED');
  if (running.length === 0) {
    const recentFailure = snapshot.tasks.some(
      (t) => t.lastStatus === 'STOPPED' && t.stoppedReason && snapshot.at - (t.stoppedAt ?? 0) < RECENT_FAILURE_SECONDS * 1000,
    );
    return live.length === 0 && recentFailure ? 'FAILED' : 'STARTING';
  }

  const taskHealthy = running.some((t) => t.health === 'HEALTHY');
  const endpointsFailing = snapshot.endpoints?.some((c) => c.status === 'fail') ?? false;
  if (taskHealthy && reachable(snapshot)) return endpointsFailing ? 'DEGRADED' : 'READY';

  const oldestStart = Math.min(...running.map((t) => t.startedAt ?? snapshot.at));
  const pastGrace = snapshot.at - oldestStart > TARGET_GRACE_SECONDS * 1000;
  const containerUnhealthy = running.some((t) => t.health === 'UNHEALTHY' || t.containers.some((c) => c.health === 'UNHEALTHY'));
  return containerUnhealthy || pastGrace ? 'DEGRADED' : 'STARTING';
}
