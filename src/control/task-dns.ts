import type { Clock } from './ports.js';
import { retryTransient } from './retry.js';

/**
 * The meeting host's A record follows the task (the no-load-balancer ingress mode): a function on
 * ECS "Task State Change" events points it at the task's public IP once something answers there (the
 * TLS sidecar runs, usually before the task is RUNNING), and back at the "asleep" endpoint as soon as the task is told to stop (before its network interface, and so
 * its address, is released). Events come at least once and in any order: each task's `version`
 * orders its own events, and every record change is one conditional batch that deletes the exact
 * value it replaces, so a stale event fails instead of overwriting a newer answer. The record is
 * never deleted: resolvers would cache "no such name" for up to the zone's SOA TTL.
 */

/** Where the meeting host points. */
export type RecordTarget =
  | {
      readonly kind: 'task';
      readonly ip: string /** As read from Route 53; a new record gets the adapter's TTL. */;
      readonly ttl?: number;
    }
  | { readonly kind: 'asleep' };

/**
 * The container that answers the meeting host on 443 in direct mode (the TLS sidecar,
 * src/infra/constructs/jitsi-task.ts). It depends on no other container, so it runs while the
 * others still start, and serves the waking page until web answers.
 */
export const SERVING_CONTAINER = 'tls';

/**
 * TTL of the meeting host's A record while a task runs. It bounds how long a resolver may keep the
 * task's address once the record has moved away, and so, with Route 53's propagation, how long the
 * TLS sidecar keeps answering after ECS tells it to stop (SIDECAR_LINGER_SECONDS,
 * src/control/start-time.ts): 30 s rather than 60 s shortens that wait and the time a visitor who
 * looked the name up just before a stop sees the waking page instead of the asleep page. Shorter buys
 * little: many resolvers keep an answer at least 30 s whatever the TTL, and a start never waits on it
 * (the asleep alias's TTL, not this one, is what a visitor holds while the task starts). Queries cost
 * $0.40 a million: nothing at a meetup's size.
 */
export const TASK_RECORD_TTL = 30;

/** The fields of an ECS Task State Change event this function reads. */
export interface TaskChange {
  readonly taskArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  /** Increases with every change of this task. */
  readonly version: number;
  readonly eniId?: string;
  /** The event shows SERVING_CONTAINER RUNNING: something answers on the task's address. */
  readonly servingContainerRunning?: boolean;
}

/** The record changed under us (another event won): re-read before deciding again. */
export class StaleRecordError extends Error {
  constructor(message = 'the record no longer holds the value this change expected to replace') {
    super(message);
    this.name = 'StaleRecordError';
  }
}

/**
 * A StaleRecordError, also once a port has classified it: the ports hand the core their errors
 * as PortErrors that keep the name (src/aws/errors.ts), so an `instanceof` would never match there.
 */
export const isStaleRecord = (error: unknown): boolean => error instanceof Error && error.name === 'StaleRecordError';

export interface TaskDnsPorts {
  /** The public IPv4 address on a network interface, once AWS has associated one. */
  readonly publicIp: (eniId: string) => Promise<string | undefined>;
  readonly record: {
    current(): Promise<RecordTarget | undefined>;
    /**
     * DELETE exactly `from` and CREATE `to` in one batch; StaleRecordError when `from` is not what is
     * there. Returns the Route 53 change id (the control plane waits for it to be INSYNC).
     */
    replace(from: RecordTarget | undefined, to: RecordTarget): Promise<string>;
  };
  readonly tasks: {
    /** What was recorded for a task (its latest event version and address). */
    get(taskArn: string): Promise<{ readonly version: number; readonly ip?: string } | undefined>;
    /**
     * Record this version (and the address, when given), keeping the change noted on the row; false
     * when a newer version was recorded already. The same version again is a redelivery: recorded.
     */
    put(taskArn: string, version: number, ip?: string): Promise<boolean>;
    /** Note the change that pointed the record at the task (only while `version` is still the task's latest). */
    noteChange(taskArn: string, version: number, changeId: string): Promise<void>;
  };
  readonly clock: Clock;
}

export interface TaskDnsResult {
  readonly action: 'pointed-at-task' | 'pointed-asleep' | 'unchanged' | 'ignored';
  readonly why: string;
  /** The Route 53 change, when the record was changed. */
  readonly changeId?: string;
}

/** How long to wait for the public IP once the task answers (it is usually there at once, sometimes seconds later). */
export const PUBLIC_IP_WAIT_MS = 60_000;

/** Read the fields we need from an EventBridge "ECS Task State Change" event. */
export function taskChangeOf(event: {
  readonly detail: {
    readonly taskArn: string;
    readonly lastStatus: string;
    readonly desiredStatus: string;
    readonly version: number;
    readonly attachments?: ReadonlyArray<{
      readonly type: string;
      readonly details?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
    }>;
    /** Each container's state: ECS sends the event also "whenever a container in the task changes state". */
    readonly containers?: ReadonlyArray<{ readonly name: string; readonly lastStatus?: string }>;
  };
}): TaskChange {
  const eni = event.detail.attachments
    ?.find((a) => a.type === 'eni' || a.type === 'ElasticNetworkInterface')
    ?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
  const serving = event.detail.containers?.some((c) => c.name === SERVING_CONTAINER && c.lastStatus === 'RUNNING');
  return {
    taskArn: event.detail.taskArn,
    lastStatus: event.detail.lastStatus,
    desiredStatus: event.detail.desiredStatus,
    version: event.detail.version,
    ...(eni ? { eniId: eni } : {}),
    ...(serving ? { servingContainerRunning: true } : {}),
  };
}

