import { OUTPUT_NAMES } from './outputs.js';
import { freshCount, STATS_HISTORY_MS } from './participants.js';
import { stackBroken } from './phase.js';
import type { ControlPorts } from './ports.js';
import { type CheckResult, type Ingress, isLive, type RecorderSnapshot, type Snapshot, type StackSnapshot } from './snapshot.js';

export interface ObserveOptions {
  /** Public host name, for the endpoint checks. */
  readonly host: string;
  /** Run the HTTPS / certificate / websocket checks (slow; only when a task should serve). */
  readonly endpoints?: boolean;
  /** Read the stats sidecar's recent lines (participants now, and since when nobody was in a call). */
  readonly participants?: boolean;
  /** Direct mode: read the certificate function's last report (days left). */
  readonly certificate?: boolean;
  /** On a broken stack, read since when CloudFormation has left it so (the runtime guard's alert). */
  readonly statusSince?: boolean;
  readonly now: number;
}

/** Parse `web=/group/a,jvb=/group/b` (the LogGroupNames output). */
export function logGroupsFrom(outputs: Readonly<Record<string, string>>): Record<string, string> {
  const raw = outputs[OUTPUT_NAMES.logGroups] ?? '';
  return Object.fromEntries(
    raw
      .split(',')
      .map((pair) => pair.split('='))
      .filter((parts): parts is [string, string] => parts.length === 2 && Boolean(parts[0]) && Boolean(parts[1])),
  );
}

/** The ingress mode a stack says it has; stacks deployed before the output existed had a load balancer. */
export function ingressOf(outputs: Readonly<Record<string, string>>): Ingress {
  return outputs[OUTPUT_NAMES.ingress] === 'direct' ? 'direct' : 'load-balancer';
}

/** Read the world into a snapshot; undefined when the stack does not exist. */
export async function observe(ports: ControlPorts, options: ObserveOptions): Promise<Snapshot | undefined> {
  const described = await ports.stack.describe();
  if (!described) return undefined;
  const stack = await withStatusSince(ports, described, options);
  const out = stack.outputs;
  const cluster = out[OUTPUT_NAMES.cluster];
  const serviceName = out[OUTPUT_NAMES.service];
  // The recorder's reads depend on nothing the meeting's reads return: one round for both.
  const [service, tasks, web, lock, recorder] = await Promise.all([
    cluster && serviceName ? ports.service.describe(cluster, serviceName) : Promise.resolve(undefined),
    cluster && serviceName ? ports.service.tasks(cluster, serviceName) : Promise.resolve([]),
    out[OUTPUT_NAMES.webTargets] ? ports.targets.health(out[OUTPUT_NAMES.webTargets] as string) : Promise.resolve([]),
    out[OUTPUT_NAMES.stateTable] ? ports.state.current() : Promise.resolve(undefined),
    observeRecorder(ports, out, options.now),
  ]);
  const live = tasks.some((t) => t.lastStatus === 'RUNNING');
  const ingress = ingressOf(out);
  // The task that serves (or will): not stopped and not told to stop. The DNS function points the host
  // at it once its TLS sidecar runs, often before the task is RUNNING.
  const serving = tasks.find((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED');
  const [taskDns, certificate] = await Promise.all([
    ingress === 'direct' && serving ? ports.taskDns.status(serving.arn) : Promise.resolve(undefined),
    ingress === 'direct' && options.certificate ? ports.certificate.status() : Promise.resolve(undefined),
  ]);
  const snapshot: Snapshot = {
    at: options.now,
    stack,
    ingress,
    ...(taskDns ? { taskDns } : {}),
    ...(certificate ? { certificate } : {}),
    ...(service ? { service } : {}),
    tasks,
    targets: { web },
    ...(lock ? { lock } : {}),
    ...(recorder ? { recorder } : {}),
  };
  const checkEndpoints = (): Promise<CheckResult[] | undefined> => {
    if (!options.endpoints || !live) return Promise.resolve(undefined);
    if (ingress === 'load-balancer') return ports.endpoints.check(options.host);
    // Direct mode: straight at the task's address, once the DNS function found it.
    if (!taskDns?.ip) {
      return Promise.resolve([
        {
          name: 'https',
          status: 'fail',
          detail: 'the task has no public address in the record yet',
          hint: 'wait for the DNS function',
        },
      ]);
    }
    return ports.endpoints.check(options.host, taskDns.ip);
  };
  const [endpoints, withStats] = await Promise.all([
    checkEndpoints(),
    options.participants ? withParticipants(ports, snapshot) : Promise.resolve(snapshot),
  ]);
  return { ...withStats, ...(endpoints ? { endpoints } : {}) };
}

/** The stack with `statusSince` when asked for and the stack is broken (one more call, only then). */
async function withStatusSince(ports: ControlPorts, stack: StackSnapshot, options: ObserveOptions): Promise<StackSnapshot> {
  if (!options.statusSince || !stackBroken({ stack })) return stack;
  const since = await ports.stack.statusSince(stack.status);
  return since === undefined ? stack : { ...stack, statusSince: since };
}

/**
 * The snapshot with the stats sidecar's recent lines and the participants now, read only when a
 * decision needs them (a stop, a restart, the automation's rules): it is a log query of hours.
 */
export async function withParticipants(ports: ControlPorts, snapshot: Snapshot): Promise<Snapshot> {
  const statsGroup = logGroupsFrom(snapshot.stack.outputs).stats;
  if (!statsGroup || !snapshot.tasks.some((t) => t.lastStatus === 'RUNNING')) return snapshot;
  const stats = await ports.participants.samples(statsGroup, snapshot.at - STATS_HISTORY_MS);
  const participants = freshCount(stats, snapshot.at);
  return { ...snapshot, stats, ...(participants !== undefined ? { participants } : {}) };
}

/** How far back the recorder's newest status line may be (it writes one every 15 s). */
export const RECORDER_STATUS_FRESH_MS = 2 * 60_000;

/**
 * The recorder's group, instances, tasks, newest status line and what waits on its disk; undefined
 * when the stack has none. With a task alive, the status of the last few minutes; with none alive but
 * the instance still there, the last line of the newest task ECS still lists says what it left
 * pending (the disk outlives the task).
 */
export async function observeRecorder(
  ports: ControlPorts,
  out: Readonly<Record<string, string>>,
  now: number,
): Promise<RecorderSnapshot | undefined> {
  const group = out[OUTPUT_NAMES.recorderGroup];
  const family = out[OUTPUT_NAMES.recorderTaskFamily];
  const cluster = out[OUTPUT_NAMES.cluster];
  const logGroup = out[OUTPUT_NAMES.recorderLogGroup];
  if (!group || !family || !cluster) return undefined;
  const [desiredCapacity, instances, tasks] = await Promise.all([
    ports.recorder.capacity(group),
    ports.recorder.instances(cluster),
    ports.recorder.tasks(cluster, family),
  ]);
  const alive = tasks.some(isLive);
  const newest = Math.max(0, ...tasks.map((t) => t.createdAt));
  // No log query when nothing of the recorder is there.
  const since = alive ? now - RECORDER_STATUS_FRESH_MS : instances > 0 || desiredCapacity > 0 ? newest : 0;
  const line = logGroup && since > 0 ? await ports.recorder.status(logGroup, since) : undefined;
  return {
    desiredCapacity,
    instances,
    tasks,
    ...(line && alive ? { status: line } : {}),
    pending: line?.pending ?? [],
  };
}