/**
 * Whether something answers on the task's address: the task RUNNING, or (earlier, while the Jitsi
 * containers still start) its TLS sidecar RUNNING. Never sooner: a name that resolves to an address
 * where nothing listens is a browser's "connection refused" page.
 */
export const answers = (change: TaskChange): boolean =>
  change.lastStatus === 'RUNNING' || change.servingContainerRunning === true;

/** Switch the record from whatever it holds now to `to`, unless `keep` says the current value must stay. */
export async function switchRecord(
  ports: TaskDnsPorts,
  to: RecordTarget,
  keep: (current: RecordTarget | undefined) => string | undefined,
): Promise<TaskDnsResult> {
  for (let attempt = 1; ; attempt++) {
    const current = await retryTransient(ports.clock, () => ports.record.current());
    const reason = keep(current);
    if (reason) return { action: 'unchanged', why: reason };
    if (current && same(current, to)) return { action: 'unchanged', why: 'the record already points there' };
    try {
      const changeId = await retryTransient(ports.clock, () => ports.record.replace(current, to));
      return to.kind === 'task'
        ? { action: 'pointed-at-task', why: `the meeting host now points at ${to.ip}`, changeId }
        : { action: 'pointed-asleep', why: 'the meeting host now points at the asleep page', changeId };
    } catch (error) {
      if (!isStaleRecord(error) || attempt >= 3) throw error;
      // Another event changed the record between our read and our write: decide again on what is there now.
    }
  }
}

export const same = (a: RecordTarget, b: RecordTarget) =>
  a.kind === b.kind && (a.kind === 'asleep' || a.ip === (b as { ip: string }).ip);

/** Handle one task state change. */
export async function onTaskStateChange(change: TaskChange, ports: TaskDnsPorts): Promise<TaskDnsResult> {
  const known = await retryTransient(ports.clock, () => ports.tasks.get(change.taskArn));
  // An older version is out of order. The same version again is a redelivery, or Lambda retrying an
  // attempt that failed after it recorded the version: the work is done again (every step is
  // idempotent), or a failed switch would never be retried.
  if (known && known.version > change.version) {
    return { action: 'ignored', why: `event version ${change.version} is older than ${known.version} (out of order)` };
  }
  const stopping = change.desiredStatus === 'STOPPED';
  if (stopping) {
    await retryTransient(ports.clock, () => ports.tasks.put(change.taskArn, change.version, known?.ip));
    const ip = known?.ip;
    if (!ip) return { action: 'ignored', why: 'the stopping task never had an address in the record' };
    // Only move away from this task's own address: a replacement task may already be in the record.
    return switchRecord(ports, { kind: 'asleep' }, (current) =>
      current?.kind === 'task' && current.ip === ip ? undefined : 'the record points elsewhere already',
    );
  }
  if (!answers(change)) {
    await retryTransient(ports.clock, () => ports.tasks.put(change.taskArn, change.version, known?.ip));
    return { action: 'ignored', why: `task is ${change.lastStatus} and its ${SERVING_CONTAINER} container is not running yet` };
  }
  if (!change.eniId) return { action: 'ignored', why: 'the event names no network interface' };
  const ip = await waitForPublicIp(ports, change.eniId);
  if (!ip)
    throw new Error(
      `no public IPv4 address on ${change.eniId} after ${PUBLIC_IP_WAIT_MS / 1000} s; EventBridge retries the event`,
    );
  if (!(await retryTransient(ports.clock, () => ports.tasks.put(change.taskArn, change.version, ip)))) {
    return { action: 'ignored', why: 'a newer event of this task was handled meanwhile' };
  }
  // A later event of this task may have said stop while we looked the address up.
  const latest = await retryTransient(ports.clock, () => ports.tasks.get(change.taskArn));
  if (latest && latest.version > change.version) return { action: 'ignored', why: 'the task changed again meanwhile' };
  const result = await switchRecord(ports, { kind: 'task', ip }, () => undefined);
  // The control plane waits for this change to be INSYNC before it calls the meeting ready. When the
  // record already pointed here (a duplicate delivery), the change noted the first time still holds.
  if (result.changeId) {
    const changeId = result.changeId;
    await retryTransient(ports.clock, () => ports.tasks.noteChange(change.taskArn, change.version, changeId));
  }
  // A stop handled while we switched saw the old record and left it: undo our switch, conditionally.
  const after = await retryTransient(ports.clock, () => ports.tasks.get(change.taskArn));
  if (after && after.version > change.version) {
    return switchRecord(ports, { kind: 'asleep' }, (current) =>
      current?.kind === 'task' && current.ip === ip ? undefined : 'the record points elsewhere already',
    );
  }
  return result;
}

async function waitForPublicIp(ports: TaskDnsPorts, eniId: string): Promise<string | undefined> {
  const until = ports.clock.now() + PUBLIC_IP_WAIT_MS;
  for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
    const ip = await retryTransient(ports.clock, () => ports.publicIp(eniId));
    if (ip) return ip;
    if (ports.clock.now() + delay > until) return undefined;
    await ports.clock.sleep(delay);
  }
}
